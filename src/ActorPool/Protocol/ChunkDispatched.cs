namespace ActorPool;

/// <summary>The router sent a chunk to <see cref="ChunkEvent.Worker"/>.</summary>
/// <param name="Function">The function's wire name.</param>
/// <param name="RequestId">The call's request id.</param>
/// <param name="Chunk">The chunk's index in its call.</param>
/// <param name="Attempt">How often the chunk was sent before this.</param>
/// <param name="Worker">The worker's actor path.</param>
public sealed record ChunkDispatched(string Function, long RequestId, int Chunk, int Attempt, string Worker)
    : ChunkEvent(Function, RequestId, Chunk, Attempt, Worker);
