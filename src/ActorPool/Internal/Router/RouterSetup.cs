using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>How a router gets its workers and what it tells them.</summary>
/// <param name="WorkerPool">Props of the worker pool: a round-robin pool, or a cluster-aware one from HOCON.</param>
/// <param name="ExpectedWorkers">Workers to size default chunks by before the routees are known.</param>
/// <param name="DefaultChunkSize">Chunk size when a request names none; null for CPython's rule.</param>
/// <param name="DefaultTimeout">Deadline when a request names none.</param>
/// <param name="Settings">The <c>actorpool</c> settings.</param>
/// <param name="MaxBatch">Most one-item requests dealt to a worker as one batch; 1 turns batching off (MaxTasksPerChild counts single tasks).</param>
internal sealed record RouterSetup(Props WorkerPool, int ExpectedWorkers, int? DefaultChunkSize, TimeSpan? DefaultTimeout, PoolSettings Settings, int MaxBatch);
