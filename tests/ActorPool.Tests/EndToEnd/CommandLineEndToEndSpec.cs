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
        Expect.StdoutInOrder(
        [
            "All workers finished",
            "Results: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]",
            "Synchronous Result: 100",
            "Result: 400",
            "Synchronous Results: [2, 12, 30]",
            "Results: [2, 12, 30]",
        ], demo);
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
