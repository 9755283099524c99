using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>
/// The reply address of a facade whose router runs elsewhere (another node, or behind a ClusterClient): every call
/// names it as <c>ReplyTo</c> and is matched by request id, so no call pays for a temporary Ask actor. It watches
/// the router and every remote actor that holds one of its calls, so a call whose server is lost fails with
/// <see cref="PoolWorkerLostException"/> instead of waiting for ever.
/// </summary>
internal sealed class ReplyInbox : UntypedActor
{
    private readonly PendingCalls _calls;
    private readonly IActorRef _router;

    /// <summary>Remote actors holding our calls, and those calls.</summary>
    private readonly CallHolders _holders;

    private readonly Action<Exception> _routerLost;

    /// <param name="calls">The facade's outstanding calls.</param>
    /// <param name="router">The router to watch.</param>
    /// <param name="routerLost">Told once when the router is gone, so the facade fails later calls at once too.</param>
    public ReplyInbox(PendingCalls calls, IActorRef router, Action<Exception> routerLost)
    {
        _calls = calls;
        _holders = new CallHolders(calls);
        _router = router;
        _routerLost = routerLost;
    }

    protected override void PreStart() => Context.Watch(_router);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RequestAccepted accepted when _calls.Peek(accepted.RequestId) is not null:
                // The call is served on another node: if the holder dies, fail its calls instead of waiting forever.
                if (_holders.Add(Sender, accepted.RequestId))
                {
                    Context.Watch(Sender);
                }

                break;
            case RequestAccepted:
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_router):
                // The router, or the ClusterClient behind a proxy that gave up reaching any contact, is gone: no call can be answered now.
                var lost = new PoolWorkerLostException(
                    $"The pool's router ({_router.Path}) is gone: its node was lost or no contact point answered. The call may be submitted again.");
                _routerLost(lost);
                _calls.FailAll(() => lost);
                break;
            case Terminated terminated when _holders.TryRemove(terminated.ActorRef, out var orphans):
                foreach (var id in orphans)
                {
                    _calls.Take(id)?.Fail(new PoolWorkerLostException(
                        $"The node serving this call ({terminated.ActorRef.Path.Address}) was lost before it answered; the call may be submitted again."));
                }

                break;
            default:
                if (!_calls.Dispatch(message))
                {
                    Unhandled(message);
                }

                break;
        }
    }
}
