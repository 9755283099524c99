using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace ActorPool.Tests.EndToEnd;

/// <summary>
/// Worker nodes own their workers, with real processes: <c>map --seeds</c> clients, one or two at once, deal to the
/// same six workers the three nodes started, and add none.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class NodeOwnedWorkersEndToEndSpec(ThreeNodeCluster fixture, ITestOutputHelper output) : IClassFixture<ThreeNodeCluster>
{
    /// <summary>Joining, mapping and leaving take seconds; the bound leaves room for a loaded machine.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private TestCluster Cluster => fixture.Cluster;

    private int Workers => Cluster.Nodes.Count * ThreeNodeCluster.WorkersPerNode;

    [Fact]
    public async Task One_client_then_two_at_once_see_the_same_six_workers_and_the_nodes_threads_stay_flat()
    {
        var before = Threads();
        using var first = Where("where-1");
        var firstIds = await WorkerIdsAsync(first);
        var afterOne = Threads();

        using var a = Where("where-2a");
        using var b = Where("where-2b");
        var idsA = await WorkerIdsAsync(a);
        var idsB = await WorkerIdsAsync(b);
        var afterTwo = Threads();

        output.WriteLine($"node threads before any client: {string.Join(", ", before)}; after one client: {string.Join(", ", afterOne)}; after two at once: {string.Join(", ", afterTwo)}");
        output.WriteLine($"workers: {string.Join(", ", firstIds.Order(StringComparer.Ordinal))}");
        Assert.Equal(Workers, firstIds.Count);
        Assert.Equal(Workers, idsA.Count);
        Assert.Equal(Workers, idsB.Count);
        // The same six, not just six: a worker deployed for a client would have an id of its own.
        Assert.True(firstIds.SetEquals(idsA) && firstIds.SetEquals(idsB),
            $"first [{string.Join(", ", firstIds)}], then [{string.Join(", ", idsA)}] and [{string.Join(", ", idsB)}]");

        // A client that brought workers would add a thread per worker to each node (workers run on threads of their
        // own). The counts are not compared exactly: the .NET thread pool injects and retires threads on its own
        // schedule, and remoting's I/O for each client's association comes and goes, so a node's count moves by a few
        // whoever submits work. The slack absorbs that; the worker ids above are the exact check.
        const int Slack = 6;
        for (var i = 0; i < Cluster.Nodes.Count; i++)
        {
            Assert.True(afterTwo[i] <= afterOne[i] + Slack,
                $"{Cluster.Addresses[i]} had {afterOne[i]} threads after one client and {afterTwo[i]} after two more.{Environment.NewLine}{Cluster.Nodes[i].Describe(20)}");
        }
    }

    [Fact]
    public async Task A_map_of_ten_items_on_an_idle_cluster_exits_0_with_exact_results()
    {
        var clock = Stopwatch.StartNew();
        using var map = NodeProcess.Start("map 10", ["map", "--function", "square", "--seeds", Cluster.Seeds, "--range", "0:10"]);

        // Printed once it has joined and found workers: splits the wall time into joining, and mapping plus leaving.
        await map.WaitForStderrAsync(line => line.StartsWith("map: running", StringComparison.Ordinal), Bound, "'map: running'");
        var joined = clock.Elapsed;
        var code = await map.WaitForExitAsync(Bound);

        output.WriteLine($"map --seeds of 10 items: exit {code}, {clock.Elapsed.TotalSeconds:0.00} s from start (join) to exit; " +
            $"joined and found workers after {joined.TotalSeconds:0.00} s (polled every 50 ms), mapped and left in the {(clock.Elapsed - joined).TotalSeconds:0.00} s after");
        output.WriteLine(string.Join(Environment.NewLine, map.Stderr.Where(line => line.StartsWith("map", StringComparison.Ordinal))));
        Expect.ExitCode(0, code, map);
        Expect.Stdout(Enumerable.Range(0, 10).Select(i => ((long)i * i).ToString(CultureInfo.InvariantCulture)), map);
    }

    /// <summary>Starts <c>map --function where</c> over 0..599, one item per chunk, as a client member.</summary>
    private NodeProcess Where(string name) =>
        NodeProcess.Start(name, ["map", "--function", "where", "--seeds", Cluster.Seeds, "--range", "0:600", "--chunk-size", "1"]);

    /// <summary>
    /// Waits for a <c>where</c> client to exit 0 and returns the worker ids it printed, checking every line is its
    /// item's (<c>x@NODE NODE/wK#n</c>, in order) and names a worker a node's host owns.
    /// </summary>
    private async Task<HashSet<string>> WorkerIdsAsync(NodeProcess map)
    {
        var code = await map.WaitForExitAsync(Bound);
        Expect.ExitCode(0, code, map);
        var lines = map.Stdout;
        Assert.True(lines.Count == 600, $"{map.Name} printed {lines.Count} lines.{Environment.NewLine}{map.Describe()}");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var parts = lines[i].Split(' ', 2);
            var item = parts[0].Split('@', 2);
            Assert.True(item.Length == 2 && parts.Length == 2 && item[0] == i.ToString(CultureInfo.InvariantCulture) && Cluster.Addresses.Contains(item[1])
                && Regex.IsMatch(parts[1], $"^{Regex.Escape(item[1])}/w[0-9]+#[0-9]+$"),
                $"{map.Name}: line {i} is '{lines[i]}'.{Environment.NewLine}{map.Describe()}");
            ids.Add(parts[1]);
        }

        return ids;
    }

    /// <summary>Each node process's thread count, from <c>/proc/PID/status</c>.</summary>
    private int[] Threads() => Cluster.Nodes.Select(node =>
    {
        var line = File.ReadLines($"/proc/{node.Id.ToString(CultureInfo.InvariantCulture)}/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal));
        return int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
    }).ToArray();
}

