using Xunit;

namespace ActorPool.Tests;

/// <summary>Chunks are dealt to the workers in turn.</summary>
public sealed class RoundRobinSpec
{
    [Fact]
    public async Task Equal_chunks_land_on_distinct_workers()
    {
        await using var lease = PoolLease.Create(4);

        var ids = await lease.Pool.MapAsync(TestJobs.WorkerIdAfter, Enumerable.Repeat(20, 4), chunkSize: 1).Within();

        Assert.Equal(4, ids.Distinct().Count());
    }

    [Fact]
    public async Task Every_worker_takes_part_and_Processes_counts_them()
    {
        await using var lease = PoolLease.Create(3);

        var ids = await lease.Pool.MapAsync(TestJobs.WorkerIdAfter, Enumerable.Repeat(5, 30), chunkSize: 1).Within();

        Assert.Equal(3, lease.Pool.Processes);
        // The first two rounds are dealt before any worker can answer: each worker holds two chunks at once.
        var shares = ids.GroupBy(id => id).Select(g => g.Count()).ToList();
        Assert.Equal(3, shares.Count);
        Assert.All(shares, share => Assert.True(share >= 2, $"a worker ran only {share} of 30 chunks"));
    }
}
