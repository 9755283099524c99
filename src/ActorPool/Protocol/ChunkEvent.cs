namespace ActorPool;

/// <summary>
/// What a pool's router did with one chunk, published on its actor system's <c>EventStream</c> when
/// <c>actorpool.publish-chunk-events = on</c> (off by default; a <c>PoolSimulation</c> turns it on), so a spec can
/// see where work went: subscribe a probe to <see cref="ChunkEvent"/> for all of them, or to one kind.
/// </summary>
/// <param name="Function">The function's wire name.</param>
/// <param name="RequestId">The call's request id (a <see cref="Map"/>'s or <see cref="Apply"/>'s own, or the facade's).</param>
/// <param name="Chunk">The chunk's index in its call (an apply is chunk 0).</param>
/// <param name="Attempt">How often the chunk was sent before this (0 the first time).</param>
/// <param name="Worker">The worker's actor path; on another node it names that node's address.</param>
public abstract record ChunkEvent(string Function, long RequestId, int Chunk, int Attempt, string Worker);
