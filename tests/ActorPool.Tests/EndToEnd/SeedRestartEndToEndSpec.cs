using Xunit;
using Xunit.Abstractions;

namespace ActorPool.Tests.EndToEnd;

/// <summary>
/// No islands: the first seed node, killed and restarted with the same command, rejoins the cluster it left. With
/// every node listing every seed (as the README shows) it asks the other seeds before forming a cluster of its own;
/// a node that is its own only seed cannot, and <c>node</c> warns when it is started that way.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class SeedRestartEndToEndSpec(ITestOutputHelper output)
{
    [Fact]
    public async Task The_first_seed_killed_and_restarted_with_the_same_command_rejoins_instead_of_forming_an_island()
    {
        using var cluster = await TestCluster.StartEverySeedAsync("seed-restart", 3, output, "--workers", "1");

        var restarted = cluster.Restart(0, "--workers", "1");
        await TestCluster.WaitUpAsync(restarted, cluster.Addresses[0]);

        // On an island it would see only itself; rejoined, it sees the two nodes that stayed up ...
        await Task.WhenAll(cluster.Addresses.Skip(1).Select(address => TestCluster.WaitForMemberEventAsync(restarted, "member up", address, TestCluster.UpBound)));
        // ... and they see its new incarnation come up: a second 'member up' for its address.
        await cluster.Nodes[1].WaitForStderrAsync(
            _ => cluster.Nodes[1].Stderr.Count(line => line.StartsWith($"[cluster] member up: {cluster.Addresses[0]} ", StringComparison.Ordinal)) >= 2,
            TestCluster.UpBound, "the restarted seed to come up again in the surviving nodes' cluster");
        Assert.DoesNotContain(restarted.Stderr, line => line.Contains("WARNING", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_node_that_is_its_own_only_seed_warns_that_a_restart_would_form_an_island()
    {
        using var cluster = await TestCluster.StartAsync("only-seed", 1, output, "--workers", "1");

        Expect.StderrLine(cluster.Nodes[0], $"WARNING: {cluster.Addresses[0]} is the only seed node", "Give every node the same list of two or more seeds");
    }
}
