using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>
/// Runs chunks on its own thread. Resolves each function by name from this node's allow-list, catches whatever the
/// function throws (a user error never kills a worker), and answers its router with the values or the failure.
/// A function's chunks run one at a time, except an async function's: those are awaited, not blocked on, so the
/// worker keeps taking chunks while up to <c>async-calls-per-worker</c> calls wait on I/O, and answers each chunk
/// when its calls complete. After <see cref="WorkerOptions.MaxTasksPerChild"/> tasks it is replaced by a fresh
/// incarnation, as multiprocessing replaces a worker process: new id, initializer run again.
/// </summary>
internal sealed partial class Worker : UntypedActor
{
    private static long _incarnations;

    private readonly WorkerOptions _options;
    private readonly WorkerActivity _activity;
    private readonly string _node;
    private readonly Transport _transport;
    private readonly SemaphoreSlim _asyncCalls;

    // One token per request with async calls running here, cancelled by CancelWork or when the worker stops. Keyed by
    // the router too: a node's workers serve every client's router, and each numbers its requests from 1.
    private readonly Dictionary<(IActorRef Router, long Key), (CancellationTokenSource Source, int Users)> _tokens = [];
    private readonly CancellationTokenSource _stopping;

    // Incarnations replaced (MaxTasksPerChild) while async calls of theirs still run: retired when the last completes,
    // so no WorkerLocal value is disposed under a running call.
    private readonly Dictionary<WorkerContext, int> _asyncRunning = [];
    private readonly HashSet<WorkerContext> _retiring = [];
    private WorkerContext _context = null!;
    private bool _initialized;
    private int _tasks;

    public Worker(WorkerOptions options)
        : this(options, new WorkerActivity())
    {
    }

