using System.Diagnostics;
using System.Globalization;
using ActorPool.Internal;
using ActorPool.Node.Hosting;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorPool.Tests.Cluster;

/// <summary>
/// Worker nodes own their workers: three in-process nodes of two workers each, and clients that join with
/// <see cref="Pool.ConnectAsync"/> and deal to those same six workers, however many clients there are.
/// </summary>
[Collection("cluster")]
public sealed class NodeOwnedWorkersSpec(ThreeNodeCluster cluster, ITestOutputHelper output) : IClassFixture<ThreeNodeCluster>
{
    private static readonly TimeSpan Bound = ThreeNodeCluster.Bound;

    private int Workers => cluster.PoolNodes.Length * ThreeNodeCluster.WorkersPerNode;

    [Fact]
    public async Task One_two_or_three_clients_all_deal_to_the_same_six_workers_the_nodes_own()
    {
        var nodes = cluster.PoolNodes.Select(n => n.Address).ToHashSet(StringComparer.Ordinal);
        await EveryHostOwnsExactlyItsWorkers();
        var clients = new List<Pool>();
        HashSet<string>? firstSeen = null;
        try
        {
            for (var count = 1; count <= 3; count++)
            {
                clients.Add(await ClusterClients.ConnectAsync(cluster.PoolNodes[0].Address, Workers));

                // Every client at once, 600 one-item chunks each: each deals to every worker it knows many times over.
                var results = await Task.WhenAll(clients.Select(c => c.MapAsync(SampleFunctions.Where, Enumerable.Range(0, 600), chunkSize: 1).WaitAsync(Bound)));

                var perClient = results.Select(r => WorkerIdsOf(r, nodes)).ToList();
                var all = perClient.SelectMany(ids => ids).ToHashSet(StringComparer.Ordinal);
                output.WriteLine($"{count} client(s): {string.Join(", ", perClient.Select(ids => ids.Count))} workers each, {all.Count} in all");
                Assert.All(perClient, ids => Assert.Equal(Workers, ids.Count));
                Assert.Equal(Workers, all.Count);
                // Not only six: the same six every time. A worker deployed for a client would have an id of its own.
                firstSeen ??= all;
                Assert.True(firstSeen.SetEquals(all), $"With {count} clients the workers were [{string.Join(", ", all.Order())}], first [{string.Join(", ", firstSeen.Order())}].");
                await EveryHostOwnsExactlyItsWorkers();
            }
        }
        finally
        {
            await ClusterClients.LeaveAsync(clients);
        }
    }

    [Fact]
    public async Task Two_clients_at_once_get_exact_results_and_a_small_map_is_not_stuck_behind_a_big_one()
    {
        var clients = new List<Pool>();
        try
        {
            clients.AddRange(await Task.WhenAll(
                ClusterClients.ConnectAsync(cluster.PoolNodes[0].Address, Workers),
                ClusterClients.ConnectAsync(cluster.PoolNodes[1].Address, Workers)));
            var (a, b) = (clients[0], clients[1]);
            var clock = Stopwatch.StartNew();

            // About 3 s of work for the six workers: 900 one-item chunks of 20 ms.
            NodeOwnedJobs.ResetNaps();
            var naps = Enumerable.Range(0, 900).ToArray();
            var big = a.MapAsync(NodeOwnedJobs.Nap, naps, chunkSize: 1);
            await ThreeNodeCluster.Until(() => NodeOwnedJobs.NapsStarted >= Workers, "the big map to keep every worker busy");

            var small = b.MapAsync(SampleFunctions.Square, Longs(10));
            var squaresB = b.MapAsync(SampleFunctions.Square, Longs(5_000));
            var squaresA = a.MapAsync(SampleFunctions.Square, Longs(5_000));

            var smallResults = await small.WaitAsync(Bound);
            var bigDoneWhenSmallDone = big.IsCompleted;
            var napsWhenSmallDone = NodeOwnedJobs.NapsStarted;
            output.WriteLine($"small map done {clock.Elapsed.TotalSeconds:0.00} s in, {napsWhenSmallDone} of {naps.Length} naps started");
            var (resultsA, resultsB, bigResults) = (await squaresA.WaitAsync(Bound), await squaresB.WaitAsync(Bound), await big.WaitAsync(Bound));
            output.WriteLine($"big map done {clock.Elapsed.TotalSeconds:0.00} s in");

            Assert.False(bigDoneWhenSmallDone, $"The 10-item map finished only after the other client's big map ({napsWhenSmallDone} naps started).");
            Assert.Equal(Longs(10).Select(x => x * x), smallResults);
            Assert.Equal(Longs(5_000).Select(x => x * x), resultsA);
            Assert.Equal(Longs(5_000).Select(x => x * x), resultsB);
            Assert.Equal(naps, bigResults);
        }
        finally
        {
            await ClusterClients.LeaveAsync(clients);
        }
    }

