using ActorPool.Node.Hosting;
using Akka.Actor;
using Xunit;

namespace ActorPool.Tests.Cluster;

/// <summary>A program outside the cluster submits through ClusterClient; a serving node that dies, with none to take its place, never hangs its call.</summary>
[Collection("cluster")]
public sealed class ClusterClientSpec : IAsyncLifetime
{
    private static readonly TimeSpan Bound = ThreeNodeCluster.Bound;
    private ActorSystem _node = null!;
    private ActorSystem _client = null!;
    private Pool _pool = null!;

    public async Task InitializeAsync()
    {
        var node = await PoolNode.StartAsync(ThreeNodeCluster.Member([]));
        _node = node.System;
        var cluster = Akka.Cluster.Cluster.Get(_node);

        // A short reconnect timeout: with the only node dead, the client gives up quickly.
        _client = ActorSystem.Create(NodeConfig.SystemName, NodeConfig.Client("akka.loglevel = WARNING\nakka.cluster.client.reconnect-timeout = 5s"));
        _pool = Pool.ConnectViaClusterClient(_client, [NodeConfig.Receptionist(cluster.SelfAddress.ToString())], new PoolOptions { Processes = 2 });
        Assert.Equal(cluster.SelfAddress, await _pool.ServingNodeAsync(Bound));
    }

    public async Task DisposeAsync()
    {
        _pool.Terminate();
        await Task.WhenAll(new[] { _client, _node }.Select(s => s.Terminate().WaitAsync(Bound).ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    [Fact]
    public async Task A_map_through_ClusterClient_reports_its_progress_from_the_serving_node()
    {
        var reports = new ProgressSpec.Reports();
        var results = await _pool.MapAsync(SampleFunctions.Square, Enumerable.Range(0, 3000).Select(i => (long)i), chunkSize: 50, progress: reports)
            .WaitAsync(Bound);

        Assert.Equal(Enumerable.Range(0, 3000).Select(i => (long)i * i), results);
        Assert.Equal((3000L, 3000L, 0L), (reports.All[^1].Done, reports.All[^1].Total!.Value, reports.All[^1].Failed));
        Assert.Equal(reports.All.Select(r => r.Done).Order(), reports.All.Select(r => r.Done));
    }

    [Fact]
    public async Task A_map_through_ClusterClient_streams_ordered_results()
    {
        var results = new List<object?>();
        await foreach (var value in _pool.Imap("square", Enumerable.Range(0, 3000).Select(i => (object?)i), chunkSize: 50)
            .WithCancellation(new CancellationTokenSource(Bound).Token))
        {
            results.Add(value);
        }

        Assert.Equal(Enumerable.Range(0, 3000).Select(i => (object?)((long)i * i)), results);
    }

    [Fact]
    public async Task A_call_whose_serving_node_dies_with_no_other_node_to_go_to_fails_instead_of_hanging()
    {
        var call = _pool.MapAsync(SampleFunctions.Sleep, Enumerable.Range(0, 20).Select(_ => 2_000), chunkSize: 1);
        await Task.Delay(1_000);
        await _node.Terminate().WaitAsync(Bound);

        var error = await Assert.ThrowsAsync<PoolWorkerLostException>(() => call.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("was lost before it answered", error.Message);
        Assert.Contains("no contact point answered", error.Message);
    }
}
