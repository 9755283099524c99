using ActorPool.Node.Hosting;
using Akka.Actor;
using Xunit;

namespace ActorPool.Tests.Cluster;

/// <summary>
/// A program outside the cluster, submitting through ClusterClient, rides through the death of the node whose router
/// serves its calls: a map, a stream partly read and applies in flight are sent again to the router of the node the
/// client reaches next, and every result comes back once, in order.
/// </summary>
[Collection("cluster")]
public sealed class ClusterClientFailoverSpec : IAsyncLifetime
{
    private static readonly TimeSpan Bound = ThreeNodeCluster.Bound;
    private readonly ThreeNodeCluster _cluster = new();
    private ActorSystem _client = null!;
    private Pool _pool = null!;

    public async Task InitializeAsync()
    {
        await _cluster.InitializeAsync();
        _client = ActorSystem.Create(NodeConfig.SystemName, NodeConfig.Client(ThreeNodeCluster.Joining));
        _pool = Pool.ConnectViaClusterClient(_client, [NodeConfig.Receptionist(_cluster.PoolNodes[1].Address)]);
    }

    public async Task DisposeAsync()
    {
        _pool.Terminate();
        await _client.Terminate().WaitAsync(Bound).ContinueWith(_ => { }, TaskScheduler.Default);
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Calls_whose_serving_node_dies_are_sent_to_another_nodes_router_and_every_result_comes_once()
    {
        var serving = await _pool.ServingNodeAsync(Bound);
        var victim = _cluster.PoolNodes.Single(n => n.Address == serving.ToString());
        // About 2 s of work each on six workers, so the node dies with every kind of call in flight.
        var mapped = Enumerable.Range(0, 60).Select(i => 100 + i).ToArray();
        var streamed = Enumerable.Range(0, 120).Select(i => 50 + i).ToArray();
        var applied = Enumerable.Range(0, 6).Select(i => 1_000 + i).ToArray();
        var map = _pool.MapAsync(SampleFunctions.Sleep, mapped, chunkSize: 1);
        var stream = ReadAsync(_pool.Imap(SampleFunctions.Sleep, streamed, chunkSize: 2));
        var applies = applied.Select(ms => _pool.ApplyAsync(SampleFunctions.Sleep, ms)).ToArray();
        await Task.Delay(700);
        Assert.False(map.IsCompleted || stream.IsCompleted);

        await victim.System.Terminate().WaitAsync(Bound);

        Assert.Equal(mapped, await map.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(streamed, await stream.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(applied, await Task.WhenAll(applies).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.NotEqual(serving, await _pool.ServingNodeAsync(Bound));
    }

    [Fact]
    public async Task A_node_that_serves_none_of_the_calls_dies_and_the_calls_stay_where_they_are()
    {
        var serving = await _pool.ServingNodeAsync(Bound);
        var bystander = _cluster.PoolNodes.Last(n => n.Address != serving.ToString());
        var items = Enumerable.Range(0, 60).Select(i => 100 + i).ToArray();
        var map = _pool.MapAsync(SampleFunctions.Sleep, items, chunkSize: 1);
        await Task.Delay(500);
        Assert.False(map.IsCompleted);

        await bystander.System.Terminate().WaitAsync(Bound);

        Assert.Equal(items, await map.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(serving, await _pool.ServingNodeAsync(Bound));
    }

    /// <summary>Reads a stream whole, as its results come: some of a segment is read before its node dies.</summary>
    private static async Task<List<int>> ReadAsync(IAsyncEnumerable<int> stream)
    {
        var values = new List<int>();
        await foreach (var value in stream)
        {
            values.Add(value);
        }

        return values;
    }
}
