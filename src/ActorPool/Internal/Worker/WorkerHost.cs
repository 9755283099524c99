using ActorPool.Serialization;
using Akka.Actor;
using Akka.Event;
using Akka.Routing;

namespace ActorPool.Internal;

/// <summary>
/// Owns a set of workers and keeps their number whole. A worker node has one at a well-known path
/// (<c>/user/actorpool-workers</c>) that every router in the cluster asks which workers it has and which functions
/// they can run (<see cref="ClusterWorkers"/>); an in-process pool's router has one as its child <c>workers</c>.
/// A worker that dies is replaced. A worker stuck in a call that timed out — whose thread .NET cannot stop — is
/// abandoned when its router asks (<see cref="AbandonStuck"/>): it leaves the list, a fresh worker on a fresh thread
/// takes its place, and the old one stops if its call ever returns. Routers deal to whatever the list holds now.
/// </summary>
internal sealed class WorkerHost : ReceiveActor
{
    /// <summary>The host's name under <c>/user</c> on every worker node.</summary>
    public const string Name = "actorpool-workers";

    private readonly WorkerOptions _options;
    private readonly List<IActorRef> _workers = [];
    private readonly Dictionary<IActorRef, WorkerActivity> _activity = [];

    // In-process routers that asked for the list: told at once when it changes.
    private readonly HashSet<IActorRef> _watchers = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<DateTime> _recentStops = new();
    private TimeSpan _delay;
    private int _named;

    // Tasks completed by workers no longer in the list (replaced, abandoned or given up on), and how many were
    // abandoned: so a status report counts the host's whole life, not only its current workers'.
    private long _retiredTasks;
    private long _abandoned;

    // The list's size, for the metrics gauge, read from another thread.
    private int _count;

    public WorkerHost(int workers, WorkerOptions options)
    {
        _options = options;
        for (var i = 0; i < workers; i++)
        {
            _workers.Add(Start());
        }

        _count = _workers.Count;

        Receive<ListWorkers>(_ => Sender.Tell(new WorkersOf(_workers.ToArray(), FunctionRegistry.All.Select(f => f.Name).ToArray())));
        Receive<GetRoutees>(_ =>
        {
            _watchers.Add(Sender);
            Sender.Tell(Found());
        });
        Receive<AbandonStuck>(abandon => Abandon(abandon.Worker, abandon.RequestKey, Sender));
        Receive<HostStatusRequest>(_ => Sender.Tell(Status()));
        Receive<DelayChunks>(delay =>
        {
            _delay = delay.Delay;
            foreach (var activity in _activity.Values)
            {
                activity.Delay = _delay;
            }
        });
        Receive<Terminated>(terminated => Stopped(terminated.ActorRef));
    }

    /// <summary>Reports this host's worker count on the <c>actorpool.workers</c> gauge while it lives.</summary>
    protected override void PreStart()
    {
        var node = new KeyValuePair<string, object?>("actorpool.node", ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString());
        var host = new KeyValuePair<string, object?>("actorpool.host", Self.Path.ToStringWithoutAddress());
        PoolMetrics.Observe(this, () => new System.Diagnostics.Metrics.Measurement<int>(Volatile.Read(ref _count), node, host));
    }

    protected override void PostStop() => PoolMetrics.Forget(this);

    /// <summary>
    /// Akka's defaults, said in the log: a worker that crashes outside user code is restarted (its chunk runs again);
    /// one that is killed, or cannot start, stops, and a fresh one takes its place (<see cref="Stopped"/>).
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(ex =>
    {
        if (ex is ActorKilledException or ActorInitializationException or DeathPactException)
        {
            return Directive.Stop;
        }

        _log.Warning(ex, "A pool worker failed outside user code and is restarted; its chunk runs again.");
        return Directive.Restart;
    });

    private IActorRef Start()
    {
        var activity = new WorkerActivity { Delay = _delay };
        var worker = Context.ActorOf(Props.Create(() => new Worker(_options, activity)).WithDispatcher(PoolSettings.WorkerDispatcherPath), $"w{_named++}");
        _activity[worker] = activity;
        Context.Watch(worker);
        return worker;
    }

