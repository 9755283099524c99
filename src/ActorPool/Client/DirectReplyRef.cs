using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>
/// The reply address of a pool that owns its router: no mailbox and no thread hop, replies complete their calls in
/// the replying actor's thread (as Akka's own Ask does). User callbacks never run there: they are queued.
/// </summary>
internal sealed class DirectReplyRef : MinimalActorRef
{
    private readonly PendingCalls _calls;

    public DirectReplyRef(IActorRefProvider provider, PendingCalls calls)
    {
        Provider = provider;
        Path = provider.TempPath();
        _calls = calls;
        provider.RegisterTempActor(this, Path);
    }

    public override ActorPath Path { get; }

    public override IActorRefProvider Provider { get; }

    public override void Stop() => Provider.UnregisterTempActor(Path);

    protected override void TellInternal(object message, IActorRef sender) => _calls.Dispatch(message);
}
