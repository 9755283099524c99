using Akka.Actor;
using Akka.Configuration;

namespace ActorPool;

/// <summary>
/// Python's <c>multiprocessing.Process</c>: runs one function once, in an actor of its own on a thread of its own.
/// <see cref="Start"/> it, then <see cref="Join"/> it.
/// </summary>
/// <example><code>var p = ActorProcess.Create(Worker, 3); p.Start(); p.Join();</code></example>
public sealed class ActorProcess
{
    private static readonly Lazy<ActorSystem> SharedSystem = new(CreateSharedSystem);
    private static long _count;

    private readonly Action _target;
    private readonly ActorSystem? _system;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;

    /// <summary>Prepares a process that runs <paramref name="target"/>.</summary>
    /// <param name="target">What the process runs.</param>
    /// <param name="system">The actor system to run in; a shared in-process one by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is null.</exception>
    public ActorProcess(Action target, ActorSystem? system = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = target;
        _system = system;
        Name = $"ActorProcess-{Interlocked.Increment(ref _count)}";
    }

    /// <summary>The process's name, <c>ActorProcess-N</c>.</summary>
    public string Name { get; }

    /// <summary>Started and not yet finished. Like <c>is_alive()</c>.</summary>
    public bool IsAlive => Volatile.Read(ref _started) == 1 && !_completion.Task.IsCompleted;

    /// <summary>Null until the process finishes; then 0, or 1 when its function threw. Like <c>exitcode</c>.</summary>
    public int? ExitCode => !_completion.Task.IsCompleted ? null : Exception is null ? 0 : 1;

    /// <summary>What the function threw, if it threw.</summary>
    public Exception? Exception { get; private set; }

    /// <summary>Prepares a process that runs <paramref name="target"/>(<paramref name="arg1"/>), like <c>Process(target=f, args=(a,))</c>.</summary>
    /// <typeparam name="T1">The parameter.</typeparam>
    /// <param name="target">What the process runs.</param>
    /// <param name="arg1">The argument.</param>
    /// <param name="system">The actor system to run in; a shared in-process one by default.</param>
    public static ActorProcess Create<T1>(Action<T1> target, T1 arg1, ActorSystem? system = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new ActorProcess(() => target(arg1), system);
    }

    /// <summary>Prepares a process that runs <paramref name="target"/>(<paramref name="arg1"/>, <paramref name="arg2"/>).</summary>
    /// <typeparam name="T1">The first parameter.</typeparam>
    /// <typeparam name="T2">The second parameter.</typeparam>
    /// <param name="target">What the process runs.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="system">The actor system to run in; a shared in-process one by default.</param>
    public static ActorProcess Create<T1, T2>(Action<T1, T2> target, T1 arg1, T2 arg2, ActorSystem? system = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new ActorProcess(() => target(arg1, arg2), system);
    }

    /// <summary>Starts the process. Like <c>start()</c>.</summary>
    /// <exception cref="InvalidOperationException">The process was started before.</exception>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException($"{Name} has already been started; a process can only be started once.");
        }

        var system = _system ?? SharedSystem.Value;
        ActorPoolSetup.Ensure(system);
        system.ActorOf(Props.Create(() => new ProcessActor(this)).WithDispatcher(PoolSettings.WorkerDispatcherPath), Name);
    }

    /// <summary>Waits for the process to finish. Like <c>join()</c>.</summary>
    /// <exception cref="InvalidOperationException">The process was not started.</exception>
    public void Join() => JoinAsync().GetAwaiter().GetResult();

    /// <summary>Waits for the process to finish.</summary>
    /// <param name="cancellationToken">Stops the wait (not the process).</param>
    /// <exception cref="InvalidOperationException">The process was not started.</exception>
    public Task JoinAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _started) == 0)
        {
            throw new InvalidOperationException($"{Name} can only be joined after Start().");
        }

        return _completion.Task.WaitAsync(cancellationToken);
    }

    private void Run()
    {
        try
        {
            _target();
        }
        catch (Exception ex)
        {
            Exception = ex;
        }
        finally
        {
            _completion.TrySetResult();
        }
    }

    private static ActorSystem CreateSharedSystem() =>
        ActorSystem.Create("actorpool-processes", ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """).WithFallback(PoolSettings.DefaultConfig));

    /// <summary>Runs the target once, then stops.</summary>
    private sealed class ProcessActor(ActorProcess process) : UntypedActor
    {
        protected override void PreStart() => Self.Tell(Run.Instance);

        protected override void OnReceive(object message)
        {
            if (message is Run)
            {
                process.Run();
                Context.Stop(Self);
            }
        }

        private sealed class Run
        {
            public static readonly Run Instance = new();
        }
    }
}
