using ActorPool;
using ActorPool.TestKit;
using Akka.TestKit;
using Xunit;

namespace MyProject.Tests;

public static class MyJobs
{
    [PoolFunction]
    public static int Slow(int x)
    {
        Thread.Sleep(50);
        return x * x;
    }

    [PoolFunction]
    public static int Stuck(int x)
    {
        Thread.Sleep(TimeSpan.FromSeconds(10));
        return x;
    }
}

public sealed class MyPoolSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly int[] Items = Enumerable.Range(0, 60).ToArray();
    private static readonly int[] Expected = Items.Select(x => x * x).ToArray();

    // Virtual time for pools made in this spec's own system; the simulation's nodes keep real time.
    public MyPoolSpec() : base("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"")
    {
    }

    [Fact]
    public async Task A_map_survives_a_node_killed_mid_call()
    {
        await using var sim = await PoolSimulation.StartAsync(this, nodes: 3, workersPerNode: 2);

        var map = sim.Pool.MapAsync(MyJobs.Slow, Items, chunkSize: 1);
        await sim.KillNodeAsync(2);

        Assert.Equal(Expected, await map.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task A_partition_heals_and_work_goes_around_it_meanwhile()
    {
        await using var sim = await PoolSimulation.StartAsync(this, nodes: 3, workersPerNode: 2);
        var dispatched = CreateTestProbe();
        sim.Pool.System.EventStream.Subscribe(dispatched.Ref, typeof(ChunkDispatched));

        await sim.PartitionAsync(0, 1);
        Assert.Equal(Expected, await sim.Pool.MapAsync(MyJobs.Slow, Items, chunkSize: 1).WaitAsync(TimeSpan.FromSeconds(60)));
        await sim.HealAsync(0, 1);

        // While cut off, nodes 0 and 1 were dealt nothing.
        var cutOff = new[] { sim.Nodes[0].Address, sim.Nodes[1].Address };
        var sent = dispatched.ReceiveWhile(TimeSpan.FromSeconds(1), m => (ChunkDispatched)m);
        Assert.DoesNotContain(sent, d => cutOff.Any(node => d.Worker.StartsWith(node, StringComparison.Ordinal)));
        Assert.Equal(Expected, await sim.Pool.MapAsync(MyJobs.Slow, Items, chunkSize: 1).WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task A_timeout_is_tested_on_virtual_time()
    {
        var pool = Pool.Create(Sys, new PoolOptions { Processes = 1, TaskTimeout = TimeSpan.FromHours(1) });
        try
        {
            var call = pool.ApplyAsync(MyJobs.Stuck, 1);

            ((TestScheduler)Sys.Scheduler).Advance(TimeSpan.FromHours(1));

            // An hour passed on the spec's clock in an instant, long before the call's 10 s on the wall clock.
            await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(5)));
        }
        finally
        {
            pool.Terminate();
        }
    }
}
