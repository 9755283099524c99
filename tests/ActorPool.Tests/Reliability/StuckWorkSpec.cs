using Akka.Actor;
using Xunit;

namespace ActorPool.Tests.Reliability;

/// <summary>
/// <see cref="PoolOptions.TaskTimeout"/> against work that never ends: the call fails with
/// <see cref="TimeoutException"/>, and the worker whose thread is stuck inside it (which .NET cannot stop) is abandoned
/// and replaced, so the pool keeps its capacity.
/// </summary>
public sealed class StuckWorkSpec
{
    [Fact]
    public async Task A_call_stuck_past_TaskTimeout_fails_and_a_fresh_worker_takes_the_stuck_ones_place()
    {
        var run = TestJobs.NewRun();
        using var abandoned = new CounterProbe("actorpool.workers.abandoned");
        await using var lease = PoolLease.Create(new PoolOptions { Processes = 1, TaskTimeout = TimeSpan.FromSeconds(2) });
        try
        {
            var stuck = lease.Pool.ApplyAsync(ReliabilityJobs.Hang, run);
            var stuckWorker = Assert.Single(await ReliabilityJobs.EnteredAsync(run, 1));

            await Assert.ThrowsAsync<TimeoutException>(() => stuck.Within());

            // The pool's only worker is still stuck: only a fresh one can answer.
            var fresh = await lease.Pool.ApplyAsync(TestJobs.WorkerId).Within();
            Assert.NotEqual(stuckWorker, fresh);
            Assert.True(abandoned.Total >= 1, "the abandoned worker is counted");
            Assert.Equal(Enumerable.Range(0, 50).Select(x => x * x), await Bounds.Blocking(() => lease.Pool.Map(TestJobs.Square, Enumerable.Range(0, 50))));
        }
        finally
        {
            ReliabilityJobs.Release(run);
        }

        // Once its call returns, the abandoned worker stops: its thread is free again.
        await PoolWorkers.UntilLiveAsync(lease.Pool, 1);
    }

    [Fact]
    public async Task A_map_whose_chunks_hang_times_out_and_every_stuck_worker_is_replaced()
    {
        var run = TestJobs.NewRun();
        await using var lease = PoolLease.Create(new PoolOptions { Processes = 2, TaskTimeout = TimeSpan.FromSeconds(2) });
        try
        {
            var map = lease.Pool.MapAsync(ReliabilityJobs.Hang, [run, run], chunkSize: 1);
            Assert.Equal(2, (await ReliabilityJobs.EnteredAsync(run, 2)).Distinct().Count());

            await Assert.ThrowsAsync<TimeoutException>(() => map.Within());

            var ids = await Bounds.Blocking(() => lease.Pool.Map(TestJobs.WorkerIdAfter, Enumerable.Repeat(20, 20), chunkSize: 1));
            Assert.Equal(2, ids.Distinct().Count());
        }
        finally
        {
            ReliabilityJobs.Release(run);
        }

        await PoolWorkers.UntilLiveAsync(lease.Pool, 2);
    }

    [Fact]
    public async Task A_worker_that_only_has_a_timed_out_chunk_queued_is_not_abandoned()
    {
        var run = TestJobs.NewRun();
        await using var lease = PoolLease.Create(new PoolOptions { Processes = 1 });
        try
        {
            // The worker is busy with a call that has no deadline; a second call, with one, waits behind it.
            var busy = lease.Pool.ApplyAsync(ReliabilityJobs.Hang, run);
            var worker = Assert.Single(await ReliabilityJobs.EnteredAsync(run, 1));
            var queued = lease.Pool.Router.Ask<MapResult>(new Map(TestJobs.WireName(nameof(TestJobs.Square)), [3]) { Timeout = TimeSpan.FromMilliseconds(300) }, Bounds.Call);

            await Assert.ThrowsAsync<TimeoutException>(() => queued);
            ReliabilityJobs.Release(run);

            // The busy call was not the one that timed out: it finishes on the same worker, which is kept.
            Assert.Equal(worker, await busy.Within());
            Assert.Equal(worker, await lease.Pool.ApplyAsync(TestJobs.WorkerId).Within());
        }
        finally
        {
            ReliabilityJobs.Release(run);
        }
    }

    [Fact]
    public async Task A_pool_whose_abandoned_worker_never_returns_still_disposes_within_a_bound()
    {
        var run = TestJobs.NewRun();
        var pool = Pool.Create(new PoolOptions { Processes = 1, TaskTimeout = TimeSpan.FromMilliseconds(300) });
        try
        {
            var stuck = pool.ApplyAsync(ReliabilityJobs.Hang, run);
            await ReliabilityJobs.EnteredAsync(run, 1);
            await Assert.ThrowsAsync<TimeoutException>(() => stuck.Within());

            // Its thread is still inside the call: Dispose must not wait for it.
            await pool.DisposeAsync().AsTask().Within();
        }
        finally
        {
            ReliabilityJobs.Release(run);
        }
    }
}
