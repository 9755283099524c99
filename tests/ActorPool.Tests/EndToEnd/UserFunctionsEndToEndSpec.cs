using Xunit;
using Xunit.Abstractions;

namespace ActorPool.Tests.EndToEnd;

/// <summary>
/// A user's function assembly (tests/ActorPool.UserFunctions), deployed with <c>--functions</c> to real nodes and
/// clients, as the README's "Deploying your own functions" says. A node without it refuses the call by name.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class UserFunctionsEndToEndSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private static readonly string Assembly = Path.Combine(AppContext.BaseDirectory, "user-functions", "ActorPool.UserFunctions.dll");

    [Fact]
    public async Task Functions_lists_a_loaded_assembly_and_only_then()
    {
        using var without = NodeProcess.Start("functions", ["functions"]);
        using var with = NodeProcess.Start("functions --functions", ["functions", "--functions", Assembly]);

        Expect.ExitCode(0, await without.WaitForExitAsync(Bound), without);
        Expect.ExitCode(0, await with.WaitForExitAsync(Bound), with);
        Assert.DoesNotContain(without.Stdout, line => line.StartsWith("cube\t", StringComparison.Ordinal));
        Assert.Contains("cube\tInt64 Cube(Int64 x)", with.Stdout);
        Assert.Contains("join-words\tString JoinWords(String left, String right)", with.Stdout);
    }

    [Fact]
    public async Task Nodes_and_a_client_that_load_the_assembly_run_its_functions()
    {
        using var cluster = await TestCluster.StartAsync("user-functions", 2, output, "--functions", Assembly);

        using var cubes = NodeProcess.Start("map cube", ["map", "--function", "cube", "--seeds", cluster.Seeds, "--range", "0:50", "--functions", Assembly]);
        Expect.ExitCode(0, await cubes.WaitForExitAsync(Bound), cubes);
        Expect.Stdout(Enumerable.Range(0, 50).Select(i => ((long)i * i * i).ToString(System.Globalization.CultureInfo.InvariantCulture)), cubes);

        using var words = NodeProcess.Start("map join-words", ["map", "--function", "join-words", "--seeds", cluster.Seeds, "--functions", Assembly],
            "a,b\nactor,pool\n");
        Expect.ExitCode(0, await words.WaitForExitAsync(Bound), words);
        Expect.Stdout(["a-b", "actor-pool"], words);
    }

    [Fact]
    public async Task Nodes_without_the_assembly_refuse_its_function_by_name()
    {
        using var cluster = await TestCluster.StartAsync("no-user-functions", 1, output);

        using var map = NodeProcess.Start("map cube", ["map", "--function", "cube", "--seeds", cluster.Seeds, "--range", "0:5", "--functions", Assembly]);
        Expect.ExitCode(1, await map.WaitForExitAsync(Bound), map);
        Expect.StderrLine(map, "Pool function 'cube' is not registered on node akka.tcp://actorpool@127.0.0.1:");
    }
}
