using System.Diagnostics;
using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace ActorPool.Tests.EndToEnd;

/// <summary>
/// Addresses that lead nowhere: nothing listens at the port, or the address spells the loopback host differently from
/// what the nodes advertise (Akka compares addresses as strings, so <c>localhost</c> never reaches a node on 127.0.0.1).
/// Each fails promptly with a message that says why, never waits forever.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class UnreachableClusterEndToEndSpec(ITestOutputHelper output)
{
    /// <summary>The reachability check gives up after 15 s and the client shuts down within 10 s more.</summary>
    private static readonly TimeSpan ContactsBound = TimeSpan.FromSeconds(40);

    /// <summary>Joining gives up after 30 s (Pool.ConnectAsync's bound) and the client shuts down within 10 s more.</summary>
    private static readonly TimeSpan SeedsBound = TimeSpan.FromSeconds(55);

    /// <summary>A usage error is reported before any connection is tried.</summary>
    private static readonly TimeSpan UsageBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Map_with_contacts_where_no_node_listens_fails_with_exit_1_saying_no_node_answered_there()
    {
        var nowhere = TestCluster.Address(FreePorts.Take(1)[0]);
        var clock = Stopwatch.StartNew();
        using var map = NodeProcess.Start("map --contacts nowhere", ["map", "--contacts", nowhere, "--function", "square", "--range", "0:10"]);

        var code = await map.WaitForExitAsync(ContactsBound);

        output.WriteLine($"map --contacts {nowhere}: exit {code} in {clock.Elapsed.TotalSeconds:0.0} s");
        Expect.ExitCode(1, code, map);
        Expect.StderrLine(map, "map failed", "No node answered at", nowhere);
        Assert.Empty(map.Stdout);
        // Bounded by the reachability check (15 s), not ClusterClient's own 30 s reconnect timeout.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"The map took {clock.Elapsed.TotalSeconds:0.0} s to fail.{Environment.NewLine}{map.Describe()}");
    }

    [Fact]
    public async Task Map_with_contacts_reaches_a_live_node_through_the_check_and_exits_0()
    {
        // The other side of the check: it goes through ClusterClient to a node's router, and a real one answers.
        using var cluster = await TestCluster.StartAsync("reachable", 1, output);
        var clock = Stopwatch.StartNew();
        using var map = NodeProcess.Start("map --contacts live", ["map", "--contacts", cluster.Addresses[0], "--function", "square", "--range", "0:10"]);

        var code = await map.WaitForExitAsync(ContactsBound);

        output.WriteLine($"map --contacts {cluster.Addresses[0]}: exit {code} in {clock.Elapsed.TotalSeconds:0.0} s");
        Expect.ExitCode(0, code, map);
        Expect.Stdout(Enumerable.Range(0, 10).Select(i => (i * i).ToString(CultureInfo.InvariantCulture)), map);
    }

    [Fact]
    public async Task Map_with_seeds_where_no_node_listens_fails_with_exit_1_naming_the_seeds()
    {
        var nowhere = TestCluster.Address(FreePorts.Take(1)[0]);
        var clock = Stopwatch.StartNew();
        using var map = NodeProcess.Start("map --seeds nowhere", ["map", "--seeds", nowhere, "--function", "square", "--range", "0:10"]);

        var code = await map.WaitForExitAsync(SeedsBound);

        output.WriteLine($"map --seeds {nowhere}: exit {code} in {clock.Elapsed.TotalSeconds:0.0} s");
        Expect.ExitCode(1, code, map);
        Expect.StderrLine(map, "map failed", "Could not join the cluster", nowhere);
        Assert.Empty(map.Stdout);
    }

    [Theory]
    [InlineData("--contacts")]
    [InlineData("--seeds")]
    public async Task Map_given_localhost_while_it_advertises_127_0_0_1_is_a_usage_error_naming_both(string option)
    {
        var localhost = $"akka.tcp://actorpool@localhost:{FreePorts.Take(1)[0].ToString(CultureInfo.InvariantCulture)}";
        var clock = Stopwatch.StartNew();
        using var map = NodeProcess.Start($"map {option} localhost", ["map", option, localhost, "--function", "square", "--range", "0:10"]);

        var code = await map.WaitForExitAsync(UsageBound);

        output.WriteLine($"map {option} {localhost}: exit {code} in {clock.Elapsed.TotalSeconds:0.0} s");
        Expect.ExitCode(2, code, map);
        Expect.StderrLine(map, option, localhost, "'localhost'", "127.0.0.1 (--host)", "same spelling");
        // (stdout carries System.CommandLine's usage text, as for every usage error.)
        Assert.DoesNotContain(map.Stderr, line => line.StartsWith("map: running", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Node_given_a_localhost_seed_while_it_advertises_127_0_0_1_is_a_usage_error_naming_both()
    {
        var port = FreePorts.Take(1)[0].ToString(CultureInfo.InvariantCulture);
        var localhost = $"akka.tcp://actorpool@localhost:{port}";
        using var node = NodeProcess.Start("node --seeds localhost", ["node", "--port", port, "--seeds", localhost]);

        var code = await node.WaitForExitAsync(UsageBound);

        Expect.ExitCode(2, code, node);
        Expect.StderrLine(node, "--seeds", localhost, "'localhost'", "127.0.0.1 (--host)", "same spelling");
        Assert.DoesNotContain(node.Stderr, line => line.StartsWith("node up:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Node_given_host_localhost_and_a_127_0_0_1_seed_is_a_usage_error_naming_both()
    {
        var port = FreePorts.Take(1)[0].ToString(CultureInfo.InvariantCulture);
        var seed = $"akka.tcp://actorpool@127.0.0.1:{port}";
        using var node = NodeProcess.Start("node --host localhost", ["node", "--host", "localhost", "--port", port, "--seeds", seed]);

        var code = await node.WaitForExitAsync(UsageBound);

        Expect.ExitCode(2, code, node);
        Expect.StderrLine(node, "--seeds", seed, "'127.0.0.1'", "localhost (--host)", "same spelling");
    }
}
