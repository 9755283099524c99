using ActorPool.Internal;
using Akka.Actor;
using Akka.Configuration;

namespace ActorPool;

/// <summary>
/// Python's <c>multiprocessing.Pool</c> on Akka.NET actors: a router with a round-robin pool of workers, in this
/// process or spread over the nodes of an Akka.Cluster. Create one with <see cref="Create(int)"/>, submit work
/// with the <c>Apply</c>, <c>Map</c>, <c>StarMap</c> and <c>Imap</c> families, and end it with
/// <see cref="Close"/> and <see cref="Join"/> (or <see cref="DisposeAsync"/>), or <see cref="Terminate"/>.
/// </summary>
public sealed partial class Pool : IDisposable, IAsyncDisposable
{
    private const int Open = 0;
    private const int Closed = 1;
    private const int Terminated = 2;

    private static readonly Config EmbeddedConfig = ConfigurationFactory.ParseString("""
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          actor.provider = local
          coordinated-shutdown.run-by-clr-shutdown-hook = off
        }
        """).WithFallback(PoolSettings.DefaultConfig);

    /// <summary>The role of cluster members that own workers.</summary>
    internal const string WorkerRole = "worker";

    private readonly ActorSystem _system;
    private readonly bool _ownsSystem;
    private readonly bool _ownsRouter;
    private readonly PoolOptions _options;
    private readonly PendingCalls _calls;
    private readonly IActorRef _inbox;
    private readonly Transport _transport;
    private volatile Exception? _routerLost;

    /// <summary>Cancelled by <see cref="Terminate"/>: this pool's own workers stop after the item they are running.</summary>
    private readonly CancellationTokenSource _terminating = new();

    /// <summary>Actors this facade started for itself (a ClusterClient and its proxy), stopped with it.</summary>
    private IActorRef[] _companions = [];
    private int _state;

