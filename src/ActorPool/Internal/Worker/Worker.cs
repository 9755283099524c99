using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>
/// Runs chunks, one at a time, on its own thread. Resolves each function by name from this node's allow-list,
/// catches whatever the function throws (a user error never kills a worker), and answers its router with the
/// values or the failure. After <see cref="WorkerOptions.MaxTasksPerChild"/> tasks it is replaced by a fresh
/// incarnation, as multiprocessing replaces a worker process: new id, initializer run again.
/// </summary>
internal sealed class Worker : UntypedActor
{
    private static long _incarnations;

    private readonly WorkerOptions _options;
    private readonly string _node;
    private readonly Transport _transport;
    private WorkerContext _context = null!;
    private bool _initialized;
    private int _tasks;

    public Worker(WorkerOptions options)
    {
        _options = options;
        _node = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();
        _transport = Transport.Of(Context.System);
        Renew();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Chunk chunk:
                var reply = InContext(() => Execute(chunk));
                if (chunk.Answer is { } request && reply is ChunkResult result)
                {
                    Replies.Answer(request, result.Values, null, _transport);
                    reply = result with { Answered = true };
                }

                Reply(reply, chunk.Function, all => new ChunkFailed(chunk.RequestKey, chunk.Index, chunk.Attempt, 0, all));
                Count(1);
                break;
            case Batch batch:
                Reply(InContext(() => Execute(batch)), batch.Function, all => BatchResult.AllFailed(batch.Keys, batch.Attempts, all));
                Count(batch.Keys.Length);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>Answers the router; results that cannot cross to its node fail their call instead of being dropped.</summary>
    private void Reply(object reply, string function, Func<TaskFailure, object> failAll)
    {
        try
        {
            _transport.Send(Sender, reply, Self);
        }
        catch (Exception ex)
        {
            // Nothing may leave a chunk unanswered: the router waits for it, and a restarted worker keeps its reference.
            _transport.Send(Sender, failAll(TaskFailure.FromPool(function, ex as PoolException ?? new PoolPayloadException(ex.Message, ex))), Self);
        }
    }

    private void Count(int tasks)
    {
        _tasks += tasks;
        if (_tasks >= _options.MaxTasksPerChild)
        {
            Renew();
        }
    }

    private object Execute(Chunk chunk)
    {
        if (Prepare(chunk.Function, chunk.LocalFunction, chunk.Undecodable, out var failure) is not { } function)
        {
            return new ChunkFailed(chunk.RequestKey, chunk.Index, chunk.Attempt, 0, failure!);
        }

        ChunkOutcome outcome;
        try
        {
            outcome = function.Run(chunk.Items, chunk.Offset, chunk.Count, chunk.Destination);
        }
        catch (ArgumentException ex)
        {
            // Items that do not fit the function's parameters (only on the untyped protocol path).
            return new ChunkFailed(chunk.RequestKey, chunk.Index, chunk.Attempt, 0, TaskFailure.FromPool(function.Name, ex));
        }

        return outcome.Failure is null
            ? new ChunkResult(chunk.RequestKey, chunk.Index, chunk.Attempt, 0, outcome.Values)
            : new ChunkFailed(chunk.RequestKey, chunk.Index, chunk.Attempt, outcome.FailedAt, TaskFailure.FromUser(function.Name, outcome.Failure));
    }

    private BatchResult Execute(Batch batch)
    {
        if (Prepare(batch.Function, batch.LocalFunction, batch.Undecodable, out var failure) is not { } function)
        {
            return BatchResult.AllFailed(batch.Keys, batch.Attempts, failure!);
        }

        try
        {
            var (values, failures) = function.RunEach(batch.Items);
            return new BatchResult(batch.Keys, batch.Attempts, values,
                failures.Select(f => new BatchFailure(f.Index, TaskFailure.FromUser(function.Name, f.Failure))).ToArray());
        }
        catch (ArgumentException ex)
        {
            return BatchResult.AllFailed(batch.Keys, batch.Attempts, TaskFailure.FromPool(function.Name, ex));
        }
    }

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

    protected override void PostStop() => _context.Retire();

    private void Renew()
    {
        _context?.Retire();
        _context = new WorkerContext($"{_node}/{Self.Path.Name}#{Interlocked.Increment(ref _incarnations)}", _node);
        _initialized = false;
        _tasks = 0;
    }
}
