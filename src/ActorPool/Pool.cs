using ActorPool.Internal;
using Akka.Actor;
using Akka.Configuration;
using Akka.Routing;

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

    private readonly ActorSystem _system;
    private readonly bool _ownsSystem;
    private readonly PoolOptions _options;
    private readonly PendingCalls _calls = new();
    private readonly IActorRef _inbox;
    private int _state;

    private Pool(ActorSystem system, bool ownsSystem, PoolOptions options)
    {
        _system = system;
        _ownsSystem = ownsSystem;
        _options = options;
        var settings = PoolSettings.Create(system);
        var workerProps = Props.Create(() => new Worker(new WorkerOptions(options.MaxTasksPerChild, options.Initializer)))
            .WithDispatcher(PoolSettings.WorkerDispatcherPath)
            .WithRouter(new RoundRobinPool(options.Processes));
        var setup = new RouterSetup(workerProps, options.Processes, options.ChunkSize, options.TaskTimeout, settings);
        var id = Guid.NewGuid().ToString("N")[..8];
        Router = system.ActorOf(Props.Create(() => new PoolRouter(setup)), $"pool-{id}");
        _inbox = system.ActorOf(Props.Create(() => new ReplyInbox(_calls)), $"pool-{id}-replies");
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

    /// <summary>Creates a pool in an existing actor system, which it leaves running.</summary>
    /// <param name="system">The actor system to run the router and workers in.</param>
    /// <param name="options">Workers, initializer, tasks per worker and call defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static Pool Create(ActorSystem system, PoolOptions options)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        return new Pool(system, ownsSystem: false, options);
    }

    /// <summary>Refuses new work; outstanding work finishes. Like <c>pool.close()</c>.</summary>
    public void Close()
    {
        if (Interlocked.CompareExchange(ref _state, Closed, Open) == Open)
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

        await _calls.WhenEmpty().WaitAsync(cancellationToken).ConfigureAwait(false);
        await StopAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
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

        Router.Tell(TerminatePool.Instance);
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
        if (_ownsSystem)
        {
            return _system.Terminate();
        }

        _system.Stop(_inbox);
        return Router.GracefulStop(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
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
    private void Send(PendingCall call, Func<long, Map> request, Task completion, CancellationToken cancellationToken)
    {
        var id = _calls.Add(call);
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

        Router.Tell(request(id), _inbox);
    }

    private void Cancel(long id, CancellationToken cancellationToken)
    {
        if (_calls.Take(id) is { } call)
        {
            Router.Tell(new CancelRequest(id), _inbox);
            call.Fail(new OperationCanceledException("The call was cancelled.", cancellationToken));
        }
    }

    private Map Request<TArg, TResult>(long id, FunctionInvoker<TArg, TResult> function, TArg[] arguments, int? chunkSize, ReplyMode mode) =>
        new(function.Name, new TypedItems<TArg>(arguments), function)
        {
            RequestId = id,
            ReplyTo = _inbox,
            ChunkSize = chunkSize,
            Mode = mode,
            Timeout = _options.TaskTimeout,
        };
}
