using Xunit;

namespace ActorPool.Tests.EndToEnd;

/// <summary>The commands that need no cluster: <c>functions</c>, <c>demo</c>, and <c>map</c>'s usage errors.</summary>
[Collection(ProcessesCollection.Name)]
public sealed class CommandLineEndToEndSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>No node listens here: a usage error must be reported before any connection is tried.</summary>
    private const string NowhereSeeds = "akka.tcp://actorpool@127.0.0.1:1";

    [Fact]
    public async Task Functions_lists_the_built_in_functions_and_exits_0()
    {
        using var functions = NodeProcess.Start("functions", ["functions"]);

        var code = await functions.WaitForExitAsync(Bound);

        Expect.ExitCode(0, code, functions);
        var names = functions.Stdout.Select(line => line.Split('\t')[0]).ToList();
        Assert.Subset(names.ToHashSet(), new HashSet<string> { "square", "sleep", "burn", "fail-on-13", "where" });
        Assert.Contains("square\tInt64 Square(Int64 x)", functions.Stdout);
    }

    [Fact]
    public async Task Demo_prints_the_tutorial_results_and_exits_0()
    {
        using var demo = NodeProcess.Start("demo", ["demo", "--sleep-ms", "50"]);

        var code = await demo.WaitForExitAsync(Bound);

        Expect.ExitCode(0, code, demo);
        Expect.DemoResults(demo);
        // Its long map's progress goes to stderr, plain lines when that is no terminal; stdout keeps Python's lines.
        Expect.StderrLine(demo, "map: 10/10 items (100%), 0 failed, 0 retried");
        Assert.DoesNotContain(demo.Stdout, line => line.Contains("items", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Demo_in_a_terminal_draws_a_live_progress_bar_on_stderr_with_the_workers_lines_above_it()
    {
        // util-linux `script` runs the demo on a pseudo-terminal, as a user's shell would, and keeps what it drew.
        Assert.True(File.Exists("/usr/bin/script"), "this test needs util-linux's script (/usr/bin/script) to give the demo a terminal");
        var typescript = Path.Combine(Path.GetTempPath(), $"actorpool-demo-{Guid.NewGuid():N}.tty");
        try
        {
            using var demo = NodeProcess.StartProgram("demo in a terminal", "/usr/bin/script",
                ["--quiet", "--return", "--command", $"'{NodeProcess.DotnetHost}' '{NodeProcess.NodeDll}' demo --sleep-ms 300", typescript],
                AppContext.BaseDirectory, new Dictionary<string, string> { ["TERM"] = "xterm-256color", ["COLUMNS"] = "120" });

            var code = await demo.WaitForExitAsync(Bound);

            Expect.ExitCode(0, code, demo);
            var drawn = File.ReadAllText(typescript);
            Assert.Contains("\u001b[", drawn, StringComparison.Ordinal);
            Assert.Contains("━", drawn, StringComparison.Ordinal);
            Assert.Contains("map: 10/10 items, 0 failed, 0 retried", drawn, StringComparison.Ordinal);
            Assert.Contains("100%", drawn, StringComparison.Ordinal);
            Assert.Contains("Calculating square of 9", drawn, StringComparison.Ordinal);
            Assert.Contains("Results: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]", drawn, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(typescript);
        }
    }

    [Fact]
    public async Task Map_of_an_unknown_function_exits_2_without_connecting()
    {
        using var map = NodeProcess.Start("map unknown", ["map", "--function", "no-such-function", "--range", "0:3", "--seeds", NowhereSeeds]);

        var code = await map.WaitForExitAsync(Bound);

        Expect.ExitCode(2, code, map);
        Expect.StderrLine(map, "Unknown function 'no-such-function'");
        Assert.Empty(map.Stdout);
    }

    [Fact]
    public async Task Map_without_seeds_or_contacts_is_a_usage_error_and_exits_2()
    {
        using var map = NodeProcess.Start("map no cluster", ["map", "--function", "square", "--range", "0:3"]);

        var code = await map.WaitForExitAsync(Bound);

        // 1 means "the map failed"; a wrong command line is bad usage, like an unknown function.
        Expect.ExitCode(2, code, map);
        Expect.StderrLine(map, "Give exactly one of --seeds");
    }
}
