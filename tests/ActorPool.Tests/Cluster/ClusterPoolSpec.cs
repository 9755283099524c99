using ActorPool.Node.Hosting;
using Akka.Actor;
using Xunit;

namespace ActorPool.Tests.Cluster;

/// <summary>One pool spread over three cluster nodes in this process.</summary>
[Collection("cluster")]
public sealed class ClusterPoolSpec(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    private static readonly TimeSpan Bound = ThreeNodeCluster.Bound;

    [Fact]
    public async Task An_unsigned_enum_past_longs_range_crosses_nodes_both_ways()
    {
        var values = Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? Wide.Top | Wide.Low : Wide.Low).ToArray();
        var flipped = await cluster.Pool.MapAsync(ClusterJobs.FlipTop, values, chunkSize: 1).WaitAsync(Bound);
        Assert.Equal(values.Select(v => v ^ Wide.Top), flipped);
    }

    [Fact]
    public async Task A_public_protocol_Ask_from_another_node_gets_its_result_and_nothing_else()
    {
        // The facade is told who holds its call; a plain Ask must get only its answer.
        PoolFunctions.Register(typeof(SampleFunctions).Assembly);
        var home = Akka.Cluster.Cluster.Get(cluster.Nodes[0]).SelfAddress;
        var router = await cluster.Nodes[2].ActorSelection(cluster.Pool.Router.Path.ToStringWithAddress(home)).ResolveOne(Bound);
        var result = await router.Ask<MapResult>(new Map("square", new object?[] { 2L, 3L }), Bound);
        Assert.Equal(new object?[] { 4L, 9L }, result.Values.ToArray());
        var single = await router.Ask<ApplyResult>(new Apply("square", 7L), Bound);
        Assert.Equal(49L, single.Value);
    }

    [Fact]
    public async Task Routees_are_deployed_on_every_node()
    {
        var routees = await cluster.Routees();
        var first = Akka.Cluster.Cluster.Get(cluster.Nodes[0]).SelfAddress;
        // Routees on the router's own node have local paths (no host).
        var nodes = routees.Select(r => r.Path.Address.HasGlobalScope ? r.Path.Address : first).Distinct().ToList();
        Assert.Equal(cluster.Nodes.Length, nodes.Count);
        Assert.All(cluster.Nodes, n => Assert.Contains(Akka.Cluster.Cluster.Get(n).SelfAddress, nodes));
    }

    [Fact]
    public async Task Chunks_go_round_robin_across_nodes()
    {
        var workers = cluster.Nodes.Length * ThreeNodeCluster.WorkersPerNode;
        var places = await cluster.Pool.MapAsync(SampleFunctions.Where, Enumerable.Range(0, workers), chunkSize: 1).WaitAsync(Bound);

        var byNode = places.Select(p => p.Split(' ')[0].Split('@', 2)[1]).GroupBy(n => n).ToList();
        Assert.Equal(cluster.Nodes.Length, byNode.Count);
        Assert.All(byNode, g => Assert.Equal(ThreeNodeCluster.WorkersPerNode, g.Count()));
        Assert.Equal(workers, places.Select(p => p.Split(' ')[1]).Distinct().Count());
    }

    [Fact]
    public async Task A_map_over_remote_workers_reports_progress_and_its_last_report_counts_every_item()
    {
        var reports = new ProgressSpec.Reports();
        var results = await cluster.Pool.MapAsync(SampleFunctions.Square, Enumerable.Range(0, 2000).Select(i => (long)i), chunkSize: 40, progress: reports)
            .WaitAsync(Bound);

        Assert.Equal(2000, results.Count);
        Assert.Equal(new PoolProgress(2000, 2000, 0, 0, reports.All[^1].Elapsed), reports.All[^1]);
    }

    [Fact]
    public async Task Ask_gets_an_ordered_map_result_from_remote_workers()
    {
        var items = Enumerable.Range(0, 2000).Select(i => (object?)(long)i).ToArray();
        var result = await cluster.Pool.Router.Ask<MapResult>(new Map("square", items) { ChunkSize = 37 }, Bound);
        Assert.Equal(items.Select(i => (object?)((long)i! * (long)i!)), result.Values);
    }

    [Fact]
    public async Task A_failing_item_on_a_remote_worker_names_its_type_message_index_and_stack()
    {
        var error = await Assert.ThrowsAsync<PoolTaskException>(() =>
            cluster.Pool.MapAsync(SampleFunctions.FailOn13, Enumerable.Range(0, 40), chunkSize: 3).WaitAsync(Bound));
        Assert.Equal("System.InvalidOperationException", error.OriginalType);
        Assert.Equal("13 is unlucky", error.OriginalMessage);
        Assert.Equal(13, error.ItemIndex);
        Assert.Contains(nameof(SampleFunctions.FailOn13), error.RemoteStackTrace);
    }

    [Fact]
    public async Task A_function_unknown_to_the_workers_fails_with_PoolFunctionException_naming_the_node()
    {
        var error = await Assert.ThrowsAsync<PoolFunctionException>(() =>
            cluster.Pool.Router.Ask<MapResult>(new Map("no-such-function", new object?[] { 1, 2, 3 }), Bound));
        Assert.Equal("no-such-function", error.Function);
        Assert.Contains("is not registered on node akka.", error.Message);
        Assert.Contains("://actorpool@127.0.0.1:", error.Message);
    }

    [Fact]
    public async Task A_closure_runs_only_on_the_workers_in_its_own_process()
    {
        var offset = 1;
        var home = Akka.Cluster.Cluster.Get(cluster.Nodes[0]).SelfAddress.ToString();
        var nodes = await cluster.Pool.MapAsync(x => (WorkerContext.Current.Node, x + offset), Enumerable.Range(0, 30), chunkSize: 1).WaitAsync(Bound);
        Assert.Equal(Enumerable.Range(1, 30), nodes.Select(n => n.Item2));
        Assert.All(nodes, n => Assert.Equal(home, n.Node));
    }

    [Fact]
    public async Task A_closure_fails_with_PoolFunctionException_where_every_worker_is_on_another_node()
    {
        await using var client = await PoolNode.StartAsync(ThreeNodeCluster.Member([cluster.PoolNodes[0].Address], ThreeNodeCluster.Joining) with { Roles = ["client"] });
        var pool = Pool.Create(client.System, new PoolOptions());
        var offset = 1;
        var error = await Assert.ThrowsAsync<PoolFunctionException>(() =>
            pool.MapAsync(x => x + offset, Enumerable.Range(0, 30)).WaitAsync(Bound));
        Assert.Contains("lambda or closure", error.Message);
        Assert.Contains("[PoolFunction]", error.Message);
        pool.Terminate();
    }

    [Fact]
    public async Task A_function_whose_parameter_cannot_cross_fails_its_call_and_the_workers_live_on()
    {
        var error = await Assert.ThrowsAsync<PoolPayloadException>(() =>
            cluster.Pool.MapAsync(ClusterJobs.Describe, Enumerable.Range(0, 30).Select(i => (object?)new Uri($"http://example.invalid:{i}/"))).WaitAsync(Bound));
        Assert.Contains("cannot run on another node", error.Message);
        Assert.Contains("could hold a value of any type", error.Message);

        var after = await cluster.Pool.MapAsync(SampleFunctions.Square, Enumerable.Range(0, 100).Select(i => (long)i)).WaitAsync(Bound);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i * i), after);
    }

    [Fact]
    public async Task A_result_that_cannot_cross_fails_its_call_and_the_workers_live_on()
    {
        var error = await Assert.ThrowsAsync<PoolPayloadException>(() =>
            cluster.Pool.MapAsync(ClusterJobs.MakeShape, Enumerable.Range(0, 30), chunkSize: 1).WaitAsync(Bound));
        Assert.Contains($"{typeof(Circle).FullName} cannot be sent to another node", error.Message);

        var after = await cluster.Pool.MapAsync(SampleFunctions.Square, Enumerable.Range(0, 100).Select(i => (long)i)).WaitAsync(Bound);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i * i), after);
    }

    [Fact]
    public async Task Large_results_are_split_to_stay_under_the_frame_size()
    {
        // 200,000 longs per chunk is 1.6 MB of results: more than one message may carry.
        var items = Enumerable.Range(0, 400_000).Select(i => (long)i).ToArray();
        var results = new List<long>();
        await foreach (var value in cluster.Pool.Imap(SampleFunctions.Square, items, chunkSize: 200_000).WithCancellation(new CancellationTokenSource(Bound).Token))
        {
            results.Add(value);
        }

        Assert.Equal(items.Select(i => i * i), results);
    }

    [Fact]
    public async Task Skewed_results_are_split_by_their_size_and_arrive_whole_from_every_worker()
    {
        var expected = Enumerable.Range(0, 64).Select(ClusterJobs.Skewed).ToArray();
        // One chunk each time, dealt round-robin: six runs reach every worker, local and remote.
        for (var run = 0; run < cluster.Nodes.Length * ThreeNodeCluster.WorkersPerNode; run++)
        {
            var results = await cluster.Pool.MapAsync(ClusterJobs.Skewed, Enumerable.Range(0, 64), chunkSize: 64).WaitAsync(Bound);
            Assert.Equal(expected, results);
        }
    }

    [Fact]
    public async Task A_result_too_large_for_any_message_fails_its_call_instead_of_vanishing()
    {
        var error = await Assert.ThrowsAsync<PoolPayloadException>(() =>
            cluster.Pool.MapAsync(ClusterJobs.Huge, Enumerable.Range(0, 12), chunkSize: 1).WaitAsync(Bound));
        Assert.Contains("more than actorpool.max-remote-payload-bytes", error.Message);
    }

    [Fact]
    public async Task Imap_by_name_streams_results_in_order_from_the_cluster()
    {
        var results = new List<object?>();
        await foreach (var value in cluster.Pool.Imap("square", Enumerable.Range(0, 500).Select(i => (object?)i.ToString(System.Globalization.CultureInfo.InvariantCulture)), chunkSize: 16)
            .WithCancellation(new CancellationTokenSource(Bound).Token))
        {
            results.Add(value);
        }

        Assert.Equal(Enumerable.Range(0, 500).Select(i => (object?)((long)i * i)), results);
    }

    [Fact]
    public async Task A_burst_of_applies_across_the_cluster_answers_each_once_and_a_failing_one_fails_alone()
    {
        var calls = Enumerable.Range(0, 3000).Select(i => cluster.Pool.ApplyAsync(SampleFunctions.FailOn13, i)).ToArray();
        await Task.WhenAny(Task.WhenAll(calls), Task.Delay(Bound));

        Assert.All(calls, c => Assert.True(c.IsCompleted));
        var error = await Assert.ThrowsAsync<PoolTaskException>(() => calls[13]);
        Assert.Equal("13 is unlucky", error.OriginalMessage);
        Assert.Equal(Enumerable.Range(0, 3000).Where(i => i != 13), calls.Where((_, i) => i != 13).Select(c => c.Result));
    }

    [Fact]
    public async Task A_callback_actor_on_another_node_receives_the_result()
    {
        var inbox = Inbox.Create(cluster.Nodes[2]);
        cluster.Pool.Router.Tell(new Map("square", new object?[] { 3L, 4L }) { ReplyTo = inbox.Receiver, RequestId = 9 });
        var result = Assert.IsType<MapResult>(await inbox.ReceiveAsync(Bound));
        Assert.Equal(9, result.RequestId);
        Assert.Equal(new object?[] { 9L, 16L }, result.Values);
    }
}
