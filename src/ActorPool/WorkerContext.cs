namespace ActorPool;

/// <summary>Where a pool function is running: available through <see cref="Current"/> while a worker runs it.</summary>
public sealed class WorkerContext
{
    [ThreadStatic]
    private static WorkerContext? _current;

    internal WorkerContext(string workerId, string node)
    {
        WorkerId = workerId;
        Node = node;
    }

    /// <summary>The context of the worker running the calling function.</summary>
    /// <exception cref="InvalidOperationException">Called outside a function run by a pool worker.</exception>
    public static WorkerContext Current => _current
        ?? throw new InvalidOperationException("WorkerContext.Current is only available inside a function run by a pool worker.");

    /// <summary>Unique per worker incarnation: a worker replaced after <see cref="PoolOptions.MaxTasksPerChild"/> tasks gets a new one.</summary>
    public string WorkerId { get; }

    /// <summary>The address of the node the worker runs on.</summary>
    public string Node { get; }

    internal static WorkerContext? Swap(WorkerContext? context)
    {
        var previous = _current;
        _current = context;
        return previous;
    }
}
