using System.Diagnostics;

namespace ActorPool.Internal;

/// <summary>One router's measurements, all tagged with its name, so each pool's figures can be told apart.</summary>
internal sealed class RouterMetrics(string pool)
{
    private readonly KeyValuePair<string, object?> _pool = new("actorpool.pool", pool);

    public void Submitted(int items) => PoolMetrics.TasksSubmitted.Add(items, _pool);

    /// <summary>A chunk left for a worker; the timestamp to hand back when it is answered.</summary>
    public long Dispatched()
    {
        PoolMetrics.ChunksDispatched.Add(1, _pool);
        PoolMetrics.ChunksInFlight.Add(1, _pool);
        return Stopwatch.GetTimestamp();
    }

    /// <summary>A chunk of <paramref name="items"/> sent at <paramref name="sentAt"/> was answered.</summary>
    public void Answered(long sentAt, int items, bool failed)
    {
        PoolMetrics.ChunksInFlight.Add(-1, _pool);
        PoolMetrics.ChunkDuration.Record(Stopwatch.GetElapsedTime(sentAt).TotalSeconds, _pool);
        if (failed)
        {
            PoolMetrics.ChunksFailed.Add(1, _pool);
        }
        else
        {
            PoolMetrics.TasksCompleted.Add(items, _pool);
        }
    }

    /// <summary>Chunks that were at a worker now lost: no longer in flight.</summary>
    public void Dropped(int chunks) => PoolMetrics.ChunksInFlight.Add(-chunks, _pool);

    public void Retried(string reason) => PoolMetrics.ChunksRetried.Add(1, _pool, new("reason", reason));
}
