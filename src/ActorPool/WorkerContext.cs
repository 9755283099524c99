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

    /// <summary>This incarnation's <see cref="WorkerLocal{T}"/> values, made on first use.</summary>
    private Dictionary<object, object?>? _locals;

    /// <summary>The value of a <see cref="WorkerLocal{T}"/> in this incarnation, made by <paramref name="create"/> on first use.</summary>
    internal object? Local(object key, Func<object, object?> create)
    {
        _locals ??= [];
        if (!_locals.TryGetValue(key, out var value))
        {
            // Made before it is stored: a factory that throws leaves nothing behind, and the next read tries again.
            value = create(key);
            _locals[key] = value;
        }

        return value;
    }

    /// <summary>The incarnation ends: its <see cref="WorkerLocal{T}"/> values are dropped and disposed.</summary>
    internal void Retire()
    {
        if (_locals is null)
        {
            return;
        }

        foreach (var value in _locals.Values)
        {
            try
            {
                (value as IDisposable)?.Dispose();
            }
            catch (Exception)
            {
                // A value that fails to dispose must not stop the worker's next incarnation or the others' disposal.
            }
        }

        _locals = null;
    }

    internal static WorkerContext? Swap(WorkerContext? context)
    {
        var previous = _current;
        _current = context;
        return previous;
    }
}
