using ActorPool.Serialization;
using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>How a request is answered.</summary>
internal enum ReplyMode : byte
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

/// <summary>Aggregator to the caller of a streaming map: values for items [StartIndex, StartIndex + Values.Length).</summary>
internal sealed record MapPart(long RequestId, int StartIndex, Array Values) : IPoolMessage, ISplittable
{
    public int Count => Values.Length;

    public (object First, object Second) Split(int at) =>
        (this with { Values = TypedItems.Slice(Values, 0, at) },
         this with { StartIndex = StartIndex + at, Values = TypedItems.Slice(Values, at, Values.Length - at) });
}

/// <summary>
/// Holder of a request to a requester on another node: "I hold your request". The requester watches the holder,
/// so a call whose serving node dies fails instead of waiting forever.
/// </summary>
internal sealed record RequestAccepted(long RequestId) : IPoolMessage;

/// <summary>
/// A <see cref="Status.Failure"/> on its way to another node: the transport sends this instead, and the serializer
/// rebuilds the <see cref="Status.Failure"/> on the other side with the same member of the exception family.
/// </summary>
/// <param name="RequestId">The failure's state when it was a request id; null otherwise.</param>
/// <param name="Failure">What failed.</param>
/// <param name="ItemIndex">The failing item's index, for a <see cref="PoolTaskException"/>.</param>
internal sealed record FailureReply(long? RequestId, TaskFailure Failure, int ItemIndex) : IPoolMessage
{
    public static FailureReply From(Status.Failure failure) => new(
        failure.State as long?,
        TaskFailure.FromPool("", failure.Cause),
        failure.Cause is PoolTaskException task ? task.ItemIndex : 0);
}

/// <summary>
/// Aggregator (or router) to a caller that asked for progress: how many of the request's items are done, failed and
/// sent again so far. Counts only grow; the last one comes just before the answer.
/// </summary>
internal sealed record MapProgress(long RequestId, long Done, long Failed, long Retried) : IPoolMessage;
