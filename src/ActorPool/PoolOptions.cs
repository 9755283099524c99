namespace ActorPool;

/// <summary>How to build a <see cref="Pool"/>: the arguments of Python's <c>Pool(processes, initializer, maxtasksperchild)</c> and call defaults.</summary>
public sealed record PoolOptions
{
    private readonly int? _processes;

    /// <summary>Number of workers of an in-process pool; <see cref="Environment.ProcessorCount"/> by default. Must be at least 1. A cluster pool uses the workers its nodes own and refuses this.</summary>
    public int Processes
    {
        get => _processes ?? Environment.ProcessorCount;
        init => _processes = value;
    }

    /// <summary>Whether <see cref="Processes"/> was given (a cluster pool refuses it rather than ignore it).</summary>
    internal bool ProcessesSet => _processes is not null;

    /// <summary>Chunks a worker runs before it is replaced by a fresh one (new <see cref="WorkerContext.WorkerId"/>, <see cref="Initializer"/> run again); unlimited when null. Must be at least 1.</summary>
    public int? MaxTasksPerChild { get; init; }

    /// <summary>Runs once in each worker before its first task (and again in each new incarnation); in-process workers only. If it throws, that task fails and it is tried again before the next.</summary>
    public Action? Initializer { get; init; }

    /// <summary>Chunk size for maps that name none; null for CPython's <c>ceil(items / (4 × workers))</c>. Must be at least 1.</summary>
    public int? ChunkSize { get; init; }

    /// <summary>
    /// Deadline for every call; it then fails with <see cref="TimeoutException"/>, and a worker whose thread is still
    /// inside the call (which .NET cannot stop) is abandoned and replaced by a fresh one. None by default.
    /// </summary>
    public TimeSpan? TaskTimeout { get; init; }

    internal PoolOptions Validated()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Processes, 1, nameof(Processes));
        if (MaxTasksPerChild is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1, nameof(MaxTasksPerChild));
        }

        if (ChunkSize is { } chunk)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1, nameof(ChunkSize));
        }

        if (TaskTimeout is { } timeout && timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(TaskTimeout), timeout, "The task timeout must be positive.");
        }

        return this;
    }
}
