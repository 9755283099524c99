namespace ActorPool;

/// <summary>A worker answered a chunk: its values, or (<paramref name="Failed"/>) the failure of an item of it.</summary>
/// <param name="Function">The function's wire name.</param>
/// <param name="RequestId">The call's request id.</param>
/// <param name="Chunk">The chunk's index in its call.</param>
/// <param name="Attempt">How often the chunk was sent before this.</param>
/// <param name="Worker">The worker's actor path.</param>
/// <param name="Failed">Whether an item of the chunk failed.</param>
public sealed record ChunkCompleted(string Function, long RequestId, int Chunk, int Attempt, string Worker, bool Failed)
    : ChunkEvent(Function, RequestId, Chunk, Attempt, Worker);