/// <summary>
/// Nodes may differ: a node that does not load a function's assembly is not dealt its chunks. A cluster of its own,
/// of two real nodes, one with <c>--functions</c> and one without.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class NodeOwnedWorkersMixedNodesEndToEndSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static readonly string UserFunctions = Path.Combine(AppContext.BaseDirectory, "user-functions", "ActorPool.UserFunctions.dll");

    [Fact]
    public async Task Nodes_may_differ_a_function_only_one_node_loads_runs_there_with_exact_results()
    {
        // Node A (the seed) loads the user's assembly; node B does not.
        using var cluster = await TestCluster.StartAsync("mixed-functions", 1, output, "--workers", "2", "--functions", UserFunctions);
        var (plain, plainAddress) = await cluster.JoinNodeAsync("mixed-functions-plain", "--workers", "2");
        using (plain)
        {
            await cluster.WaitForMemberEventAsync(cluster.Nodes[0], "member up", plainAddress);

            // A client deals to B's workers too (built-in functions are everywhere)...
            using var where = NodeProcess.Start("map where",
                ["map", "--function", "where", "--seeds", cluster.Seeds, "--range", "0:300", "--chunk-size", "1"]);
            Expect.ExitCode(0, await where.WaitForExitAsync(Bound), where);
            var nodes = where.Stdout.Select(line => line.Split(' ', 2)[0].Split('@', 2)[1]).ToHashSet(StringComparer.Ordinal);
            Assert.True(nodes.SetEquals([cluster.Addresses[0], plainAddress]), $"where ran on [{string.Join(", ", nodes)}].{Environment.NewLine}{where.Describe()}");

            // ...but not cube's: a chunk sent to B would fail the map ("not registered on node B"), so exit 0 with every
            // result exact means every item ran on A.
            using var cubes = NodeProcess.Start("map cube",
                ["map", "--function", "cube", "--seeds", cluster.Seeds, "--functions", UserFunctions, "--range", "0:50", "--chunk-size", "1"]);
            Expect.ExitCode(0, await cubes.WaitForExitAsync(Bound), cubes);
            Expect.Stdout(Enumerable.Range(0, 50).Select(i => ((long)i * i * i).ToString(CultureInfo.InvariantCulture)), cubes);
        }
    }
}
