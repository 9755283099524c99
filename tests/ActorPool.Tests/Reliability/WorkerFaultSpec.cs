using ActorPool.Internal;
using Akka.Actor;
using Xunit;

namespace ActorPool.Tests.Reliability;

/// <summary>Faults inside the pool rather than in user code: workers that crash or are killed, callbacks that throw.</summary>
public sealed class WorkerFaultSpec
{
    [Fact]
    public async Task A_worker_crashing_outside_user_code_is_restarted_and_its_chunk_runs_again()
    {
        using var reruns = new CounterProbe("actorpool.chunks.retried");
        await using var lease = PoolLease.Create(1);
        var before = await lease.Pool.ApplyAsync(TestJobs.WorkerId).Within();

        (await PoolWorkers.Get(lease.Pool, "w0")).Tell(new CrashOnChunks(1));

        Assert.Equal(Enumerable.Range(0, 20).Select(x => x * x), await lease.Pool.MapAsync(TestJobs.Square, Enumerable.Range(0, 20), chunkSize: 5).Within());
        var after = await lease.Pool.ApplyAsync(TestJobs.WorkerId).Within();
        // The same worker actor, restarted: a new incarnation.
        Assert.NotEqual(before, after);
        Assert.Equal(before[..before.IndexOf('#')], after[..after.IndexOf('#')]);
        Assert.True(reruns.Total >= 1, "the re-run is counted");
    }

    [Fact]
    public async Task A_chunk_that_crashes_its_worker_every_time_fails_its_call_after_three_tries_and_the_pool_goes_on()
    {
        await using var lease = PoolLease.Create(1);
        (await PoolWorkers.Get(lease.Pool, "w0")).Tell(new CrashOnChunks(3));

        var lost = await Assert.ThrowsAsync<PoolWorkerLostException>(() => lease.Pool.ApplyAsync(TestJobs.Square, 3).Within());

        Assert.Contains("each of the 3 times", lost.Message);
        Assert.Contains("Injected worker crash", lost.Message);
        Assert.Equal(16, await lease.Pool.ApplyAsync(TestJobs.Square, 4).Within());
    }

    [Fact]
    public async Task A_killed_worker_is_replaced_and_the_map_it_was_running_comes_back_exact()
    {
        await using var lease = PoolLease.Create(2);
        var map = lease.Pool.MapAsync(TestJobs.Sleep, Enumerable.Repeat(30, 40), chunkSize: 1);
        await Task.Delay(100);

        (await PoolWorkers.Get(lease.Pool, "w0")).Tell(Kill.Instance);

        Assert.Equal(Enumerable.Repeat(30, 40), await map.Within());
        await PoolWorkers.UntilLiveAsync(lease.Pool, 2);
        Assert.Equal(2, (await lease.Pool.MapAsync(TestJobs.WorkerIdAfter, Enumerable.Repeat(30, 20), chunkSize: 1).Within()).Distinct().Count());
    }

    [Fact]
    public async Task A_callback_that_throws_fails_only_its_own_call()
    {
        await using var lease = PoolLease.Create(2);
        var calls = Enumerable.Range(0, 10)
            .Select(x => lease.Pool.ApplyAsync(TestJobs.Square, x, callback: r => { if (r == 9) { throw new InvalidOperationException("callback broke"); } }))
            .ToArray();
        var map = lease.Pool.MapAsync(TestJobs.Square, [1, 2], callback: _ => throw new InvalidOperationException("map callback broke"));

        Assert.Equal("callback broke", (await Assert.ThrowsAsync<InvalidOperationException>(() => calls[3].Within())).Message);
        Assert.Equal("map callback broke", (await Assert.ThrowsAsync<InvalidOperationException>(() => map.Within())).Message);
        foreach (var x in new[] { 0, 1, 2, 4, 5, 6, 7, 8, 9 })
        {
            Assert.Equal(x * x, await calls[x].Within());
        }

        Assert.Equal([1, 4, 9], await lease.Pool.MapAsync(TestJobs.Square, [1, 2, 3]).Within());
    }
}
