using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>How an aggregator answers its request.</summary>
internal enum ReplyMode
{
    /// <summary>One <see cref="MapResult"/> at the end.</summary>
    Whole,

    /// <summary>One <see cref="ApplyResult"/> at the end.</summary>
    Single,

    /// <summary><see cref="MapPart"/>s of the ordered prefix as it grows, then an empty <see cref="MapResult"/>.</summary>
    OrderedStream,

    /// <summary><see cref="MapPart"/>s of each chunk as it completes, then an empty <see cref="MapResult"/>.</summary>
    UnorderedStream,
}

/// <summary>Router to worker: run items [Offset, Offset + Count) of a request.</summary>
internal sealed record Chunk(long RequestKey, int Index, int Attempt, string Function, Array Items, int Offset, int Count)
{
    /// <summary>Set for closures; never crosses a process boundary.</summary>
    public FunctionInvoker? LocalFunction { get; init; }

    /// <summary>The items already encoded, when the router checked them before sending them to another node.</summary>
    public byte[]? EncodedItems { get; init; }

    /// <summary>
    /// In-process only: the request's one result array. The worker writes its results there at <see cref="Offset"/>
    /// and answers with the array itself, so a large map allocates and copies its results once, not per chunk.
    /// </summary>
    public Array? Destination { get; init; }
}

/// <summary>
/// Router to worker: many one-item requests of the same function at once (a burst of applies). Each item is its
/// own call: one failing does not affect the others.
/// </summary>
internal sealed record Batch(string Function, long[] Keys, int[] Attempts, Array Items)
{
    /// <summary>Set for closures; never crosses a process boundary.</summary>
    public FunctionInvoker? LocalFunction { get; init; }

    /// <summary>The items already encoded, when the router checked them before sending them to another node.</summary>
    public byte[]? EncodedItems { get; init; }
}

/// <summary>Worker to router: the value of every item of a <see cref="Batch"/>, and the failures of those that threw.</summary>
internal sealed record BatchResult(long[] Keys, int[] Attempts, Array Values, IReadOnlyList<BatchFailure> Failures)
{
    /// <summary>The values already encoded by a worker that checked their size before sending them to another node.</summary>
    public byte[]? EncodedValues { get; init; }
}

/// <summary>The item at <see cref="Index"/> of a batch failed.</summary>
internal sealed record BatchFailure(int Index, TaskFailure Failure);

/// <summary>Worker to router, forwarded to the aggregator: values of a chunk (or of a part of it, starting at <see cref="PartOffset"/>).</summary>
internal sealed record ChunkResult(long RequestKey, int Index, int Attempt, int PartOffset, Array Values)
{
    /// <summary>The chunk's last part: the worker is done with it. Results too large for one message come in several parts.</summary>
    public bool Last { get; init; } = true;

    /// <summary>The values already encoded by a worker that checked their size before sending them to another node.</summary>
    public byte[]? EncodedValues { get; init; }
}

/// <summary>Worker to router, forwarded to the aggregator: the item at <see cref="ItemOffset"/> in the chunk failed.</summary>
internal sealed record ChunkFailed(long RequestKey, int Index, int Attempt, int ItemOffset, TaskFailure Failure);

/// <summary>A failure as it crosses the wire; <see cref="Original"/> survives only inside one process.</summary>
internal sealed record TaskFailure(FailureKind Kind, string Function, string Type, string Message, string? StackTrace)
{
    public Exception? Original { get; init; }

    public static TaskFailure From(string function, Exception ex) => ex switch
    {
        PoolFunctionException f => new TaskFailure(FailureKind.Function, f.Function, ex.GetType().FullName!, ex.Message, ex.StackTrace) { Original = ex },
        _ => new TaskFailure(FailureKind.Task, function, ex.GetType().FullName!, ex.Message, ex.StackTrace) { Original = ex },
    };

    public Exception ToException(int itemIndex) => Kind switch
    {
        FailureKind.Function => Original as PoolFunctionException ?? new PoolFunctionException(Function, Message),
        FailureKind.Infrastructure => Original ?? new InvalidOperationException(Message),
        _ => new PoolTaskException(Function, itemIndex, Type, Message, StackTrace, Original),
    };
}

/// <summary>What kind of failure a <see cref="TaskFailure"/> is.</summary>
internal enum FailureKind
{
    /// <summary>The user function threw.</summary>
    Task,

    /// <summary>The function could not run there (not registered, a closure sent away).</summary>
    Function,

    /// <summary>The pool could not run the item (serialization, no workers).</summary>
    Infrastructure,
}

/// <summary>Aggregator to the caller of a streaming map: values for items [StartIndex, StartIndex + Values.Count).</summary>
internal sealed record MapPart(long RequestId, int StartIndex, IReadOnlyList<object?> Values)
{
    /// <summary>The values already encoded by an aggregator that sized them for a requester on another node.</summary>
    public byte[]? EncodedValues { get; init; }
}

/// <summary>
/// Aggregator to a requester on another node: "I hold your request". The requester watches the aggregator, so a
/// call whose serving node dies fails instead of waiting forever.
/// </summary>
internal sealed record RequestAccepted(long RequestId);

/// <summary>Caller to router: stop the request with this id that the sender submitted.</summary>
internal sealed record CancelRequest(long RequestId);

/// <summary>Caller to router, in-process only: how many workers are there now? Answered with a <see cref="WorkerCount"/>.</summary>
internal sealed class CountWorkers
{
    public static readonly CountWorkers Instance = new();

    private CountWorkers() { }
}

/// <summary>Router to caller: the workers it deals to now (all nodes together).</summary>
internal sealed record WorkerCount(int Workers);

/// <summary>Caller to router: refuse new work from now on; outstanding work finishes.</summary>
internal sealed class ClosePool
{
    public static readonly ClosePool Instance = new();

    private ClosePool() { }
}

/// <summary>Caller to router: fail all outstanding work and stop the workers now.</summary>
internal sealed class TerminatePool
{
    public static readonly TerminatePool Instance = new();

    private TerminatePool() { }
}

/// <summary>Router to aggregator: stop with this failure (cancel, terminate, no workers).</summary>
internal sealed record AbortRequest(Exception Reason);

/// <summary>Aggregator to router: the request is answered; forget it.</summary>
internal sealed record RequestDone(long RequestKey);

/// <summary>A typed array seen as a read-only list of objects without copying it.</summary>
internal interface ITypedItems
{
    Array Array { get; }
}

/// <inheritdoc cref="ITypedItems" />
internal sealed class TypedItems<T>(T[] array) : IReadOnlyList<object?>, ITypedItems
{
    public T[] Items { get; } = array;

    public Array Array => Items;

    public int Count => Items.Length;

    public object? this[int index] => Items[index];

    public IEnumerator<object?> GetEnumerator()
    {
        foreach (var item in Items)
        {
            yield return item;
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Helpers for typed item lists.</summary>
internal static class TypedItems
{
    /// <summary>Wraps any array (typed or not) as a read-only list without copying.</summary>
    public static IReadOnlyList<object?> Wrap(Array array) =>
        (IReadOnlyList<object?>)Activator.CreateInstance(typeof(TypedItems<>).MakeGenericType(array.GetType().GetElementType()!), array)!;

    /// <summary>The list as a typed array, copying only when it is not one already.</summary>
    public static T[] ToArray<T>(IReadOnlyList<object?> values) => values switch
    {
        TypedItems<T> typed => typed.Items,
        ITypedItems { Array: T[] array } => array,
        _ => values.Select(v => (T)ArgumentConverter.ConvertValue(v, typeof(T))!).ToArray(),
    };
}
