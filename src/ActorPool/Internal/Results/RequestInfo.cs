using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>What the router and the result assembly must know about one request.</summary>
internal sealed record RequestInfo(
    long Key,
    long RequestId,
    IActorRef ReplyTo,
    ReplyMode Mode,
    string Function,
    int ItemCount,
    int ChunkSize,
    TimeSpan? Timeout)
{
    /// <summary>The one result array in-process workers write into (whole maps whose result type is known here).</summary>
    public Array? Destination { get; init; }

    /// <summary>
    /// The caller is a facade, which watches whoever holds its call: it is told <see cref="RequestAccepted"/>. A
    /// public-protocol caller (an <c>Ask</c>) expects its answer and nothing else.
    /// </summary>
    public bool FromFacade { get; init; }

    /// <summary>The caller asked for progress: it is sent <see cref="MapProgress"/> as chunks finish (see <see cref="ProgressCounter"/>).</summary>
    public bool ReportsProgress { get; init; }

    public int ChunkCount => (ItemCount + ChunkSize - 1) / ChunkSize;

    public int ChunkLength(int index) => Math.Min(ChunkSize, ItemCount - (index * ChunkSize));
}
