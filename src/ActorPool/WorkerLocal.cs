namespace ActorPool;

/// <summary>
/// A value each worker makes for itself, once per worker incarnation, on whichever node runs it: a heavy model, a
/// connection, a buffer — per-worker state without shipping a delegate to other nodes. Declare it as a static field
/// next to the pool functions that use it; read <see cref="Value"/> inside them. When a worker is replaced (after
/// <see cref="PoolOptions.MaxTasksPerChild"/> tasks) or stops, its value is dropped, and disposed if it is
/// <see cref="IDisposable"/>; the next incarnation makes a new one.
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <example><code>static readonly WorkerLocal&lt;Model&gt; Model = new(() => Model.Load("weights.bin"));
/// [PoolFunction] public static int Classify(string text) => Model.Value.Classify(text);</code></example>
public sealed class WorkerLocal<T>
{
    private readonly Func<T> _factory;

    /// <summary>Declares a per-worker value made by <paramref name="factory"/> the first time a worker reads it.</summary>
    /// <param name="factory">Makes the value; runs on the worker's thread, once per worker incarnation.</param>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is null.</exception>
    public WorkerLocal(Func<T> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _factory = factory;
    }

    /// <summary>This worker's value, made on first use in this worker incarnation.</summary>
    /// <exception cref="InvalidOperationException">Read outside a function run by a pool worker.</exception>
    public T Value => (T)WorkerContext.Current.Local(this, static (local) => ((WorkerLocal<T>)local)._factory())!;
}
