using System.Diagnostics;
using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace ActorPool.Tests.EndToEnd;

/// <summary>
/// A worker node dies (SIGKILL, no goodbye) in the middle of a map: the failure detector and the split-brain
/// resolver down it, its chunks are sent again, and the client still prints every result in order. It kills a node,
/// so it runs on a cluster of its own.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class NodeFailureEndToEndSpec(ITestOutputHelper output)
{
    [Fact]
    public async Task A_worker_node_killed_mid_map_loses_no_result_and_the_client_exits_0()
    {
        using var cluster = await TestCluster.StartAsync("failure", 3, output);
        // Distinct values, so order is checkable: sleep returns its input. About 7 s of work on six workers, so the
        // kill always lands mid-map.
        var sleeps = Enumerable.Range(0, 120).Select(i => (300 + i).ToString(CultureInfo.InvariantCulture)).ToList();
        var clock = Stopwatch.StartNew();
        using var map = NodeProcess.Start("map sleep",
            ["map", "--function", "sleep", "--seeds", cluster.Seeds, "--chunk-size", "1"],
            string.Concat(sleeps.Select(s => s + "\n")));

        // The client has joined and is sending chunks (round-robin, one item each): give the victim a moment to be
        // holding some. The map takes seconds longer than this even with every worker busy.
        await map.WaitForStderrAsync(line => line.StartsWith("map: running", StringComparison.Ordinal), TestCluster.UpBound, "'map: running'");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(map.HasExited, $"The map finished before the node could be killed.{Environment.NewLine}{map.Describe()}");
        var victim = cluster.Nodes[2];
        var victimAddress = cluster.Addresses[2];
        victim.Kill();
        output.WriteLine($"killed {victimAddress} {clock.Elapsed.TotalSeconds:0.0} s into the map");

        var code = await map.WaitForExitAsync(TimeSpan.FromSeconds(120));

        output.WriteLine($"map: exit {code} after {clock.Elapsed.TotalSeconds:0.0} s");
        Expect.ExitCode(0, code, map);
        Expect.Stdout(sleeps, map);
        // The survivors downed the dead node (it never left) and removed it.
        var seed = cluster.Nodes[0];
        await TestCluster.WaitForMemberEventAsync(seed, "member removed", victimAddress, TimeSpan.FromSeconds(30));
        Assert.Contains(seed.Stderr, line => line.StartsWith($"[cluster] member removed: {victimAddress} (was Down)", StringComparison.Ordinal));
        Assert.Contains(seed.Stderr, line => line.StartsWith($"[cluster] member unreachable: {victimAddress}", StringComparison.Ordinal));
    }
}
