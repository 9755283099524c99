using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>What a worker needs besides its chunks; local-only parts (delegates) are null on other nodes.</summary>
internal sealed record WorkerOptions(int? MaxTasksPerChild, Action? Initializer)
{
    public static readonly WorkerOptions Default = new(null, null);
}

/// <summary>
/// Runs chunks, one at a time, on its own thread. Resolves each function by name from this node's allow-list,
/// catches whatever the function throws (a user error never kills a worker), and answers its router with the
/// values or the failure. After <see cref="WorkerOptions.MaxTasksPerChild"/> chunks it is replaced by a fresh
/// incarnation, as multiprocessing replaces a worker process: new id, initializer run again.
/// </summary>
internal sealed class Worker : UntypedActor
{
    private static long _incarnations;

    private readonly WorkerOptions _options;
    private readonly string _node;
    private readonly int _maxRemotePayload;
    private WorkerContext _context = null!;
    private bool _initialized;
    private string? _lastFunction;
    private TaskFailure? _preparationFailure;
    private int _tasks;

    public Worker(WorkerOptions options)
    {
        _options = options;
        _node = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();
        _maxRemotePayload = PoolSettings.Of(Context.System).MaxRemotePayloadBytes;
        Renew();
    }

    protected override void OnReceive(object message)
    {
        if (message is Chunk chunk)
        {
            Run(chunk);
        }
        else if (message is Batch batch)
        {
            Run(batch);
        }
        else
        {
            Unhandled(message);
        }
    }

    private void Run(Chunk chunk)
    {
        var reply = InContext(() => Execute(chunk));

        if (reply is ChunkResult result && Remoting.IsRemote(Sender, Context.System))
        {
            SendAcross(result);
        }
        else
        {
            Sender.Tell(reply);
        }

        if (++_tasks >= _options.MaxTasksPerChild)
        {
            Renew();
        }
    }

    private void Run(Batch batch)
    {
        var reply = InContext(() => Execute(batch));

        if (Remoting.IsRemote(Sender, Context.System))
        {
            SendAcross(batch, reply);
        }
        else
        {
            Sender.Tell(reply);
        }

        _tasks += batch.Keys.Length;
        if (_tasks >= _options.MaxTasksPerChild)
        {
            Renew();
        }
    }

    private BatchResult Execute(Batch batch)
    {
        if (Prepare(batch.Function, batch.LocalFunction) is not { } function)
        {
            return Failed(batch, _preparationFailure!);
        }

        try
        {
            var (values, failures) = function.RunEach(batch.Items);
            return new BatchResult(batch.Keys, batch.Attempts, values,
                failures.Select(f => new BatchFailure(f.Index, TaskFailure.From(function.Name, f.Failure))).ToArray());
        }
        catch (ArgumentException ex)
        {
            return Failed(batch, new TaskFailure(FailureKind.Infrastructure, function.Name, ex.GetType().FullName!, ex.Message, ex.StackTrace) { Original = ex });
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
    /// this incarnation's first task; null, with <see cref="_preparationFailure"/> set, when either fails.
    /// </summary>
    private FunctionInvoker? Prepare(string name, FunctionInvoker? local)
    {
        try
        {
            var function = local ?? FunctionRegistry.Resolve(name, _node);
            if (!_initialized)
            {
                _options.Initializer?.Invoke();
                _initialized = true;
            }

            _lastFunction = function.Name;
            return function;
        }
        catch (Exception ex)
        {
            _preparationFailure = TaskFailure.From(name, ex);
            return null;
        }
    }

    private static BatchResult Failed(Batch batch, TaskFailure failure) =>
        new(batch.Keys, batch.Attempts, new object?[batch.Keys.Length], batch.Keys.Select((_, i) => new BatchFailure(i, failure)).ToArray());

    private object Execute(Chunk chunk)
    {
        if (Prepare(chunk.Function, chunk.LocalFunction) is not { } function)
        {
            return new ChunkFailed(chunk.RequestKey, chunk.Index, chunk.Attempt, 0, _preparationFailure!);
        }

        ChunkOutcome outcome;
        try
        {
            outcome = function.Run(chunk.Items, chunk.Offset, chunk.Count, chunk.Destination);
        }
        catch (ArgumentException ex)
        {
            // Items that do not fit the function's parameters (only on the untyped protocol path).
            return new ChunkFailed(chunk.RequestKey, chunk.Index, chunk.Attempt, 0,
                new TaskFailure(FailureKind.Infrastructure, function.Name, ex.GetType().FullName!, ex.Message, ex.StackTrace) { Original = ex });
        }

        return outcome.Failure is null
            ? new ChunkResult(chunk.RequestKey, chunk.Index, chunk.Attempt, 0, outcome.Values)
            : new ChunkFailed(chunk.RequestKey, chunk.Index, chunk.Attempt, outcome.FailedAt, TaskFailure.From(function.Name, outcome.Failure));
    }

    /// <summary>
    /// Sends results to a router on another node: checked here so a value that cannot cross fails its call
    /// instead of being dropped by remoting, and split into parts that each fit in a frame.
    /// </summary>
    private void SendAcross(ChunkResult result)
    {
        var values = result.Values;
        try
        {
            var parts = Remoting.Split(values, _maxRemotePayload, WorkerFunctionName(result));
            foreach (var (offset, length, encoded) in parts)
            {
                Sender.Tell(result with
                {
                    PartOffset = offset,
                    Values = parts.Count == 1 ? values : Remoting.Slice(values, offset, length),
                    Last = offset + length == values.Length,
                    EncodedValues = encoded,
                });
            }
        }
        catch (NotSupportedException ex)
        {
            Sender.Tell(new ChunkFailed(result.RequestKey, result.Index, result.Attempt, 0,
                new TaskFailure(FailureKind.Infrastructure, WorkerFunctionName(result), ex.GetType().FullName!, ex.Message, null)));
        }
    }

    /// <summary>Sends a batch's results to a router on another node, in as many messages as their size needs.</summary>
    private void SendAcross(Batch batch, BatchResult result)
    {
        IReadOnlyList<(int Offset, int Length, byte[] Encoded)> parts;
        try
        {
            parts = Remoting.Split(result.Values, _maxRemotePayload, batch.Function);
        }
        catch (NotSupportedException ex)
        {
            Sender.Tell(Failed(batch, new TaskFailure(FailureKind.Infrastructure, batch.Function, ex.GetType().FullName!, ex.Message, null)));
            return;
        }

        foreach (var (offset, length, encoded) in parts)
        {
            var part = parts.Count == 1 ? result : new BatchResult(result.Keys[offset..(offset + length)], result.Attempts[offset..(offset + length)],
                Remoting.Slice(result.Values, offset, length),
                result.Failures.Where(f => f.Index >= offset && f.Index < offset + length).Select(f => f with { Index = f.Index - offset }).ToArray());
            Sender.Tell(part with { EncodedValues = encoded });
        }
    }

    private string WorkerFunctionName(ChunkResult result) => _lastFunction ?? $"request {result.RequestKey}";

    private void Renew()
    {
        _context = new WorkerContext($"{_node}/{Self.Path.Name}#{Interlocked.Increment(ref _incarnations)}", _node);
        _initialized = false;
        _tasks = 0;
    }
}