    /// <param name="options">Tasks per incarnation and initializer.</param>
    /// <param name="activity">Where it notes what its thread runs, for its host to read.</param>
    public Worker(WorkerOptions options, WorkerActivity activity)
    {
        _options = options;
        _activity = activity;
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(options.Terminating);
        _node = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();
        _transport = Transport.Of(Context.System);
        _asyncCalls = new SemaphoreSlim(PoolSettings.Of(Context.System).AsyncCallsPerWorker);
        Renew();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Chunk chunk:
                Guarded(chunk, [chunk.RequestKey], [chunk.Index], [chunk.Attempt], () =>
                {
                    _activity.Running(Sender, chunk.RequestKey);
                    var reply = InContext(() => Execute(chunk));
                    _activity.Idle();
                    if (reply is not null)
                    {
                        Finish(chunk, reply, Sender);
                    }
                });
                break;
            case Batch batch:
                Guarded(batch, batch.Keys, new int[batch.Keys.Length], batch.Attempts, () =>
                {
                    _activity.Running(Sender, batch.Keys);
                    var results = InContext(() => Execute(batch));
                    _activity.Idle();
                    if (results is not null)
                    {
                        Reply(Sender, results, batch.Function, all => BatchResult.AllFailed(batch.Keys, batch.Attempts, all));
                        Count(batch.Keys.Length, batch.Keys.Length);
                    }
                });
                break;
            case CrashOnChunks crash:
                _activity.InjectCrashes(crash.Chunks);
                break;
            case AsyncDone done:
                foreach (var key in done.Keys)
                {
                    Release((done.ReplyTo, key));
                }

                Ended(done.Context);
                if (done.Chunk is { } finished)
                {
                    Finish(finished, done.Reply, done.ReplyTo);
                }
                else if (done.Batch is { } completed)
                {
                    Reply(done.ReplyTo, done.Reply, completed.Function, all => BatchResult.AllFailed(completed.Keys, completed.Attempts, all));
                    Count(completed.Keys.Length, completed.Keys.Length);
                }

                break;
            case CancelWork cancel:
                if (_tokens.TryGetValue((Sender, cancel.RequestKey), out var token))
                {
                    // Not Cancel(): that runs the calls' token callbacks here, on the worker's thread, where one that
                    // throws would restart the worker and one that blocks would stall it.
                    _ = token.Source.CancelAsync();
                }

                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>
    /// Runs a chunk or batch. User code cannot fail here (its exceptions are the call's), so whatever escapes is the
    /// worker's own fault: the router is told to send the work again and the exception restarts the worker.
    /// </summary>
    private void Guarded(object work, long[] keys, int[] indexes, int[] attempts, Action run)
    {
        try
        {
            if (_activity.TakeInjectedCrash())
            {
                throw new InvalidOperationException($"Injected worker crash before running {work.GetType().Name}.");
            }

            if (_activity.Delay is { Ticks: > 0 } delay)
            {
                Thread.Sleep(delay);
            }

            run();
        }
        catch (Exception ex)
        {
            _activity.Idle();
            _transport.Send(Sender, new WorkerCrashed(keys, indexes, attempts, $"{ex.GetType().Name}: {ex.Message}"), Self);
            throw;
        }
    }

    /// <summary>Answers a chunk: the caller itself when the chunk asks (one-chunk in-process calls), and the router.</summary>
    private void Finish(Chunk chunk, object reply, IActorRef router)
    {
        if (chunk.Answer is { } request && reply is ChunkResult result)
        {
            Replies.Answer(request, result.Values, null, _transport);
            reply = result with { Answered = true };
        }

        Reply(router, reply, chunk.Function, all => new ChunkFailed(chunk.RequestKey, chunk.Index, chunk.Attempt, 0, all));
        Count(1, chunk.Count);
    }

    /// <summary>Answers the router; results that cannot cross to its node fail their call instead of being dropped.</summary>
    private void Reply(IActorRef router, object reply, string function, Func<TaskFailure, object> failAll)
    {
        try
        {
            // A worker with nothing else queued lends its thread, idle until its next chunk comes, to the router to
            // book this answer and deal that chunk: no thread is woken for it. A busy worker (a burst, a map) leaves
            // it to the thread pool, which does that work beside this worker's next chunk rather than before it.
            using (Context is ActorCell { HasMessages: false } ? CallerRunsDispatcher.RunHere() : default)
            {
                _transport.Send(router, reply, Self);
            }
        }
        catch (Exception ex)
        {
            // Nothing may leave a chunk unanswered: the router waits for it, and a restarted worker keeps its reference.
            _transport.Send(router, failAll(TaskFailure.FromPool(function, ex as PoolException ?? new PoolPayloadException(ex.Message, ex))), Self);
        }
    }

    /// <summary>
    /// The worker answered <paramref name="tasks"/> tasks (a chunk is one, as in Python's maxtasksperchild; a batch is one
    /// per call) holding <paramref name="items"/> items, which its host reports as the tasks it completed.
    /// </summary>
    private void Count(int tasks, int items)
    {
        _activity.Completed(items);
        _tasks += tasks;
        if (_tasks >= _options.MaxTasksPerChild)
        {
            Renew();
        }
    }

    /// <summary>The chunk's reply; null when it runs async (the reply comes as <see cref="AsyncDone"/>).</summary>
    private object? Execute(Chunk chunk)
    {
        if (Prepare(chunk.Function, chunk.LocalFunction, chunk.Undecodable, out var failure) is not { } function)
        {
            return new ChunkFailed(chunk.RequestKey, chunk.Index, chunk.Attempt, 0, failure!);
        }

        try
        {
            if (function.IsAsync)
            {
                // Sender is read now: the continuations run on pool threads, outside this actor's context.
                var router = Sender;
                long[] keys = [chunk.RequestKey];
                var task = function.RunAsync(chunk.Items, chunk.Offset, chunk.Count, chunk.Destination, _asyncCalls, Acquire((router, chunk.RequestKey)));
                Complete(task, keys, outcome => Outcome(chunk, function, outcome), ex => Failed(chunk, function, ex), chunk, null, router);
                return null;
            }

            return Outcome(chunk, function, function.Run(chunk.Items, chunk.Offset, chunk.Count, chunk.Destination, _stopping.Token));
        }
        catch (ArgumentException ex)
        {
            return Failed(chunk, function, ex);
        }
    }

    private static object Outcome(Chunk chunk, FunctionInvoker function, ChunkOutcome outcome) => outcome.Failure is null
        ? new ChunkResult(chunk.RequestKey, chunk.Index, chunk.Attempt, 0, outcome.Values)
        : new ChunkFailed(chunk.RequestKey, chunk.Index, chunk.Attempt, outcome.FailedAt, TaskFailure.FromUser(function.Name, outcome.Failure));

    /// <summary>Items that do not fit the function's parameters (only on the untyped protocol path).</summary>
    private static ChunkFailed Failed(Chunk chunk, FunctionInvoker function, Exception ex) =>
        new(chunk.RequestKey, chunk.Index, chunk.Attempt, 0, TaskFailure.FromPool(function.Name, ex));

    /// <summary>The batch's results; null when it runs async (they come as <see cref="AsyncDone"/>).</summary>
    private BatchResult? Execute(Batch batch)
    {
        if (Prepare(batch.Function, batch.LocalFunction, batch.Undecodable, out var failure) is not { } function)
        {
            return BatchResult.AllFailed(batch.Keys, batch.Attempts, failure!);
        }

        try
        {
            if (function.IsAsync)
            {
                // Each member is a call of its own, with its own token.
                var router = Sender;
                var tokens = batch.Keys.Select(key => Acquire((router, key))).ToArray();
                Complete(function.RunEachAsync(batch.Items, _asyncCalls, tokens), batch.Keys, each => Results(batch, function, each),
                    ex => BatchResult.AllFailed(batch.Keys, batch.Attempts, TaskFailure.FromPool(function.Name, ex)), null, batch, router);
                return null;
            }

            return Results(batch, function, function.RunEach(batch.Items, _stopping.Token));
        }
        catch (ArgumentException ex)
        {
            return BatchResult.AllFailed(batch.Keys, batch.Attempts, TaskFailure.FromPool(function.Name, ex));
        }
    }

    private static BatchResult Results(Batch batch, FunctionInvoker function, (Array Values, List<(int Index, Exception Failure)> Failures) each) =>
        new(batch.Keys, batch.Attempts, each.Values, each.Failures.Select(f => new BatchFailure(f.Index, TaskFailure.FromUser(function.Name, f.Failure))).ToArray());

    /// <summary>Runs user code with <see cref="WorkerContext.Current"/> set to this worker's incarnation.</summary>
    private T InContext<T>(Func<T> run)
    {
        var previous = WorkerContext.Swap(_context);
        try
        {
            return run();
        }
        finally
        {
            WorkerContext.Swap(previous);
        }
    }

    /// <summary>
    /// Finds the function (on this node's allow-list unless it is a local closure) and runs the initializer before
    /// this incarnation's first task; null, with the failure of the whole message, when the items could not be read
    /// here, the function is unknown or the initializer throws.
    /// </summary>
    private FunctionInvoker? Prepare(string name, FunctionInvoker? local, Exception? undecodable, out TaskFailure? failure)
    {
        try
        {
            if (undecodable is not null)
            {
                failure = TaskFailure.FromPool(name, undecodable);
                return null;
            }

            var function = local ?? FunctionRegistry.Resolve(name, _node);
            if (!_initialized)
            {
                _options.Initializer?.Invoke();
                _initialized = true;
            }

            failure = null;
            return function;
        }
        catch (Exception ex)
        {
            failure = TaskFailure.FromUser(name, ex);
            return null;
        }
    }

    protected override void PostStop()
    {
        try
        {
            // Off this thread, like CancelWork: token callbacks are user code.
            _ = _stopping.CancelAsync();
        }
        finally
        {
            _context.Retire();
            foreach (var retiring in _retiring)
            {
                retiring.Retire();
            }
        }
    }

    private void Renew()
    {
        if (_context is not null && _asyncRunning.ContainsKey(_context))
        {
            _retiring.Add(_context);
        }
        else
        {
            _context?.Retire();
        }

        _context = new WorkerContext($"{_node}/{Self.Path.Name}#{Interlocked.Increment(ref _incarnations)}", _node);
        _initialized = false;
        _tasks = 0;
    }

    /// <summary>Worker to itself: the async calls of a chunk or a batch (of requests <paramref name="Keys"/>, in incarnation <paramref name="Context"/>) completed with this reply for <paramref name="ReplyTo"/>.</summary>
    private sealed record AsyncDone(WorkerContext Context, long[] Keys, Chunk? Chunk, Batch? Batch, object Reply, IActorRef ReplyTo);
}