    /// <summary>Each node's host lists its two workers, and exactly two workers live under it.</summary>
    private async Task EveryHostOwnsExactlyItsWorkers()
    {
        foreach (var node in cluster.PoolNodes)
        {
            Assert.Equal(ThreeNodeCluster.WorkersPerNode, node.Workers);
            var listed = await node.System.ActorSelection($"/user/{WorkerHost.Name}").Ask<WorkersOf>(ListWorkers.Instance, TimeSpan.FromSeconds(5));
            Assert.Equal(ThreeNodeCluster.WorkersPerNode, listed.Workers.Count);
            Assert.Equal(ThreeNodeCluster.WorkersPerNode, await LiveActors.CountAsync(node.System, $"/user/{WorkerHost.Name}/*", TimeSpan.FromSeconds(1)));
        }
    }

    /// <summary>
    /// The worker ids in the results of <c>where</c> over 0..n-1, checking each result is its item's and names a worker
    /// a node's host owns (<c>NODE/w0#…</c>, <c>NODE/w1#…</c>).
    /// </summary>
    private static HashSet<string> WorkerIdsOf(IReadOnlyList<string> results, IReadOnlySet<string> nodes)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < results.Count; i++)
        {
            // "x@NODE WORKER-ID"
            var parts = results[i].Split(' ', 2);
            var item = parts[0].Split('@', 2);
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), item[0]);
            Assert.Contains(item[1], nodes);
            Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(item[1])}/w[0-9]+#[0-9]+$", parts[1]);
            ids.Add(parts[1]);
        }

        return ids;
    }

    private static long[] Longs(int count) => Enumerable.Range(0, count).Select(i => (long)i).ToArray();
}

/// <summary>A worker node that joins while a client's map runs is dealt chunks of it.</summary>
[Collection("cluster")]
public sealed class NodeOwnedWorkersJoinSpec(ITestOutputHelper output)
{
    [Fact]
    public async Task A_node_that_joins_mid_map_runs_items_of_it_and_the_results_are_exact()
    {
        var nodes = new List<PoolNode>();
        var clients = new List<Pool>();
        try
        {
            var first = await PoolNode.StartAsync(ThreeNodeCluster.Member([]));
            nodes.Add(first);
            clients.Add(await ClusterClients.ConnectAsync(first.Address, ThreeNodeCluster.WorkersPerNode));
            var client = clients[0];
            var clock = Stopwatch.StartNew();

            // About 5 s of work for the first node's two workers alone: 200 one-item chunks of 50 ms.
            NodeOwnedJobs.ResetNaps();
            var items = Enumerable.Range(0, 200).ToArray();
            var map = client.MapAsync(NodeOwnedJobs.NapWhere, items, chunkSize: 1);
            await ThreeNodeCluster.Until(() => NodeOwnedJobs.NapWheresStarted >= ThreeNodeCluster.WorkersPerNode, "the map to be running");

            var second = await PoolNode.StartAsync(ThreeNodeCluster.Member([first.Address]));
            nodes.Add(second);
            var runningWhenJoined = !map.IsCompleted;
            var startedWhenJoined = NodeOwnedJobs.NapWheresStarted;
            output.WriteLine($"second node up {clock.Elapsed.TotalSeconds:0.00} s into the map, {startedWhenJoined} of {items.Length} items started");

            var results = await map.WaitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine($"map done {clock.Elapsed.TotalSeconds:0.00} s in");

            Assert.True(runningWhenJoined, "Inconclusive: the map finished before the second node was up.");
            Assert.Equal(items, results.Select(r => int.Parse(r.Split('|')[0], CultureInfo.InvariantCulture)));
            var byNode = results.GroupBy(r => r.Split('|', 2)[1]).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            output.WriteLine(string.Join(Environment.NewLine, byNode.Select(n => $"{n.Key}: {n.Value} items")));
            Assert.All(byNode.Keys, node => Assert.Contains(node, new[] { first.Address, second.Address }));
            Assert.True(byNode.GetValueOrDefault(second.Address) > 0,
                $"The node that joined mid-map ({second.Address}) ran none of its items: {string.Join(", ", byNode.Select(n => $"{n.Key}={n.Value}"))}.");
        }
        finally
        {
            await ClusterClients.LeaveAsync(clients);
            await ClusterClients.StopAsync(nodes);
        }
    }
}

