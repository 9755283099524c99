using System.Collections.Concurrent;
using ActorPool.Internal;
using ActorPool.Tests.Reliability;
using Akka.Actor;
using Xunit;

namespace ActorPool.Tests;

/// <summary><see cref="PoolProgress"/> on Map, StarMap and Imap: counts that only grow, a last report that counts everything, before the call completes.</summary>
public sealed class ProgressSpec
{
    [Fact]
    public async Task A_map_reports_growing_counts_and_a_last_report_of_every_item_before_it_returns()
    {
        await using var lease = PoolLease.Create(2);
        var reports = new Reports();

        var results = await Task.Run(() => lease.Pool.Map(TestJobs.Sleep, Enumerable.Repeat(20, 40), chunkSize: 2, progress: reports)).Within();

        Assert.Equal(Enumerable.Repeat(20, 40), results);
        // Read at once: the last report came before Map returned.
        var seen = reports.All;
        Assert.True(seen.Count >= 2, $"several reports as chunks finish, got {seen.Count}");
        Assert.All(seen, r => Assert.Equal(40, r.Total));
        Assert.Equal(seen.Select(r => r.Done).Order(), seen.Select(r => r.Done));
        Assert.Equal(seen.Select(r => r.Elapsed).Order(), seen.Select(r => r.Elapsed));
        Assert.Equal(new PoolProgress(40, 40, 0, 0, seen[^1].Elapsed), seen[^1]);
        Assert.All(seen, r => Assert.Equal(0, r.Done % 2));
    }

    [Fact]
    public async Task Failed_counts_the_items_of_the_chunks_that_failed_and_the_last_report_still_comes()
    {
        await using var lease = PoolLease.Create(2);
        var reports = new Reports();

        await Assert.ThrowsAsync<PoolTaskException>(() => lease.Pool.MapAsync(TestJobs.ThrowIfNegative, Enumerable.Range(-3, 100), chunkSize: 10, progress: reports).Within());

        var last = reports.All[^1];
        Assert.Equal((100L, 100L, 10L, 0L), (last.Done, last.Total!.Value, last.Failed, last.Retried));
    }

    [Fact]
    public async Task Retried_counts_the_items_sent_again_after_their_worker_crashed()
    {
        await using var lease = PoolLease.Create(1);
        await lease.Pool.ApplyAsync(TestJobs.Square, 1).Within();
        (await PoolWorkers.Get(lease.Pool, "w0")).Tell(new CrashOnChunks(1));
        var reports = new Reports();

        var results = await lease.Pool.MapAsync(TestJobs.Square, Enumerable.Range(0, 20), chunkSize: 5, progress: reports).Within();

        Assert.Equal(Enumerable.Range(0, 20).Select(x => x * x), results);
        var last = reports.All[^1];
        Assert.Equal((20L, 0L, 5L), (last.Done, last.Failed, last.Retried));
    }

    [Fact]
    public async Task A_one_chunk_call_and_an_empty_one_each_report_once_they_are_done()
    {
        await using var lease = PoolLease.Create(2);
        var one = new Reports();
        var empty = new Reports();

        Assert.Equal([4, 9], await lease.Pool.StarMapAsync(TestJobs.Multiply, [(1, 4), (3, 3)], chunkSize: 8, progress: one).Within());
        Assert.Empty(await lease.Pool.MapAsync(TestJobs.Square, Array.Empty<int>(), progress: empty).Within());

        Assert.Equal((2L, 2L), (one.All[^1].Done, one.All[^1].Total!.Value));
        Assert.Equal((0L, 0L), (empty.All.Single().Done, empty.All.Single().Total!.Value));
        Assert.Equal(1, empty.All.Single().Fraction);
    }

    [Fact]
    public async Task An_imap_over_a_collection_knows_its_total_and_one_over_a_lazy_input_learns_it_when_the_input_ends()
    {
        await using var lease = PoolLease.Create(2);
        var sized = new Reports();
        var lazy = new Reports();

        var fromList = await lease.Pool.Imap(TestJobs.Square, Enumerable.Range(0, 500).ToList(), chunkSize: 10, progress: sized).ToListAsync();
        var fromGenerator = await lease.Pool.ImapUnordered(TestJobs.Sleep, Generate(60), chunkSize: 4, progress: lazy).ToListAsync();

        Assert.Equal(500, fromList.Count);
        Assert.All(sized.All, r => Assert.Equal(500, r.Total));
        Assert.Equal(500, sized.All[^1].Done);
        Assert.Equal(60, fromGenerator.Count);
        Assert.Null(lazy.All[0].Total);
        Assert.Equal((60L, 60L), (lazy.All[^1].Done, lazy.All[^1].Total!.Value));
        Assert.Equal(lazy.All.Select(r => r.Done).Order(), lazy.All.Select(r => r.Done));

        static IEnumerable<int> Generate(int count)
        {
            for (var i = 0; i < count; i++)
            {
                yield return 5;
            }
        }
    }