    /// <summary>
    /// A worker stopped by itself (killed, or it could not start): replaced, unless workers keep stopping as soon as
    /// they start, which a replacement cannot cure — then the host says so and runs with fewer.
    /// </summary>
    private void Stopped(IActorRef worker)
    {
        var now = DateTime.UtcNow;
        _recentStops.Enqueue(now);
        while (_recentStops.Peek() < now - TimeSpan.FromSeconds(10))
        {
            _recentStops.Dequeue();
        }

        if (_recentStops.Count > 3 * Math.Max(1, _workers.Count))
        {
            _workers.Remove(worker);
            Retire(worker);
            Volatile.Write(ref _count, _workers.Count);
            _log.Error("Pool worker {0} stopped; {1} workers stopped within 10 s, so it is not replaced. See the errors above for why workers cannot run.", worker.Path.Name, _recentStops.Count);
            Tell();
            return;
        }

        Replace(worker, "it stopped");
    }

    private void Abandon(IActorRef worker, long requestKey, IActorRef router)
    {
        if (!_activity.TryGetValue(worker, out var activity) || !activity.IsRunning(router, requestKey))
        {
            // Finished meanwhile, or only queued there: the worker is not stuck.
            return;
        }

        PoolMetrics.WorkersAbandoned.Add(1);
        _abandoned++;
        _log.Warning("Pool worker {0} is still inside a call that timed out; it is abandoned and a fresh worker takes its place. Its thread is freed only if the call returns.", worker.Path.Name);
        Replace(worker, "abandoned");
        Context.Stop(worker);
    }

    /// <summary>Puts a fresh worker in <paramref name="worker"/>'s place in the list and tells the routers that watch.</summary>
    private void Replace(IActorRef worker, string why)
    {
        var at = _workers.IndexOf(worker);
        if (at < 0)
        {
            return;
        }

        Context.Unwatch(worker);
        Retire(worker);
        _workers[at] = Start();
        _log.Debug("Pool worker {0} replaced by {1} ({2}).", worker.Path.Name, _workers[at].Path.Name, why);
        Tell();
    }

    /// <summary>Drops <paramref name="worker"/>'s activity, keeping the tasks it completed in the host's total.</summary>
    private void Retire(IActorRef worker)
    {
        if (_activity.Remove(worker, out var activity))
        {
            _retiredTasks += activity.TasksCompleted;
        }
    }

    /// <summary>How this host's workers are doing now, for <c>actorpool status</c>.</summary>
    private HostStatus Status()
    {
        var (busy, completed) = (0, _retiredTasks);
        foreach (var activity in _activity.Values)
        {
            busy += activity.IsBusy ? 1 : 0;
            completed += activity.TasksCompleted;
        }

        return new HostStatus(_workers.Count, busy, completed, _abandoned);
    }

    private void Tell()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Tell(Found());
        }
    }

    /// <summary>The list for a router in this process: every worker runs whatever it is sent, closures included.</summary>
    private WorkersFound Found() => new(_workers.Select(w => new FoundWorker(w, null)).ToArray());
}

/// <summary>Router to a node's <see cref="WorkerHost"/>: which workers do you have?</summary>
internal sealed class ListWorkers : IPoolMessage
{
    public static readonly ListWorkers Instance = new();

    private ListWorkers() { }
}

/// <summary>A node's workers and the functions registered there (what they can run).</summary>
internal sealed record WorkersOf(IReadOnlyList<IActorRef> Workers, IReadOnlyList<string> Functions) : IPoolMessage;

/// <summary>Anyone to a node's <see cref="WorkerHost"/>: how are your workers doing? Answered with <see cref="HostStatus"/>.</summary>
internal sealed class HostStatusRequest : IPoolMessage
{
    public static readonly HostStatusRequest Instance = new();

    private HostStatusRequest() { }
}

/// <summary>
/// A worker host's state when asked: <paramref name="Workers"/> in its list, <paramref name="Busy"/> of them inside a
/// call now, <paramref name="TasksCompleted"/> tasks (items) its workers completed since it started (replaced workers
/// included), and <paramref name="WorkersAbandoned"/> workers it abandoned in calls that timed out.
/// </summary>
internal sealed record HostStatus(int Workers, int Busy, long TasksCompleted, long WorkersAbandoned) : IPoolMessage;

/// <summary>
/// Router to the host of <paramref name="Worker"/>: request <paramref name="RequestKey"/> timed out while the worker held
/// a chunk of it. If the worker's thread is inside that call now, abandon it and start a fresh one.
/// </summary>
internal sealed record AbandonStuck(IActorRef Worker, long RequestKey) : IPoolMessage;

/// <summary>
/// Fault injection, for the simulation harness: every worker of this host, and every one it starts later, waits
/// <paramref name="Delay"/> before each chunk (zero: not at all), as on a slow or overloaded machine.
/// </summary>
internal sealed record DelayChunks(TimeSpan Delay) : IPoolMessage;
