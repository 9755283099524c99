namespace ActorPool;

/// <summary>
/// A chunk goes out again, as attempt <see cref="ChunkEvent.Attempt"/>, because <see cref="ChunkEvent.Worker"/> (which
/// held it) was lost, became unreachable or crashed: <paramref name="Reason"/> says which.
/// </summary>
/// <param name="Function">The function's wire name.</param>
/// <param name="RequestId">The call's request id.</param>
/// <param name="Chunk">The chunk's index in its call.</param>
/// <param name="Attempt">How often the chunk was sent before this.</param>
/// <param name="Worker">The worker's actor path.</param>
/// <param name="Reason">Why the chunk is sent again.</param>
public sealed record ChunkRetried(string Function, long RequestId, int Chunk, int Attempt, string Worker, string Reason)
    : ChunkEvent(Function, RequestId, Chunk, Attempt, Worker);
