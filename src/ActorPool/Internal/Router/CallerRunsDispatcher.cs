using Akka.Configuration;
using Akka.Dispatch;

namespace ActorPool.Internal;

/// <summary>
/// The router's dispatcher (<c>actorpool.router-dispatcher</c>): Akka's thread-pool dispatcher, except that a message
/// sent inside <see cref="RunHere"/> to an idle router runs the router's turn on the sending thread.
/// <para>
/// Why: the router's work per message is a microsecond or two of bookkeeping, and handing it to a pool thread costs
/// a thread wake-up, plus on a small machine a third runnable thread beside the caller and the worker. Measured on
/// 2 cores, that made a local <c>apply</c> twice a bare Ask to a worker. Two senders use it: the facade submitting a
/// lone apply (the caller's thread deals it straight to a worker) and a worker with nothing else queued answering a
/// chunk (its thread, idle until its next chunk comes, books the answer and deals the next one).
/// </para>
/// <para>
/// What stays as it was: every other sender (timers, aggregators, remote replies, Terminated) and every later turn
/// of the mailbox go to the thread pool; a router already running or scheduled simply finds the message in its
/// mailbox. Akka's mailbox status still lets one thread at a time run the actor, and the actor context of the
/// sending thread is saved and restored around the turn (as by Akka's own CallingThreadDispatcher), so the actor
/// model holds. No user code runs in a router turn: callbacks and progress reports are queued to the thread pool.
/// </para>
/// <para>
/// The cost to the sending thread: the turn handles its message and whatever reaches the router while it runs, at
/// most <c>throughput</c> messages, as any turn does. That is why the facade uses it only for a lone apply (no
/// argument typing, no aggregator, no encoding of large chunks) and a worker only when its mailbox is empty, so a
/// busy worker never does the router's work before its own next chunk. The turn runs under the sending thread's execution context (its
/// <c>Activity.Current</c>, its async-locals); the router reads neither.
/// </para>
/// </summary>
internal sealed class CallerRunsDispatcher : Dispatcher
{
    [ThreadStatic]
    private static bool _runHere;

    public CallerRunsDispatcher(MessageDispatcherConfigurator configurator, string id, int throughput, long? throughputDeadlineTime,
        ExecutorServiceFactory executorServiceFactory, TimeSpan shutdownTimeout)
        : base(configurator, id, throughput, throughputDeadlineTime, executorServiceFactory, shutdownTimeout)
    {
    }

    /// <summary>
    /// Until disposed, a router this thread's messages make runnable runs its turn here, before the send returns
    /// (once: the first turn started ends the scope's effect).
    /// </summary>
    public static Scope RunHere()
    {
        _runHere = true;
        return default;
    }

    protected override void ExecuteTask(IRunnable run)
    {
        if (!_runHere)
        {
            base.ExecuteTask(run);
            return;
        }

        // Cleared first: the mailbox reschedules itself at the end of its turn when messages remain, and that turn
        // (like anything the router sends to another router) must go to the thread pool, not recurse on this stack.
        _runHere = false;
        try
        {
            run.Run();
        }
        catch (Exception ex)
        {
            // The actor's own failures never get here (its supervisor handles them); what does must not come out of
            // the sender's Tell, which never throws on the thread pool either: it is logged, as there.
            ReportFailure(ex);
        }
    }

    /// <summary>Ends <see cref="RunHere"/>.</summary>
    public readonly struct Scope : IDisposable
    {
        public void Dispose() => _runHere = false;
    }
}

/// <summary>Makes the <see cref="CallerRunsDispatcher"/> from its configuration, as Akka's own configurator makes its thread-pool dispatcher.</summary>
internal sealed class CallerRunsDispatcherConfigurator : MessageDispatcherConfigurator
{
    private readonly CallerRunsDispatcher _instance;

    public CallerRunsDispatcherConfigurator(Config config, IDispatcherPrerequisites prerequisites)
        : base(config, prerequisites)
    {
        var deadline = Config.GetTimeSpan("throughput-deadline-time", null);
        _instance = new CallerRunsDispatcher(this, Config.GetString("id"), Config.GetInt("throughput"),
            deadline.Ticks > 0 ? deadline.Ticks : null, ConfigureExecutor(), Config.GetTimeSpan("shutdown-timeout"));
    }

    public override MessageDispatcher Dispatcher() => _instance;
}
