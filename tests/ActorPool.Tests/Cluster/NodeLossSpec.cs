using ActorPool.Node.Hosting;
using Akka.Actor;
using Xunit;

namespace ActorPool.Tests.Cluster;

/// <summary>A node that leaves or dies mid-map loses its workers; its chunks run again elsewhere and the map completes.</summary>
[Collection("cluster")]
public sealed class NodeLossSpec : IAsyncLifetime
{
    private readonly ThreeNodeCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_node_shut_down_mid_map_does_not_lose_or_duplicate_results()
    {
        // 60 sleeping items on 6 workers take about 2 s; the third node leaves after about 0.5 s.
        var items = Enumerable.Range(0, 60).Select(i => 150 + i).ToArray();
        var map = _cluster.Pool.MapAsync(SampleFunctions.Sleep, items, chunkSize: 1);
        await Task.Delay(500);
        Assert.False(map.IsCompleted);
        await _cluster.Simulation.StopNodeAsync(2);

        var results = await map.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(items, results);
        await ThreeNodeCluster.Until(async () => (await _cluster.Routees()).Count == 2 * ThreeNodeCluster.WorkersPerNode, "the lost node's routees to be gone");
    }

    [Fact]
    public async Task A_node_that_dies_without_leaving_has_its_chunks_sent_again()
    {
        var items = Enumerable.Range(0, 40).Select(i => 200 + i).ToArray();
        var map = _cluster.Pool.MapAsync(SampleFunctions.Sleep, items, chunkSize: 1);
        await Task.Delay(500);
        // Abrupt: no leave. The failure detector marks it unreachable; the router sends its chunks again at once.
        await _cluster.Simulation.KillNodeAsync(1);

        var results = await map.WaitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(items, results);
    }
}

/// <summary>When every worker node is gone, calls fail with a clear error after no-workers-timeout instead of waiting forever.</summary>
[Collection("cluster")]
public sealed class NoWorkersSpec : IAsyncLifetime
{
    private const string QuickTimeout = "akka.loglevel = WARNING\nactorpool.no-workers-timeout = 2s";
    private ActorSystem _client = null!;
    private ActorSystem _worker = null!;

    public async Task InitializeAsync()
    {
        var worker = await PoolNode.StartAsync(ThreeNodeCluster.Member([], QuickTimeout));
        _worker = worker.System;
        var client = await PoolNode.StartAsync(ThreeNodeCluster.Member([worker.Address], QuickTimeout) with { Roles = ["client"] });
        _client = client.System;
        await ThreeNodeCluster.Until(() => Akka.Cluster.Cluster.Get(_client).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 2,
            "the client and the worker node to be up");
    }

    public async Task DisposeAsync() =>
        await Task.WhenAll(new[] { _client, _worker }.Select(s => s.Terminate().WaitAsync(ThreeNodeCluster.Bound).ContinueWith(_ => { }, TaskScheduler.Default)));

    [Fact]
    public async Task Calls_fail_clearly_when_the_last_worker_node_has_left()
    {
        var pool = Pool.Create(_client, new PoolOptions());
        Assert.Equal(new[] { 4L, 9L }, await pool.MapAsync(SampleFunctions.Square, new[] { 2L, 3L }).WaitAsync(ThreeNodeCluster.Bound));

        await CoordinatedShutdown.Get(_worker).Run(CoordinatedShutdown.ClrExitReason.Instance).WaitAsync(ThreeNodeCluster.Bound);
        await ThreeNodeCluster.Until(() => Akka.Cluster.Cluster.Get(_client).State.Members.Count == 1, "the worker node to be removed");

        var error = await Assert.ThrowsAsync<PoolWorkerLostException>(() =>
            pool.MapAsync(SampleFunctions.Square, new[] { 5L, 6L }).WaitAsync(ThreeNodeCluster.Bound));
        Assert.Contains("No pool workers are left", error.Message);
        pool.Terminate();
    }
}
