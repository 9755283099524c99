namespace ActorPool;

/// <summary>Where a pool function is running: available through <see cref="Current"/> while a worker runs it.</summary>
public sealed class WorkerContext
{
    // Flows with the call, so an async function still sees its worker after an await resumes it on another thread.
    private static readonly AsyncLocal<WorkerContext?> CurrentContext = new();

    internal WorkerContext(string workerId, string node)
    {
        WorkerId = workerId;
        Node = node;
    }

    /// <summary>The context of the worker running the calling function.</summary>
    /// <exception cref="InvalidOperationException">Called outside a function run by a pool worker.</exception>
    public static WorkerContext Current => CurrentContext.Value
        ?? throw new InvalidOperationException("WorkerContext.Current is only available inside a function run by a pool worker.");

    /// <summary>Unique per worker incarnation: a worker replaced after <see cref="PoolOptions.MaxTasksPerChild"/> tasks gets a new one.</summary>
    public string WorkerId { get; }

    /// <summary>The address of the node the worker runs on.</summary>
    public string Node { get; }

    /// <summary>This incarnation's <see cref="WorkerLocal{T}"/> values, made on first use.</summary>
    private Dictionary<object, object?>? _locals;

    private readonly Lock _lock = new();
    private bool _retired;

    /// <summary>The value of a <see cref="WorkerLocal{T}"/> in this incarnation, made by <paramref name="create"/> on first use.</summary>
    internal object? Local(object key, Func<object, object?> create)
    {
        // Async calls of one worker may run at once on pool threads: one lock keeps "once per incarnation" true.
        lock (_lock)
        {
            if (_retired)
            {
                // A value made now would never be disposed: nothing of a retired incarnation may still run.
                throw new InvalidOperationException($"Worker incarnation {WorkerId} has been replaced; its WorkerLocal values are gone.");
            }

            _locals ??= [];
            if (!_locals.TryGetValue(key, out var value))
            {
                // Made before it is stored: a factory that throws leaves nothing behind, and the next read tries again.
                value = create(key);
                _locals[key] = value;
            }

            return value;
        }
    }

    /// <summary>The incarnation ends: its <see cref="WorkerLocal{T}"/> values are dropped and disposed.</summary>
    internal void Retire()
    {
        Dictionary<object, object?>? locals;
        lock (_lock)
        {
            (locals, _locals, _retired) = (_locals, null, true);
        }

        foreach (var value in locals?.Values ?? Enumerable.Empty<object?>())
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
    }

    internal static WorkerContext? Swap(WorkerContext? context)
    {
        var previous = CurrentContext.Value;
        CurrentContext.Value = context;
        return previous;
    }
}
