using System.Diagnostics;
using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace ActorPool.Tests.EndToEnd;

/// <summary>
/// A client outside the cluster (<c>map --contacts</c>) rides through the death of a node (SIGKILL, no goodbye) in
/// the middle of a map: all its calls go to the router of the one node its ClusterClient is connected to, so another
/// node's death only sends that router's chunks elsewhere, and the death of the serving node itself sends its calls
/// again to the next node's router. Either way the map prints every result, in order, and exits 0. Each test kills a
/// node, so each runs on a cluster of its own.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class ClusterClientFailoverEndToEndSpec(ITestOutputHelper output)
{
    /// <summary>What the client prints once it knows which router its calls go to.</summary>
    private const string ServingLine = "map: calls go to the router on ";

    /// <summary>What the client logs when the node serving its calls is lost.</summary>
    private const string LostWarning = "its calls will be sent again to the router of the next node the client reaches";

    /// <summary>
    /// 1,500 sleeps of 10 to 32 ms, about 5 s of work on six workers, so the kill always lands mid-map. <c>sleep</c>
    /// returns its input, and neighbours always differ, so a result lost, doubled or out of place changes the output.
    /// </summary>
    private static readonly List<string> Sleeps = Enumerable.Range(0, 1_500).Select(i => (10 + (i % 23)).ToString(CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public async Task A_node_that_serves_none_of_the_calls_killed_mid_map_loses_no_result_and_the_client_exits_0()
    {
        using var cluster = await TestCluster.StartEverySeedAsync("client-ride", 3, output);
        var contact = cluster.Addresses[1];
        using var map = StartMap(cluster, contact);
        var serving = await ServingNodeAsync(map);
        // Neither the contact nor the node serving the calls (almost always the contact itself).
        var victim = Enumerable.Range(0, 3).Last(i => cluster.Addresses[i] != contact && cluster.Addresses[i] != serving);

        var clock = await KillMidMapAsync(cluster, victim, map);

        var code = await map.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"map: exit {code} {clock.Elapsed.TotalSeconds:0.0} s after the kill; its stderr:{Environment.NewLine}{string.Join(Environment.NewLine, map.Stderr)}");
        Expect.ExitCode(0, code, map);
        Expect.Stdout(Sleeps, map);
        // Nothing had to be sent again: the serving router sent the dead node's chunks elsewhere.
        Assert.DoesNotContain(map.Stderr, line => line.Contains(LostWarning, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_node_serving_the_calls_killed_mid_map_has_its_calls_sent_again_and_the_client_exits_0()
    {
        using var cluster = await TestCluster.StartEverySeedAsync("client-ride-serving", 3, output);
        using var map = StartMap(cluster, cluster.Addresses[1]);
        var serving = await ServingNodeAsync(map);
        var victim = Enumerable.Range(0, 3).Single(i => cluster.Addresses[i] == serving);

        var clock = await KillMidMapAsync(cluster, victim, map);

        var code = await map.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"map: exit {code} {clock.Elapsed.TotalSeconds:0.0} s after the kill; its stderr:{Environment.NewLine}{string.Join(Environment.NewLine, map.Stderr)}");
        Expect.ExitCode(0, code, map);
        Expect.Stdout(Sleeps, map);
        Expect.StderrLine(map, serving, LostWarning);
        Expect.StderrLine(map, "now go to the router at");
    }

    private static NodeProcess StartMap(TestCluster cluster, string contact) =>
        NodeProcess.Start($"{cluster.Name}-map", ["map", "--function", "sleep", "--contacts", contact, "--chunk-size", "5"],
            string.Concat(Sleeps.Select(s => s + "\n")));

    /// <summary>The address of the node whose router the client's calls go to, as the client says.</summary>
    private static async Task<string> ServingNodeAsync(NodeProcess map)
    {
        var line = await map.WaitForStderrAsync(line => line.StartsWith(ServingLine, StringComparison.Ordinal), TestCluster.UpBound, $"'{ServingLine}'");
        return line[ServingLine.Length..].Trim();
    }

    /// <summary>Kills node <paramref name="victim"/> a moment into the map (its output is written at the end, so that moment is timed).</summary>
    private async Task<Stopwatch> KillMidMapAsync(TestCluster cluster, int victim, NodeProcess map)
    {
        await map.WaitForStderrAsync(line => line.StartsWith("map: running", StringComparison.Ordinal), TestCluster.UpBound, "'map: running'");
        // About a third of the work: calls have been served, some of them partly streamed, and many are still to come.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(map.HasExited, $"The map finished before the node could be killed.{Environment.NewLine}{map.Describe()}");
        cluster.Nodes[victim].Kill();
        output.WriteLine($"killed {cluster.Addresses[victim]} 1.5 s into the map");
        return Stopwatch.StartNew();
    }
}