/// <summary><see cref="WorkerLocal{T}"/>: once per worker incarnation, on the worker's own node, disposed when the incarnation ends.</summary>
[Collection("cluster")]
public sealed class NodeOwnedWorkersLocalsSpec
{
    private static readonly TimeSpan Bound = ThreeNodeCluster.Bound;

    [Fact]
    public async Task Across_a_two_node_cluster_each_worker_makes_its_value_once_and_disposes_it_when_it_stops()
    {
        const string Scope = NodeOwnedJobs.ClusterScope;
        WorkerCounter.Reset(Scope);
        var nodes = new List<PoolNode>();
        var clients = new List<Pool>();
        var workers = 2 * ThreeNodeCluster.WorkersPerNode;
        try
        {
            var first = await PoolNode.StartAsync(ThreeNodeCluster.Member([]));
            nodes.Add(first);
            nodes.Add(await PoolNode.StartAsync(ThreeNodeCluster.Member([first.Address])));
            clients.Add(await ClusterClients.ConnectAsync(first.Address, workers));
            var pool = clients[0];

            var firstRun = Parse(await pool.MapAsync(NodeOwnedJobs.CountedInCluster, Enumerable.Range(0, 400), chunkSize: 1).WaitAsync(Bound));
            var secondRun = Parse(await pool.MapAsync(NodeOwnedJobs.CountedInCluster, Enumerable.Range(0, 200), chunkSize: 1).WaitAsync(Bound));

            Assert.Equal(Enumerable.Range(0, 400), firstRun.Select(r => r.Item));
            Assert.Equal(Enumerable.Range(0, 200), secondRun.Select(r => r.Item));
            var serials = firstRun.Concat(secondRun).GroupBy(r => r.WorkerId).ToDictionary(g => g.Key, g => g.Select(r => r.Serial).Distinct().ToList());
            Assert.Equal(workers, serials.Count);
            Assert.All(serials, worker =>
            {
                Assert.Contains(nodes, n => worker.Key.StartsWith(n.Address + "/", StringComparison.Ordinal));
                // One value for all of this worker's items, in both maps, made once.
                Assert.Single(worker.Value);
                Assert.Equal(1, WorkerCounter.MadeBy(Scope, worker.Key));
                Assert.Equal(0, WorkerCounter.DisposedBy(Scope, worker.Key));
            });

            await ClusterClients.LeaveAsync(clients);
            clients.Clear();
            await ClusterClients.StopAsync(nodes);
            nodes.Clear();

            // The workers stopped with their nodes: each value disposed, once.
            await ThreeNodeCluster.Until(() => serials.Keys.All(w => WorkerCounter.DisposedBy(Scope, w) >= 1), "every worker's value to be disposed");
            Assert.All(serials.Keys, w => Assert.Equal(1, WorkerCounter.DisposedBy(Scope, w)));
        }
        finally
        {
            await ClusterClients.LeaveAsync(clients);
            await ClusterClients.StopAsync(nodes);
        }
    }

    [Fact]
    public async Task In_process_with_MaxTasksPerChild_each_incarnation_makes_a_new_value_after_the_previous_is_disposed()
    {
        const string Scope = NodeOwnedJobs.RecycledScope;
        WorkerCounter.Reset(Scope);
        IReadOnlyList<Counted> results;
        // 8 chunks of 3 items, two per incarnation: at least four incarnations over the two workers.
        await using (var lease = PoolLease.Create(new PoolOptions { Processes = 2, MaxTasksPerChild = 2 }))
        {
            results = Parse(await lease.Pool.MapAsync(NodeOwnedJobs.CountedRecycled, Enumerable.Range(0, 24), chunkSize: 3).Within());

            Assert.Equal(Enumerable.Range(0, 24), results.Select(r => r.Item));
            var incarnations = results.GroupBy(r => r.WorkerId).ToList();
            Assert.True(incarnations.Count >= 4, $"Only {incarnations.Count} worker incarnations ran 8 chunks with MaxTasksPerChild = 2.");
            Assert.Equal(incarnations.Count, results.Select(r => r.Serial).Distinct().Count());
            Assert.All(incarnations, incarnation =>
            {
                Assert.True(incarnation.Count() <= 6, $"{incarnation.Key} ran {incarnation.Count()} items, more than two chunks of 3.");
                Assert.Single(incarnation.Select(r => r.Serial).Distinct());
                Assert.Equal(1, WorkerCounter.MadeBy(Scope, incarnation.Key));
                // The previous incarnation's value was disposed before this one made its own.
                Assert.Equal(1, WorkerCounter.MostAliveAt(Scope, incarnation.Key));
            });

            // An incarnation that ran its two chunks is replaced at once, and its value disposed with it.
            var retired = incarnations.Where(i => i.Count() == 6).Select(i => i.Key).ToList();
            await ThreeNodeCluster.Until(() => retired.All(w => WorkerCounter.DisposedBy(Scope, w) >= 1), "the retired incarnations' values to be disposed");
        }

        // The pool has stopped: the last incarnations' values are disposed too, and none twice.
        var all = results.Select(r => r.WorkerId).Distinct().ToList();
        await ThreeNodeCluster.Until(() => all.All(w => WorkerCounter.DisposedBy(Scope, w) >= 1), "every incarnation's value to be disposed");
        Assert.All(all, w => Assert.Equal(1, WorkerCounter.DisposedBy(Scope, w)));
    }

