using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.Event;

namespace ActorPool.Internal;

/// <summary>
/// The router and the reply address of a pool outside the cluster (<see cref="Pool.ConnectViaClusterClient"/>), in
/// one actor. Every message goes through the <see cref="ClusterClient"/> with local affinity, so the receptionist
/// the client is connected to hands it to the router on its own node: all of a pool's calls, and their cancels, go
/// to that one router, never split over several. Replies come straight back here, and every remote actor holding a
/// call is watched, as <see cref="ReplyInbox"/> does for a router on another member.
/// <para>
/// When the node serving the calls is lost, the calls it held, and those sent to it that it never accepted, are sent
/// again, at most <see cref="MaxResubmissions"/> times each, to the router of the node the client reaches next. The
/// proxy learns which router that is by sending it an <see cref="Identify"/> the same way, and keeps everything it is
/// given until one answers, so nothing is sent to the dead node meanwhile.
/// </para>
/// <list type="bullet">
/// <item><see cref="Locating"/>: no router known (at start, or its node lost): asks every second, and keeps what it is given.</item>
/// <item><see cref="Forwarding"/>: forwards to the router found, and watches it.</item>
/// </list>
/// It stops when its ClusterClient stops (no contact point answered within the client's reconnect timeout), or when
/// no router answers for twice that long, and every outstanding call fails with <see cref="PoolWorkerLostException"/>.
/// </summary>
internal sealed class ClusterClientProxy : ReceiveActor, IWithTimers
{
    /// <summary>How many times a call is sent again, each time the node serving it is lost, before it fails.</summary>
    public const int MaxResubmissions = 3;

    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A router accepts a call as soon as it reads it. One forwarded this long ago and neither accepted nor answered
    /// was lost on the way (ClusterClient delivers at most once, and may switch receptionists under a send): it is sent again.
    /// </summary>
    private static readonly TimeSpan AcceptBound = TimeSpan.FromSeconds(10);

    private readonly IActorRef _client;
    private readonly string _routerPath;
    private readonly PendingCalls _calls;
    private readonly CallHolders _holders;
    private readonly Action<Exception> _routerLost;
    private readonly TimeSpan _reconnectTimeout;
    private readonly Transport _transport;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>What was given to forward while no router was known, with its sender, in order.</summary>
    private readonly Queue<(object Message, IActorRef Sender)> _waiting = new();

    /// <summary>Who asked which node serves the calls while none was known.</summary>
    private readonly List<IActorRef> _askers = [];

    /// <summary>The router every message goes to; null while locating one.</summary>
    private IActorRef? _router;

    /// <summary>Counts the routers forwarded to: a call remembers the one it was forwarded to last.</summary>
    private long _generation;

    /// <summary>The node lost last, while locating the router that replaces its own.</summary>
    private Address? _lost;

    private long _probe;
    private long _firstProbe;

    /// <param name="client">The ClusterClient to send through; the proxy stops when it stops.</param>
    /// <param name="routerPath">The routers' path on the nodes, as registered with their receptionists.</param>
    /// <param name="calls">The facade's outstanding calls.</param>
    /// <param name="routerLost">Told once when the proxy gives up, so the facade fails later calls at once too.</param>
    /// <param name="reconnectTimeout">The client's reconnect timeout.</param>
    public ClusterClientProxy(IActorRef client, string routerPath, PendingCalls calls, Action<Exception> routerLost, TimeSpan reconnectTimeout)
    {
        _client = client;
        _routerPath = routerPath;
        _calls = calls;
        _holders = new CallHolders(calls);
        _routerLost = routerLost;
        _reconnectTimeout = reconnectTimeout;
        _transport = Transport.Of(Context.System);
        Locating();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Context.Watch(_client);
        StartLocating();
    }

    /// <summary>No router known: asks for one through the client, keeps what is to be forwarded, and answers when one is found.</summary>
    private void Locating()
    {
        Replies();
        // Only answers to this round's questions: an older one may come from the router just lost.
        Receive<ActorIdentity>(identity => identity is { MessageId: long id, Subject: not null } && id >= _firstProbe, identity => Found(identity.Subject));
        Receive<ActorIdentity>(_ => { });
        Receive<Probe>(_ => SendProbe());
        Receive<LocateTimeout>(_ => GiveUp(
            $"no router answered at {_routerPath} through the pool's ClusterClient within {(_reconnectTimeout * 2).TotalSeconds:0} s, though it reached a contact point " +
            "(does every node run an ActorPool router there?)"));
        Receive<GetServingNode>(_ => _askers.Add(Sender));
        Receive<AcceptanceCheck>(_ => { });
        ReceiveAny(message => _waiting.Enqueue((message, Sender)));
    }

