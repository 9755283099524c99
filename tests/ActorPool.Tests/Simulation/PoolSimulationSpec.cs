using ActorPool.Node.Hosting;
using ActorPool.TestKit;
using Akka.Actor;
using Xunit;

namespace ActorPool.Tests.Simulation;

/// <summary>The simulation harness, driven the way a user's spec drives it: faults injected, results exact, waits bounded.</summary>
[Collection("cluster")]
public sealed class PoolSimulationSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan MapBound = TimeSpan.FromSeconds(60);
    private static readonly int[] Items = Enumerable.Range(0, 60).Select(i => 100 + i).ToArray();

    public PoolSimulationSpec() : base("akka.loglevel = WARNING")
    {
    }

    [Fact]
    public async Task A_map_survives_a_node_killed_mid_call_and_its_chunks_are_retried_elsewhere()
    {
        await using var sim = await PoolSimulation.StartAsync(this, nodes: 3, workersPerNode: 2);
        var retried = CreateTestProbe();
        sim.Pool.System.EventStream.Subscribe(retried.Ref, typeof(ChunkRetried));
        var killed = sim.Nodes[2].Address;

        var map = sim.Pool.MapAsync(SampleFunctions.Sleep, Items, chunkSize: 1);
        await Task.Delay(300);
        await sim.KillNodeAsync(2);

        Assert.Equal(Items, await map.WaitAsync(MapBound));
        var retry = await retried.ExpectMsgAsync<ChunkRetried>(TimeSpan.FromSeconds(10));
        Assert.StartsWith(killed, retry.Worker);
        Assert.True(retry.Attempt >= 1);
    }

    [Fact]
    public async Task A_map_runs_around_a_partition_and_every_worker_is_dealt_to_once_it_heals()
    {
        await using var sim = await PoolSimulation.StartAsync(this, nodes: 3, workersPerNode: 2);

        await sim.PartitionAsync(0, 1);
        Assert.Equal(Items, await sim.Pool.MapAsync(SampleFunctions.Sleep, Items, chunkSize: 1).WaitAsync(MapBound));
        await sim.HealAsync(0, 1);

        var where = await sim.Pool.MapAsync(SampleFunctions.Where, Enumerable.Range(0, 120), chunkSize: 1).WaitAsync(MapBound);
        Assert.Equal(3, where.Select(w => w[(w.IndexOf('@') + 1)..w.IndexOf(' ')]).Distinct().Count());
    }

    [Fact]
    public async Task A_node_stopped_gracefully_or_added_mid_map_leaves_the_results_exact_and_the_new_node_gets_work()
    {
        await using var sim = await PoolSimulation.StartAsync(this, nodes: 2, workersPerNode: 2);
        var dispatched = CreateTestProbe();
        sim.Pool.System.EventStream.Subscribe(dispatched.Ref, typeof(ChunkDispatched));

        var map = sim.Pool.MapAsync(SampleFunctions.Sleep, Enumerable.Repeat(50, 200).ToArray(), chunkSize: 1);
        var added = await sim.AddNodeAsync();
        await sim.StopNodeAsync(1);

        Assert.Equal(Enumerable.Repeat(50, 200), await map.WaitAsync(MapBound));
        var address = sim.Nodes[added].Address;
        await dispatched.FishForMessageAsync<ChunkDispatched>(d => d.Worker.StartsWith(address, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_killed_worker_is_replaced_and_slow_workers_are_dealt_fewer_chunks()
    {
        await using var sim = await PoolSimulation.StartAsync(this, nodes: 2, workersPerNode: 2);
        var dispatched = CreateTestProbe();
        sim.Pool.System.EventStream.Subscribe(dispatched.Ref, typeof(ChunkDispatched));

        var map = sim.Pool.MapAsync(SampleFunctions.Sleep, Enumerable.Repeat(20, 100).ToArray(), chunkSize: 1);
        await sim.KillWorkerAsync(node: 0, worker: 0);
        Assert.Equal(Enumerable.Repeat(20, 100), await map.WaitAsync(MapBound));

        sim.SlowWorkers(1, TimeSpan.FromMilliseconds(200));
        var slow = sim.Nodes[1].Address;
        var since = dispatched.ReceiveWhile(TimeSpan.FromMilliseconds(200), m => (ChunkDispatched)m);
        Assert.Equal(Enumerable.Repeat(20, 100), await sim.Pool.MapAsync(SampleFunctions.Sleep, Enumerable.Repeat(20, 100).ToArray(), chunkSize: 1).WaitAsync(MapBound));
        var dealt = dispatched.ReceiveWhile(TimeSpan.FromSeconds(1), m => (ChunkDispatched)m);
        var toSlow = dealt.Count(d => d.Worker.StartsWith(slow, StringComparison.Ordinal));
        Assert.True(toSlow < dealt.Count / 3, $"{toSlow} of {dealt.Count} chunks went to the slow node ({since.Count} before)");
    }

    [Fact]
    public async Task A_probe_is_a_caller_through_the_actor_protocol()
    {
        await using var sim = await PoolSimulation.StartAsync(this, nodes: 2, workersPerNode: 1);
        var caller = CreateTestProbe();

        sim.Pool.Router.Tell(new Map("square", [1L, 2L, 3L]) { ReplyTo = caller.Ref, RequestId = 7 });

        var result = await caller.ExpectMsgAsync<MapResult>(TimeSpan.FromSeconds(10));
        Assert.Equal(7, result.RequestId);
        Assert.Equal(new object[] { 1L, 4L, 9L }, result.Values);
    }
}