    [Fact]
    public async Task A_factory_that_throws_fails_the_item_with_PoolTaskException_and_the_next_read_tries_again()
    {
        const string Scope = NodeOwnedJobs.FlakyScope;
        WorkerCounter.Reset(Scope);
        NodeOwnedJobs.FailFlakyFactory(times: 1);
        await using var lease = PoolLease.Create(new PoolOptions { Processes = 1 });
        var pool = lease.Pool;
        var worker = await pool.ApplyAsync(TestJobs.WorkerId).Within();

        var error = await Assert.ThrowsAsync<PoolTaskException>(() => pool.ApplyAsync(NodeOwnedJobs.CountedFlaky, 1).Within());
        var retried = Parse([await pool.ApplyAsync(NodeOwnedJobs.CountedFlaky, 2).Within()])[0];
        var reused = Parse([await pool.ApplyAsync(NodeOwnedJobs.CountedFlaky, 3).Within()])[0];

        Assert.Equal("System.InvalidOperationException", error.OriginalType);
        Assert.Equal("the WorkerLocal factory failed on purpose", error.OriginalMessage);
        // The same incarnation tried again on its next read, made the value then, and kept it.
        Assert.Equal(worker, retried.WorkerId);
        Assert.Equal(worker, reused.WorkerId);
        Assert.Equal(retried.Serial, reused.Serial);
        Assert.Equal(2, NodeOwnedJobs.FlakyAttempts);
        Assert.Equal(1, WorkerCounter.MadeBy(Scope, worker));
    }

    /// <summary>Results of the counting functions: <c>x|worker id|serial</c>.</summary>
    private static List<Counted> Parse(IEnumerable<string> results) =>
        results.Select(r => r.Split('|')).Select(p => new Counted(
            int.Parse(p[0], CultureInfo.InvariantCulture), p[1], int.Parse(p[2], CultureInfo.InvariantCulture))).ToList();

    private sealed record Counted(int Item, string WorkerId, int Serial);
}

/// <summary>
/// What a cluster pool refuses at once with <see cref="ArgumentException"/>: options that shape in-process workers, no
/// seeds, and a seed spelled unlike the member's own host.
/// </summary>
[Collection("cluster")]
public sealed class NodeOwnedWorkersOptionsSpec
{
    /// <summary>Never contacted: every call below is refused before anything joins.</summary>
    private const string UnusedSeed = "akka.tcp://actorpool@127.0.0.1:1";

    [Theory]
    [InlineData(nameof(PoolOptions.Processes))]
    [InlineData(nameof(PoolOptions.Initializer))]
    [InlineData(nameof(PoolOptions.MaxTasksPerChild))]
    public async Task ConnectAsync_refuses_an_option_that_shapes_in_process_workers(string option)
    {
        // Bounded: were it not refused, the join would be tried (and fail) instead.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            Pool.ConnectAsync(new ClusterOptions { Seeds = [UnusedSeed], Config = ThreeNodeCluster.Quiet }, WorkerShaping(option), bound.Token));
        Assert.Contains($"PoolOptions.{option}", error.Message);
    }