    /// <summary>Forwards everything to the router found, until its node is lost.</summary>
    private void Forwarding()
    {
        Replies();
        // Late answers to questions asked while locating, and timers that fired as the router was found.
        Receive<ActorIdentity>(_ => { });
        Receive<Probe>(_ => { });
        Receive<LocateTimeout>(_ => { });
        Receive<AcceptanceCheck>(_ => ResendUnaccepted());
        Receive<GetServingNode>(_ => Sender.Tell(new ServingNode(_router!.Path.Address)));
        ReceiveAny(message => Forward(message, Sender));
    }

    /// <summary>What both behaviours do: replies to calls, holders accepting them, and deaths.</summary>
    private void Replies()
    {
        Receive<RequestAccepted>(Accepted);
        Receive<Terminated>(Lost);
        // Handled whether or not a call still waits for them: a reply must never be forwarded to the cluster.
        Receive<MapPart>(Answer);
        Receive<MapProgress>(Answer);
        Receive<MapResult>(Answer);
        Receive<ApplyResult>(Answer);
        Receive<Status.Failure>(Answer);
    }

    private void Answer(object reply) => _calls.Dispatch(reply);

    private void StartLocating()
    {
        _firstProbe = _probe + 1;
        SendProbe();
        Timers.StartPeriodicTimer(nameof(Probe), Probe.Instance, ProbeInterval);
        Timers.StartSingleTimer(nameof(LocateTimeout), LocateTimeout.Instance, _reconnectTimeout * 2);
    }

    /// <summary>Asks, the way calls go, which router serves them: the router answers itself (Akka answers an <see cref="Identify"/> for every actor).</summary>
    private void SendProbe() => _client.Tell(new ClusterClient.Send(_routerPath, new Identify(++_probe), localAffinity: true), Self);

    private void Found(IActorRef router)
    {
        Timers.Cancel(nameof(Probe));
        Timers.Cancel(nameof(LocateTimeout));
        _router = router;
        _generation++;
        Context.Watch(router);
        if (_lost is { } lost)
        {
            _log.Warning("Calls through ClusterClient now go to the router at {0}, in place of the one on {1}", router.Path, lost);
        }
        else
        {
            _log.Info("Calls through ClusterClient go to the router at {0}", router.Path);
        }

        _lost = null;
        Become(Forwarding);
        Timers.StartPeriodicTimer(nameof(AcceptanceCheck), AcceptanceCheck.Instance, AcceptBound / 4);
        foreach (var asker in _askers)
        {
            asker.Tell(new ServingNode(router.Path.Address));
        }

        _askers.Clear();
        while (_waiting.TryDequeue(out var waiting))
        {
            Forward(waiting.Message, waiting.Sender);
        }
    }

    /// <summary>Sends a message to the router; a request is remembered with its call, to be sent again if its node is lost.</summary>
    private void Forward(object message, IActorRef sender)
    {
        switch (message)
        {
            case Submit submit when submit.ReplyTo.Equals(Self):
                if (_calls.Peek(submit.RequestId) is not { } call)
                {
                    // Answered, cancelled or failed while it waited here.
                    return;
                }

                var route = call.Route ??= new CallRoute(submit);
                route.Generation = _generation;
                route.ForwardedAt = System.Diagnostics.Stopwatch.GetTimestamp();
                Send(submit, sender, failure => _calls.Take(submit.RequestId)?.Fail(failure));
                break;
            case Submit foreign:
                // Another facade's call (Pool.Connect over this pool's Router): forwarded, its replies go to that facade.
                Send(foreign, sender, failure => foreign.ReplyTo.Tell(new Status.Failure(failure, foreign.RequestId)));
                break;
            default:
                // Cancels, and the public protocol sent to this pool's Router by its users (their sender gets the answer).
                _client.Tell(new ClusterClient.Send(_routerPath, message, localAffinity: true), sender);
                break;
        }
    }

    /// <summary>
    /// Sends a request encoded here, so that a value that cannot cross, or a request too large for a frame, fails its
    /// call instead of being dropped on the way.
    /// </summary>
    private void Send(Submit submit, IActorRef sender, Action<PoolException> failed)
    {
        try
        {
            _transport.Encode(submit, encoded => _client.Tell(new ClusterClient.Send(_routerPath, encoded, localAffinity: true), sender));
        }
        catch (PoolException ex)
        {
            failed(ex);
        }
    }

    private void Accepted(RequestAccepted accepted)
    {
        if (_calls.Peek(accepted.RequestId) is not { } call)
        {
            return;
        }

        if (call.Route is { } route)
        {
            route.Holder = Sender;
        }

        if (_holders.Add(Sender, accepted.RequestId))
        {
            Context.Watch(Sender);
        }
    }

