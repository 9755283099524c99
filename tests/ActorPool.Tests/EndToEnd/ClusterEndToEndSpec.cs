using System.Diagnostics;
using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace ActorPool.Tests.EndToEnd;

/// <summary>A three-node cluster of real processes, each node owning two workers, shared by the tests of one spec class.</summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    /// <summary>Workers each node owns (<c>node --workers 2</c>), whatever the machine's processor count.</summary>
    public const int WorkersPerNode = 2;

    internal TestCluster Cluster { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() =>
        Cluster = await TestCluster.StartAsync("shared", 3, null, "--workers", WorkersPerNode.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        Cluster?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// The <c>map</c> client against a running cluster, as a user runs it: items on stdin, results on stdout in input
/// order, the exit code telling success (0) from a failed map (1); and a node leaving on SIGTERM.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class ClusterEndToEndSpec(ThreeNodeCluster fixture, ITestOutputHelper output) : IClassFixture<ThreeNodeCluster>
{
    /// <summary>Joining, mapping and leaving take a few seconds; the bound leaves room for a loaded machine.</summary>
    private static readonly TimeSpan MapBound = TimeSpan.FromSeconds(90);

    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Map_with_seeds_squares_every_stdin_line_in_input_order()
    {
        var clock = Stopwatch.StartNew();
        using var map = NodeProcess.Start("map --seeds",
            ["map", "--function", "square", "--seeds", Cluster.Seeds],
            Lines(Enumerable.Range(0, 1000)));

        var code = await map.WaitForExitAsync(MapBound);

        output.WriteLine($"map --seeds: exit {code} in {clock.Elapsed.TotalSeconds:0.0} s");
        Expect.ExitCode(0, code, map);
        Expect.Stdout(Enumerable.Range(0, 1000).Select(i => Text((long)i * i)), map);
        Expect.StderrLine(map, "map: 1,000 results in");
        // stderr is no terminal here: progress comes as plain lines, the last counting every item.
        Expect.StderrLine(map, "map: 1,000/1,000 items (100%), 0 failed, 0 retried");
    }

    [Fact]
    public async Task Map_with_contacts_squares_every_stdin_line_in_input_order_without_joining()
    {
        var joinsBefore = JoinsSeenBySeed();
        var clock = Stopwatch.StartNew();
        using var map = NodeProcess.Start("map --contacts",
            ["map", "--function", "square", "--contacts", $"{Cluster.Addresses[1]},{Cluster.Addresses[2]}", "--chunk-size", "16"],
            Lines(Enumerable.Range(0, 1000)));

        var code = await map.WaitForExitAsync(MapBound);

        output.WriteLine($"map --contacts: exit {code} in {clock.Elapsed.TotalSeconds:0.0} s");
        Expect.ExitCode(0, code, map);
        Expect.Stdout(Enumerable.Range(0, 1000).Select(i => Text((long)i * i)), map);
        Expect.StderrLine(map, "map: 1,000/1,000 items (100%), 0 failed, 0 retried");
        // A ClusterClient is no member: the cluster saw nobody join.
        Assert.Equal(joinsBefore, JoinsSeenBySeed());
    }

    [Fact]
    public async Task A_long_map_prints_a_progress_line_each_second_on_a_stderr_that_is_no_terminal()
    {
        // 60 calls of 200–259 ms on the cluster's workers: a few seconds.
        using var map = NodeProcess.Start("map sleep", ["map", "--function", "sleep", "--range", "200:260", "--chunk-size", "1", "--seeds", Cluster.Seeds]);

        var code = await map.WaitForExitAsync(MapBound);

        Expect.ExitCode(0, code, map);
        var lines = map.Stderr.Where(line => line.StartsWith("map: ", StringComparison.Ordinal) && line.Contains(" items", StringComparison.Ordinal)).ToList();
        output.WriteLine(string.Join(Environment.NewLine, lines));
        Assert.Contains(lines, line => line.Contains("/60 items", StringComparison.Ordinal) && !line.Contains("60/60", StringComparison.Ordinal));
        Assert.EndsWith("s", Assert.Single(lines, line => line.Contains("60/60 items (100%), 0 failed, 0 retried", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_function_fails_the_map_with_exit_code_1_and_names_the_error()
    {
        using var map = NodeProcess.Start("map fail-on-13",
            ["map", "--function", "fail-on-13", "--range", "0:21", "--chunk-size", "4", "--seeds", Cluster.Seeds]);

        var code = await map.WaitForExitAsync(MapBound);

        output.WriteLine(string.Join(Environment.NewLine, map.Stderr.Where(line => line.StartsWith("map", StringComparison.Ordinal))));
        Expect.ExitCode(1, code, map);
        Expect.StderrLine(map, "fail-on-13");
        Expect.StderrLine(map, "13 is unlucky");
        // Whatever made it out before the failure is the input's prefix, in order: never 13 or anything after it.
        var printed = map.Stdout;
        Assert.True(printed.Count <= 13, map.Describe());
        Assert.Equal(Enumerable.Range(0, printed.Count).Select(Text), printed);
    }

    [Fact]
    public async Task A_node_given_SIGTERM_leaves_gracefully_exits_0_and_the_others_see_it_removed()
    {
        // A fourth node of its own, so the shared cluster keeps its three for the other tests.
        var clock = Stopwatch.StartNew();
        var (node, address) = await Cluster.JoinNodeAsync("leaving-node");
        using (node)
        {
            await Task.WhenAll(Cluster.Nodes.Select(n => Cluster.WaitForMemberEventAsync(n, "member up", address)));
            output.WriteLine($"{address} up and seen by all in {clock.Elapsed.TotalSeconds:0.0} s");
            clock.Restart();

            node.Terminate();
            var code = await node.WaitForExitAsync(TimeSpan.FromSeconds(30));

            output.WriteLine($"SIGTERM to exit {code} in {clock.Elapsed.TotalSeconds:0.0} s");
            Expect.ExitCode(0, code, node);
            // Not checked: the node's own "SIGTERM: leaving the cluster" line. Akka's SIGTERM handler can run first and
            // finish the whole leave, and the process can then exit before the signal thread reaches the node's handler.
            Expect.StderrLine(node, "node stopped");
            // Logs go to stderr: a node's stdout carries nothing (a client's carries only results), even while it shuts down.
            Assert.True(node.Stdout.Count == 0, $"The node wrote to stdout.{Environment.NewLine}{node.Describe()}");
            // It left: the others saw it leave and then removed it, never marked it unreachable.
            await Task.WhenAll(Cluster.Nodes.Select(n => Cluster.WaitForMemberEventAsync(n, "member removed", address)));
            output.WriteLine($"removed everywhere {clock.Elapsed.TotalSeconds:0.0} s after SIGTERM");
            foreach (var other in Cluster.Nodes)
            {
                Assert.Contains(other.Stderr, line => line.StartsWith($"[cluster] member leaving: {address}", StringComparison.Ordinal));
                Assert.DoesNotContain(other.Stderr, line => line.StartsWith($"[cluster] member unreachable: {address}", StringComparison.Ordinal));
            }
        }
    }

    private static string Lines(IEnumerable<int> items) => string.Concat(items.Select(i => Text(i) + "\n"));

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private int JoinsSeenBySeed() => Cluster.Nodes[0].Stderr.Count(line => line.StartsWith("[cluster] member joining:", StringComparison.Ordinal));
}