    [Fact]
    public async Task Create_on_a_cluster_member_refuses_options_that_shape_in_process_workers_and_takes_call_defaults()
    {
        var node = await PoolNode.StartAsync(new ClusterOptions { Workers = 1, Config = ThreeNodeCluster.Quiet });
        try
        {
            foreach (var option in new[] { nameof(PoolOptions.Processes), nameof(PoolOptions.Initializer), nameof(PoolOptions.MaxTasksPerChild) })
            {
                var error = Assert.ThrowsAny<ArgumentException>(() => Pool.Create(node.System, WorkerShaping(option)));
                Assert.Contains($"PoolOptions.{option}", error.Message);
            }

            // Call defaults are the caller's to set: accepted, and the pool deals to the node's worker.
            var pool = Pool.Create(node.System, new PoolOptions { ChunkSize = 4, TaskTimeout = TimeSpan.FromSeconds(30) });
            try
            {
                Assert.Equal([0L, 1L, 4L, 9L, 16L], await pool.MapAsync(SampleFunctions.Square, new[] { 0L, 1L, 2L, 3L, 4L }).WaitAsync(ThreeNodeCluster.Bound));
            }
            finally
            {
                pool.Terminate();
            }
        }
        finally
        {
            await ClusterClients.StopAsync([node]);
        }
    }

    [Fact]
    public async Task ConnectAsync_without_seeds_is_refused()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => Pool.ConnectAsync(new ClusterOptions { Config = ThreeNodeCluster.Quiet }, null, bound.Token));
        Assert.Contains("Seeds", error.Message);
    }

    [Fact]
    public async Task A_seed_spelled_localhost_while_the_host_is_127_0_0_1_is_refused()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var options = new ClusterOptions { Host = "127.0.0.1", Seeds = ["akka.tcp://actorpool@localhost:4053"], Config = ThreeNodeCluster.Quiet };

        var client = await Assert.ThrowsAnyAsync<ArgumentException>(() => Pool.ConnectAsync(options, null, bound.Token));
        var node = await Assert.ThrowsAnyAsync<ArgumentException>(() => PoolNode.StartAsync(options, bound.Token));

        Assert.Contains("localhost", client.Message);
        Assert.Contains("localhost", node.Message);
    }

    private static PoolOptions WorkerShaping(string option) => option switch
    {
        nameof(PoolOptions.Processes) => new PoolOptions { Processes = 2 },
        nameof(PoolOptions.Initializer) => new PoolOptions { Initializer = () => { } },
        nameof(PoolOptions.MaxTasksPerChild) => new PoolOptions { MaxTasksPerChild = 2 },
        _ => throw new ArgumentOutOfRangeException(nameof(option), option, "Not an option that shapes workers."),
    };
}

/// <summary>Client members and nodes of the specs above, joined and stopped within bounds.</summary>
internal static class ClusterClients
{
    private static readonly TimeSpan Bound = ThreeNodeCluster.Bound;

    /// <summary>Joins as a client member through <paramref name="seed"/> and waits until its router deals to <paramref name="workers"/> workers.</summary>
    public static async Task<Pool> ConnectAsync(string seed, int workers)
    {
        // ConnectAsync bounds joining and finding a worker itself; the token bounds both together, and it leaves on cancellation.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // The fixture's nodes carry the simulation's throttler transport; nodes a spec starts itself are plain.
        var config = seed.StartsWith("akka.trttl.", StringComparison.Ordinal) ? ThreeNodeCluster.Joining : ThreeNodeCluster.Quiet;
        var pool = await Pool.ConnectAsync(new ClusterOptions { Seeds = [seed], Config = config }, null, bound.Token);
        try
        {
            await ThreeNodeCluster.Until(async () => await WorkersOf(pool) == workers, $"a client's router to know {workers} workers");
            return pool;
        }
        catch
        {
            await LeaveAsync([pool]);
            throw;
        }
    }

    /// <summary>How many workers a pool's router deals to now.</summary>
    public static async Task<int> WorkersOf(Pool pool) => (await pool.Router.Ask<WorkerCount>(CountWorkers.Instance, TimeSpan.FromSeconds(3))).Workers;

    /// <summary>Each client leaves the cluster; one that cannot within the bound is terminated.</summary>
    public static Task LeaveAsync(IEnumerable<Pool> clients) => Task.WhenAll(clients.Select(async pool =>
    {
        try
        {
            await pool.DisposeAsync().AsTask().WaitAsync(Bound);
        }
        catch (Exception)
        {
            pool.Terminate();
            await pool.System.Terminate().WaitAsync(Bound).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }));

    /// <summary>Stops each node's actor system, within the bound; never throws.</summary>
    public static Task StopAsync(IEnumerable<PoolNode> nodes) =>
        Task.WhenAll(nodes.Select(n => n.System.Terminate().WaitAsync(Bound).ContinueWith(_ => { }, TaskScheduler.Default)));
}