    /// <summary>
    /// The client gave up, or a router or holder of calls is gone. A serving node is taken for lost when its router
    /// dies, when the failure detector finds any actor of that node dead, or when one of its actors stops without
    /// answering a call it held (the node is shutting down): the proxy then locates a router again before the calls
    /// the dead holder held are sent again, so that none goes to the dying node.
    /// </summary>
    private void Lost(Terminated terminated)
    {
        var actor = terminated.ActorRef;
        if (actor.Equals(_client))
        {
            GiveUp($"the pool's ClusterClient gave up: no contact point answered within {_reconnectTimeout.TotalSeconds:0} s (akka.cluster.client.reconnect-timeout)");
            return;
        }

        var orphans = new List<(PendingCall Call, CallRoute Route)>();
        if (_holders.TryRemove(actor, out var held))
        {
            foreach (var id in held)
            {
                if (_calls.Peek(id) is { Route: { } route } call && actor.Equals(route.Holder))
                {
                    orphans.Add((call, route));
                }
            }
        }

        // A call forwarded to the current router but held by an actor now dead went wherever the client is connected:
        // usually the router's node, but the client may have switched receptionists by itself. Either way the node
        // the client is connected to may be dying, so which router serves is asked again and nothing is sent there.
        // (A late death from a router replaced already concerns calls forwarded before: they just go again.)
        if (_router is { } router && (actor.Equals(router) || orphans.Any(o => o.Route.Generation == _generation)
            || (terminated.AddressTerminated && actor.Path.Address.Equals(router.Path.Address))))
        {
            Relocate(actor.Path.Address);
        }

        foreach (var (call, route) in orphans)
        {
            SendAgain(call, route, actor.Path.Address);
        }
    }

    /// <summary>
    /// The serving node is lost: wait for another router, and send again the calls forwarded to this one that it
    /// never accepted (they may have been lost with it). Those it accepted go again when their holders' deaths come.
    /// </summary>
    private void Relocate(Address lost)
    {
        var generation = _generation;
        _log.Warning("The node serving this pool's calls through ClusterClient ({0}) was lost; its calls will be sent again to the router of the next node the client reaches", lost);
        _router = null;
        _lost = lost;
        Become(Locating);
        StartLocating();
        foreach (var id in _calls.Ids)
        {
            if (_calls.Peek(id) is { Route: { Holder: null, Generation: > 0 } route } call && route.Generation <= generation)
            {
                SendAgain(call, route, lost);
            }
        }
    }

    /// <summary>Sends a call again, to the router now serving (or the next one found), unless it has been sent again enough.</summary>
    private void SendAgain(PendingCall call, CallRoute route, Address lost)
    {
        route.Holder = null;
        route.Generation = 0;
        route.LostAt = lost;
        if (route.Resubmissions >= MaxResubmissions)
        {
            _calls.Take(call.Id)?.Fail(new PoolWorkerLostException(
                $"The node serving this call ({lost}) was lost before it answered, as was the node serving it each time before: it was tried {route.Resubmissions + 1} times, " +
                "and is not sent again. The call may be submitted again."));
            return;
        }

        route.Resubmissions++;
        if (_router is null)
        {
            _waiting.Enqueue((route.Request, Self));
        }
        else
        {
            Forward(route.Request, Self);
        }
    }

    /// <summary>Sends again the calls forwarded to the current router that it has neither accepted nor answered within <see cref="AcceptBound"/>.</summary>
    private void ResendUnaccepted()
    {
        var router = _router!.Path.Address;
        foreach (var id in _calls.Ids)
        {
            if (_calls.Peek(id) is { Route: { Holder: null } route } call && route.Generation == _generation
                && System.Diagnostics.Stopwatch.GetElapsedTime(route.ForwardedAt) > AcceptBound)
            {
                _log.Warning("Call {0} was forwarded to the router on {1} {2:0} s ago and never accepted: it was lost on the way, and is sent again", id, router, AcceptBound.TotalSeconds);
                SendAgain(call, route, router);
            }
        }
    }

    /// <summary>No router can be reached: every outstanding call fails, later ones fail at once, and the proxy stops.</summary>
    private void GiveUp(string why)
    {
        var reason = new PoolWorkerLostException($"{char.ToUpperInvariant(why[0])}{why[1..]}. The call may be submitted again.");
        _routerLost(reason);
        _calls.FailAll(call => call.Route?.LostAt is { } lost
            ? new PoolWorkerLostException($"The node serving this call ({lost}) was lost before it answered, and then {why}. The call may be submitted again.")
            : reason);
        foreach (var asker in _askers)
        {
            asker.Tell(new Status.Failure(reason));
        }

        Context.Stop(Self);
    }

    private sealed class Probe
    {
        public static readonly Probe Instance = new();
    }

    private sealed class LocateTimeout
    {
        public static readonly LocateTimeout Instance = new();
    }

    private sealed class AcceptanceCheck
    {
        public static readonly AcceptanceCheck Instance = new();
    }
}

/// <summary>Asks a <see cref="ClusterClientProxy"/> which node serves its calls; answered with <see cref="ServingNode"/> once one does.</summary>
internal sealed class GetServingNode
{
    public static readonly GetServingNode Instance = new();

    private GetServingNode() { }
}

/// <summary>The node whose router serves a ClusterClient pool's calls now.</summary>
internal sealed record ServingNode(Address Address);
