using Akka.Actor;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorPool.Tests.Reliability;

/// <summary>Load from one thread and from many: submission is held back, memory stays bounded, every answer exact.</summary>
public sealed class LoadSpec(ITestOutputHelper output)
{
    [Fact]
    public async Task A_submitter_ahead_of_the_pool_waits_for_room_once_max_outstanding_calls_are_out()
    {
        var run = TestJobs.NewRun();
        using var system = ActorSystem.Create("load", ConfigurationFactory.ParseString("actorpool.max-outstanding-calls = 8"));
        var pool = Pool.Create(system, new PoolOptions { Processes = 1 });
        try
        {
            var hung = pool.ApplyAsync(ReliabilityJobs.Hang, run);
            await ReliabilityJobs.EnteredAsync(run, 1);
            var queued = Enumerable.Range(0, 7).Select(x => pool.ApplyAsync(TestJobs.Square, x)).ToArray();

            // Eight calls are out: the ninth submission waits for one of them to finish.
            var ninth = Task.Run(() => pool.ApplyAsync(TestJobs.Square, 7));
            await Task.Delay(500);
            Assert.False(ninth.IsCompleted, "the ninth ApplyAsync returned while eight calls were outstanding");

            ReliabilityJobs.Release(run);
            Assert.Equal(49, await ninth.Within());
            Assert.Equal(Enumerable.Range(0, 7).Select(x => x * x), await Task.WhenAll(queued).Within());
            await hung.Within();
        }
        finally
        {
            ReliabilityJobs.Release(run);
            pool.Terminate();
        }
    }

    [Fact]
    public async Task A_million_ApplyAsync_calls_from_one_thread_all_complete_in_bounded_memory()
    {
        const int Calls = 1_000_000;
        await using var lease = PoolLease.Create(2);
        long sum = 0, answered = 0;
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var peak = baseline;

        await Task.Run(() =>
        {
            for (var i = 0; i < Calls; i++)
            {
                lease.Pool.ApplyAsync(TestJobs.Square, i % 1000, callback: r => { Interlocked.Add(ref sum, r); Interlocked.Increment(ref answered); });
                if (i % 20_000 == 0)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                }
            }
        }).WaitAsync(TimeSpan.FromMinutes(3));
        lease.Pool.Close();
        await Task.Run(lease.Pool.Join).WaitAsync(TimeSpan.FromMinutes(3));
        // Callbacks run just before their calls complete; Join waits for the calls.
        await WaitUntil(() => Interlocked.Read(ref answered) == Calls);

        var perRound = Enumerable.Range(0, 1000).Sum(x => (long)x * x);
        Assert.Equal(perRound * (Calls / 1000), Interlocked.Read(ref sum));
        var grown = (peak - baseline) / (1024 * 1024);
        output.WriteLine($"{Calls:N0} ApplyAsync calls: managed heap grew by at most {grown} MB while submitting");
        // Unbounded, a million outstanding calls hold well over 500 MB; held back, a few thousand hold a few MB
        // (the rest of the margin is other specs' garbage, collected at the runtime's pace).
        Assert.True(grown < 300, $"the managed heap grew by {grown} MB while submitting");
    }

    [Fact]
    public async Task A_hundred_maps_from_a_hundred_threads_each_come_back_exact()
    {
        await using var lease = PoolLease.Create(4);
        var results = new (int[] Items, IReadOnlyList<int> Results)[100];
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        // Threads of their own: a hundred blocking calls on the thread pool would wait for it to grow, not for the pool.
        var threads = Enumerable.Range(0, 100).Select(t => new Thread(() =>
        {
            try
            {
                var items = Enumerable.Range(t * 1000, 500 + t).ToArray();
                results[t] = (items, lease.Pool.Map(TestJobs.Square, items));
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex);
            }
        })).ToArray();

        foreach (var thread in threads)
        {
            thread.Start();
        }

        Assert.All(threads, thread => Assert.True(thread.Join(TimeSpan.FromMinutes(2)), "a map did not return"));
        Assert.Empty(failures);
        Assert.All(results, r => Assert.Equal(r.Items.Select(x => x * x), r.Results));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bounds.Call;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