    [Fact]
    public async Task A_progress_handler_that_throws_or_blocks_does_not_fail_or_hold_up_the_pool()
    {
        await using var lease = PoolLease.Create(2);
        using var release = new ManualResetEventSlim();
        var blocking = new Reports(_ => release.Wait(TimeSpan.FromSeconds(30)));
        var throwing = new Reports(_ => throw new InvalidOperationException("progress broke"));

        var held = lease.Pool.MapAsync(TestJobs.Square, Enumerable.Range(0, 100), chunkSize: 5, progress: blocking);
        // The pool goes on serving other calls while the handler blocks; the held call completes only after its reports.
        Assert.Equal(Enumerable.Range(0, 100).Select(x => x * x), await lease.Pool.MapAsync(TestJobs.Square, Enumerable.Range(0, 100), chunkSize: 5, progress: throwing).Within());
        Assert.Equal(49, await lease.Pool.ApplyAsync(TestJobs.Square, 7).Within());
        Assert.False(held.IsCompleted);
        release.Set();
        Assert.Equal(100, (await held.Within()).Count);
        Assert.Equal(100, blocking.All[^1].Done);
    }

    [Fact]
    public async Task Reports_are_at_least_a_tenth_of_a_second_apart_however_fast_chunks_finish()
    {
        await using var lease = PoolLease.Create(2);
        var reports = new Reports();

        var results = await lease.Pool.Imap(TestJobs.Square, Enumerable.Range(0, 30_000), chunkSize: 1, progress: reports).ToListAsync();

        Assert.Equal(30_000, results.Count);
        var seen = reports.All;
        Assert.Equal(30_000, seen[^1].Done);
        // Every report but the last (which the stream's end does not hold back) waited its interval.
        var gaps = seen.Zip(seen.Skip(1), (a, b) => b.Elapsed - a.Elapsed).SkipLast(1).ToList();
        Assert.All(gaps, gap => Assert.True(gap >= TimeSpan.FromMilliseconds(99), $"reports {gap.TotalMilliseconds:0.0} ms apart"));
    }

    [Fact]
    public async Task A_change_held_back_by_the_interval_is_reported_when_the_interval_is_up_not_at_the_next_chunk()
    {
        await using var lease = PoolLease.Create(2);
        var reports = new Reports();

        // Six quick chunks, then one that takes 3 s: the quick ones must show long before it ends.
        await lease.Pool.MapAsync(TestJobs.Sleep, [10, 10, 10, 10, 10, 10, 3000], chunkSize: 1, progress: reports).Within();

        var early = reports.All.Where(r => r.Elapsed < TimeSpan.FromSeconds(2)).ToList();
        Assert.Contains(early, r => r.Done == 6);
    }

    [Fact]
    public void A_report_reads_as_one_line()
    {
        Assert.Equal("4,000/10,000 items (40%), 1 failed, 2 retried, 1.5 s", new PoolProgress(4000, 10000, 1, 2, TimeSpan.FromSeconds(1.5)).ToString());
        Assert.Equal("12 items, 0 failed, 0 retried, 0.1 s", new PoolProgress(12, null, 0, 0, TimeSpan.FromMilliseconds(100)).ToString());
        Assert.Null(new PoolProgress(12, null, 0, 0, TimeSpan.Zero).Fraction);
    }

    /// <summary>Records every report synchronously, in the order the pool hands them over.</summary>
    internal sealed class Reports(Action<PoolProgress>? also = null) : IProgress<PoolProgress>
    {
        private readonly ConcurrentQueue<PoolProgress> _seen = new();

        public List<PoolProgress> All => [.. _seen];

        public void Report(PoolProgress value)
        {
            _seen.Enqueue(value);
            also?.Invoke(value);
        }
    }
}
