using ActorPool.Serialization;

namespace ActorPool.Internal;

/// <summary>Router to worker: run items [Offset, Offset + Count) of a request.</summary>
internal sealed record Chunk(long RequestKey, int Index, int Attempt, string Function, Array Items, int Offset, int Count) : IPoolMessage
{
    /// <summary>Set for closures; never crosses a process boundary.</summary>
    public FunctionInvoker? LocalFunction { get; init; }

    /// <summary>
    /// In-process only: the request's one result array. The worker writes its results there at <see cref="Offset"/>
    /// and answers with the array itself, so a large map allocates and copies its results once, not per chunk.
    /// </summary>
    public Array? Destination { get; init; }

    /// <summary>Set by the serializer when the chunk's items arrived but could not be read here: the worker fails the chunk with it.</summary>
    public Exception? Undecodable { get; init; }

    /// <summary>
    /// In-process only, for a request of this one chunk: the worker answers the caller itself and tells the router
    /// the chunk is <see cref="ChunkResult.Answered"/>, which takes a hop off every apply's round trip.
    /// </summary>
    public RequestInfo? Answer { get; init; }
}

/// <summary>
/// Router to worker: many one-item requests of the same function at once (a burst of applies). Each item is its
/// own call: one failing does not affect the others. Splits, when too large for one message, into smaller batches.
/// </summary>
internal sealed record Batch(string Function, long[] Keys, int[] Attempts, Array Items) : IPoolMessage, ISplittable
{
    /// <summary>Set for closures; never crosses a process boundary.</summary>
    public FunctionInvoker? LocalFunction { get; init; }

    /// <summary>Set by the serializer when the items arrived but could not be read here.</summary>
    public Exception? Undecodable { get; init; }

    public int Count => Keys.Length;

    public (object First, object Second) Split(int at) =>
        (this with { Keys = Keys[..at], Attempts = Attempts[..at], Items = TypedItems.Slice(Items, 0, at) },
         this with { Keys = Keys[at..], Attempts = Attempts[at..], Items = TypedItems.Slice(Items, at, Keys.Length - at) });
}

/// <summary>Worker to router: the value of every item of a <see cref="Batch"/>, and the failures of those that threw.</summary>
internal sealed record BatchResult(long[] Keys, int[] Attempts, Array Values, IReadOnlyList<BatchFailure> Failures) : IPoolMessage, ISplittable
{
    public int Count => Keys.Length;

    public (object First, object Second) Split(int at) =>
        (new BatchResult(Keys[..at], Attempts[..at], TypedItems.Slice(Values, 0, at), Failures.Where(f => f.Index < at).ToArray()),
         new BatchResult(Keys[at..], Attempts[at..], TypedItems.Slice(Values, at, Keys.Length - at),
             Failures.Where(f => f.Index >= at).Select(f => f with { Index = f.Index - at }).ToArray()));

    /// <summary>Every item failed the same way (the function could not run, or the items could not be read).</summary>
    public static BatchResult AllFailed(long[] keys, int[] attempts, TaskFailure failure) =>
        new(keys, attempts, new object?[keys.Length], keys.Select((_, i) => new BatchFailure(i, failure)).ToArray());
}

/// <summary>The item at <see cref="Index"/> of a batch failed.</summary>
internal sealed record BatchFailure(int Index, TaskFailure Failure);

/// <summary>Worker to router, forwarded to the aggregator: values of a chunk (or of a part of it, starting at <see cref="PartOffset"/>).</summary>
internal sealed record ChunkResult(long RequestKey, int Index, int Attempt, int PartOffset, Array Values) : IPoolMessage, ISplittable
{
    /// <summary>The chunk's last part: the worker is done with it. Results too large for one message come in several parts.</summary>
    public bool Last { get; init; } = true;

    /// <summary>In-process only: the worker already answered the caller (see <see cref="Chunk.Answer"/>); the router only books it.</summary>
    public bool Answered { get; init; }

    public int Count => Values.Length;

    public (object First, object Second) Split(int at) =>
        (this with { Values = TypedItems.Slice(Values, 0, at), Last = false },
         this with { PartOffset = PartOffset + at, Values = TypedItems.Slice(Values, at, Values.Length - at) });
}

/// <summary>Worker to router, forwarded to the aggregator: the item at <see cref="ItemOffset"/> in the chunk failed.</summary>
internal sealed record ChunkFailed(long RequestKey, int Index, int Attempt, int ItemOffset, TaskFailure Failure) : IPoolMessage;

/// <summary>
/// Router to worker: nobody waits for the request's chunks any more (cancelled, timed out, the pool terminated).
/// The worker cancels the token its async calls of that request were given; what already ran is not undone.
/// </summary>
internal sealed record CancelWork(long RequestKey) : IPoolMessage;

/// <summary>
/// Worker to router: it crashed outside user code while holding these chunks (request keys, chunk indexes, attempts;
/// a batch's members are chunk 0 of their own requests). They are sent again, to a bounded number of attempts.
/// </summary>
internal sealed record WorkerCrashed(long[] Keys, int[] Indexes, int[] Attempts, string Reason) : IPoolMessage;

/// <summary>
/// Fault injection, for tests and the simulation harness: the worker crashes, outside user code, on each of the next
/// <paramref name="Chunks"/> chunks or batches it receives, as a bug in the worker itself would.
/// </summary>
internal sealed record CrashOnChunks(int Chunks) : IPoolMessage;

/// <summary>What a worker needs besides its chunks: set for an in-process pool's own workers, empty for a node's.</summary>
/// <param name="MaxTasksPerChild">Tasks per incarnation; unlimited when null.</param>
/// <param name="Initializer">Runs before an incarnation's first task.</param>
/// <param name="Terminating">Cancelled when the pool is terminated: a worker then stops after the item it is running, not at the end of its chunk.</param>
internal sealed record WorkerOptions(int? MaxTasksPerChild, Action? Initializer, CancellationToken Terminating = default);