    /// <param name="system">The actor system to run in.</param>
    /// <param name="ownsSystem">Whether the pool terminates the system when it is joined.</param>
    /// <param name="options">Call defaults, and the workers of an in-process pool.</param>
    /// <param name="router">A router elsewhere to send to; the pool starts its own when null.</param>
    /// <param name="proxy">Starts the actor that is both router and reply address of a pool outside the cluster (<see cref="ConnectViaClusterClient"/>), given the calls and what to tell when it gives up.</param>
    private Pool(ActorSystem system, bool ownsSystem, PoolOptions options, IActorRef? router = null, Func<PendingCalls, Action<Exception>, IActorRef>? proxy = null)
    {
        ActorPoolSetup.Ensure(system);
        _system = system;
        _ownsSystem = ownsSystem;
        _ownsRouter = router is null && proxy is null;
        _options = options;
        _calls = new PendingCalls(PoolSettings.Of(system).MaxOutstandingCalls);
        _transport = Transport.Of(system);
        var id = Guid.NewGuid().ToString("N")[..8];
        if (proxy is not null)
        {
            // Replies come to the proxy itself: it sends a call again when its serving node is lost, so it must see them.
            Router = _inbox = proxy(_calls, RouterLost);
        }
        else
        {
            Router = router ?? StartRouter(system, options, $"pool-{id}", _terminating.Token);
            // A router elsewhere may die under a call: a real inbox actor watches it. Our own router replies directly.
            _inbox = _ownsRouter
                ? new DirectReplyRef(((ExtendedActorSystem)system).Provider, _calls)
                : system.ActorOf(Props.Create(() => new ReplyInbox(_calls, Router, RouterLost)), $"pool-{id}-replies");
        }

        // A borrowed system may stop under the pool (CoordinatedShutdown on SIGTERM): no call may wait for ever then.
        system.WhenTerminated.ContinueWith(_ => SystemStopped(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The number of workers (<c>processes</c>).</summary>
    public int Processes => _options.Processes;

    /// <summary>The router actor: send it <see cref="ActorPool.Map"/> and <see cref="ActorPool.Apply"/> messages directly.</summary>
    public IActorRef Router { get; }

    /// <summary>The actor system the pool runs in.</summary>
    public ActorSystem System => _system;

    /// <summary>Creates an in-process pool of <paramref name="processes"/> workers, like <c>Pool(processes)</c>.</summary>
    /// <param name="processes">Number of workers.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="processes"/> is less than 1.</exception>
    public static Pool Create(int processes) => Create(new PoolOptions { Processes = processes });

    /// <summary>Creates an in-process pool in an actor system of its own, which it terminates on <see cref="Join"/>.</summary>
    /// <param name="options">Workers, initializer, tasks per worker and call defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static Pool Create(PoolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        return new Pool(ActorSystem.Create("actorpool", EmbeddedConfig), ownsSystem: true, options);
    }

    /// <summary>
    /// Creates a pool in an existing actor system, which it leaves running. In a system that is a cluster member
    /// the pool deals to the workers of every node with the <c>worker</c> role; otherwise it runs
    /// <see cref="PoolOptions.Processes"/> workers in this process.
    /// </summary>
    /// <param name="system">The actor system to run the router (and in-process workers) in.</param>
    /// <param name="options">Workers, initializer, tasks per worker and call defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">A cluster member was given options that shape in-process workers (<see cref="PoolOptions.Processes"/>, <see cref="PoolOptions.Initializer"/>, <see cref="PoolOptions.MaxTasksPerChild"/>).</exception>
    public static Pool Create(ActorSystem system, PoolOptions options)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        if (IsClusterMember(system))
        {
            RefuseWorkerOptionsForCluster(options);
        }

        return new Pool(system, ownsSystem: false, options);
    }

    /// <summary>
    /// A facade over a router that runs elsewhere: the pool of another member of the cluster, or a proxy such as
    /// the one <see cref="ConnectViaClusterClient"/> makes. <see cref="Close"/>, <see cref="Terminate"/> and
    /// <see cref="Join"/> then concern this facade's own calls; the router keeps serving others.
    /// </summary>
    /// <param name="system">The actor system to receive replies in; it must be reachable from the router's node.</param>
    /// <param name="router">The router to send requests to.</param>
    /// <param name="options">Call defaults; <see cref="PoolOptions.Processes"/> sizes how far <c>Imap</c> reads ahead.</param>
    public static Pool Connect(ActorSystem system, IActorRef router, PoolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(router);
        return new Pool(system, ownsSystem: false, (options ?? new PoolOptions()).Validated(), router);
    }

    /// <summary>Refuses new work; outstanding work finishes. Like <c>pool.close()</c>.</summary>
    public void Close()
    {
        if (Interlocked.CompareExchange(ref _state, Closed, Open) == Open && _ownsRouter)
        {
            Router.Tell(ClosePool.Instance);
        }
    }

    /// <summary>Waits for outstanding work to finish and the workers to stop. Like <c>pool.join()</c>.</summary>
    /// <exception cref="InvalidOperationException">Neither <see cref="Close"/> nor <see cref="Terminate"/> was called first.</exception>
    public void Join() => JoinAsync().GetAwaiter().GetResult();

    /// <summary>Waits for outstanding work to finish and the workers to stop.</summary>
    /// <param name="cancellationToken">Stops the wait (not the work).</param>
    /// <exception cref="InvalidOperationException">Neither <see cref="Close"/> nor <see cref="Terminate"/> was called first.</exception>
    public async Task JoinAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _state) == Open)
        {
            throw new InvalidOperationException("Join() waits for a pool that accepts no more work: call Close() or Terminate() first.");
        }

        // Outstanding calls fail when the system stops, so waiting for them ends then too.
        await _calls.WhenEmpty().WaitAsync(cancellationToken).ConfigureAwait(false);
        // Joined: a call that slipped in after Close (a stream enumerated late, a MapAsync still reading its
        // input) would go to a router about to stop and never be answered. It fails now, and any later one at once.
        Interlocked.Exchange(ref _state, Terminated);
        _calls.FailAll(() => new PoolClosedException("The pool was closed and joined before this call was sent."));
        await StopAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The router elsewhere is gone: later calls fail at once with the same reason instead of going nowhere.</summary>
    private void RouterLost(Exception reason) => _routerLost = reason;

    /// <summary>The actor system stopped under the pool: it takes no more work and every outstanding call fails.</summary>
    private void SystemStopped()
    {
        Interlocked.Exchange(ref _state, Terminated);
        _calls.FailAll(() => new PoolWorkerLostException(
            $"The actor system '{_system.Name}' the pool runs in has stopped (CoordinatedShutdown, or Terminate) before this call finished."));
    }

    /// <summary>
    /// Stops at once: every outstanding call fails with <see cref="PoolClosedException"/> and nothing more is
    /// dispatched. Like <c>pool.terminate()</c>, except that a function already running on a worker thread runs to
    /// its end in the background, since .NET cannot kill a thread.
    /// </summary>
    public void Terminate()
    {
        if (Interlocked.Exchange(ref _state, Terminated) == Terminated)
        {
            return;
        }

        if (_ownsRouter)
        {
            // Workers leave what they run after the current item. Async: the cancellation reaches user callbacks.
            _ = _terminating.CancelAsync();
            Router.Tell(TerminatePool.Instance);
        }
        else
        {
            foreach (var id in _calls.Ids)
            {
                CancelAt(id);
            }
        }

        _calls.FailAll(() => new PoolClosedException("The pool was terminated before this call finished."));
        _ = StopAsync();
    }

    /// <summary>Closes the pool and waits for outstanding work, like leaving <c>with Pool() as p:</c>, but without terminating it.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Closes the pool and waits for outstanding work.</summary>
    public async ValueTask DisposeAsync()
    {
        Close();
        await JoinAsync().ConfigureAwait(false);
    }

    private Task StopAsync()
    {
        if (_ownsSystem && IsClusterMember(_system))
        {
            return ClusterMembership.LeaveAsync(_system);
        }

        if (_ownsSystem || _system.WhenTerminated.IsCompleted)
        {
            return _system.Terminate();
        }

        foreach (var companion in _companions)
        {
            _system.Stop(companion);
        }

        if (_inbox is DirectReplyRef direct)
        {
            direct.Stop();
        }
        else
        {
            _system.Stop(_inbox);
        }

        return _ownsRouter
            ? Router.GracefulStop(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default)
            : Task.CompletedTask;
    }

    /// <summary>
    /// Starts the router. In an actor system that is a cluster member it deals to the workers every node with the
    /// <c>worker</c> role owns (<see cref="ClusterWorkers"/>); otherwise to <see cref="PoolOptions.Processes"/> workers
    /// of its own in this process.
    /// </summary>
    internal static IActorRef StartRouter(ActorSystem system, PoolOptions options, string name, CancellationToken terminating = default)
    {
        var settings = PoolSettings.Of(system);
        var workers = IsClusterMember(system)
            ? Props.Create(() => new ClusterWorkers(WorkerRole, settings.RouteeRefreshInterval))
            : Props.Create(() => new WorkerHost(options.Processes, new WorkerOptions(options.MaxTasksPerChild, options.Initializer, terminating)));
        // Batches would run several tasks per message; with MaxTasksPerChild a worker must count them one by one.
        var setup = new RouterSetup(workers, options.Processes, options.ChunkSize, options.TaskTimeout, settings, options.MaxTasksPerChild is null ? 512 : 1);
        try
        {
            return system.ActorOf(Props.Create(() => new PoolRouter(setup)).WithDispatcher(PoolSettings.RouterDispatcherPath), name);
        }
        catch (InvalidActorNameException ex)
        {
            throw new InvalidOperationException($"This actor system already runs a pool router at /user/{name}; use Pool.Connect(system, router) to share it.", ex);
        }
    }

    private static bool IsClusterMember(ActorSystem system) => ((ExtendedActorSystem)system).Provider is Akka.Cluster.ClusterActorRefProvider;

    /// <summary>
    /// A cluster pool deals to the workers the nodes own: options that shape workers of its own cannot apply, and
    /// are refused rather than ignored.
    /// </summary>
    private static void RefuseWorkerOptionsForCluster(PoolOptions options)
    {
        if (options.Initializer is not null)
        {
            throw new ArgumentException(
                "PoolOptions.Initializer runs in-process only; a cluster pool's workers belong to the worker nodes. " +
                "Keep per-worker state in a WorkerLocal<T> field next to your pool functions: each worker makes it once, on its own node.", nameof(options));
        }

        if (options.MaxTasksPerChild is not null)
        {
            throw new ArgumentException("PoolOptions.MaxTasksPerChild applies to in-process pools; a cluster's workers live as long as their node.", nameof(options));
        }

        if (options.ProcessesSet)
        {
            throw new ArgumentException(
                "PoolOptions.Processes sizes an in-process pool; a cluster pool uses every worker the nodes own (ActorPool.Node node --workers N, ClusterOptions.Workers).",
                nameof(options));
        }
    }

    private void EnsureOpen()
    {
        var state = Volatile.Read(ref _state);
        if (state != Open)
        {
            throw new PoolClosedException(state == Terminated
                ? "The pool has been terminated; it accepts no more work."
                : "The pool has been closed; it accepts no more work.");
        }
    }

    /// <summary>Registers a call, sends its request to the router, and lets the token cancel it there.</summary>
    private void Send(PendingCall call, Func<long, Submit> request, Task completion, CancellationToken cancellationToken)
    {
        var id = _calls.Add(call);
        var activity = PoolMetrics.TraceCall(completion);
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() => Cancel(id, cancellationToken));
            completion.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }

        // A Terminate that raced this call may already have failed every call it saw: check again.
        if (Volatile.Read(ref _state) == Terminated && _calls.Take(id) is { } late)
        {
            late.Fail(new PoolClosedException("The pool was terminated before this call finished."));
            return;
        }

        // A router elsewhere that is gone (its node lost, or a ClusterClient that gave up) would never answer.
        if (_routerLost is { } lost && _calls.Take(id) is { } orphan)
        {
            orphan.Fail(lost);
            return;
        }

        try
        {
            var submit = request(id);
            activity?.SetTag("actorpool.function", submit.Function).SetTag("actorpool.items", submit.Arguments.Length);
            // A lone apply is waited for: its caller's thread deals it (see CallerRunsDispatcher), a few microseconds
            // of bookkeeping. Maps (argument typing, aggregators, encoding for other nodes) and bursts of applies
            // (which queue up at the router and travel in batches) go through the thread pool as before.
            using (submit.Mode == ReplyMode.Single && _calls.Outstanding == 1 ? CallerRunsDispatcher.RunHere() : default)
            {
                _transport.Send(Router, submit, _inbox);
            }
        }
        catch (PoolException ex)
        {
            // The request cannot reach a router on another node (a closure, a value that cannot cross, too large).
            _calls.Take(id)?.Fail(ex);
        }
    }

    private void Cancel(long id, CancellationToken cancellationToken)
    {
        if (_calls.Take(id) is { } call)
        {
            CancelAt(id);
            call.Fail(new OperationCanceledException("The call was cancelled.", cancellationToken));
        }
    }

    /// <summary>Tells the router to stop dispatching a call; best effort (the router may be gone).</summary>
    private void CancelAt(long id) => _transport.Send(Router, new CancelRequest(id), _inbox);

    private Submit Request<TArg, TResult>(long id, FunctionInvoker<TArg, TResult> function, TArg[] arguments, int? chunkSize, ReplyMode mode,
        bool reportProgress = false) =>
        new(id, function.Name, arguments, mode, _inbox)
        {
            LocalFunction = function,
            ChunkSize = chunkSize,
            Timeout = _options.TaskTimeout,
            ReportProgress = reportProgress,
        };
}
