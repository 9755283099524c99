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

    [Fact]
    public async Task User_types_cross_three_real_nodes_as_JSON_lines_and_async_functions_are_awaited_there()
    {
        using var cluster = await TestCluster.StartAsync("user-types", 3, output, "--functions", Assembly);
        string[] Map(string function) => ["map", "--function", $"ActorPool.UserFunctions.Orders.{function}", "--seeds", cluster.Seeds, "--functions", Assembly, "--chunk-size", "1"];

        // DESIGN.md's Order/Total example: property names in any case, decimals exact, one JSON value per line out.
        using var sum = NodeProcess.Start("map Sum", Map("Sum"),
            "{\"id\": 1, \"customer\": \"ada\", \"amount\": 2.5, \"tags\": [\"x\"]}\n{\"ID\": 2, \"Customer\": \"bob\", \"Amount\": 10.10, \"Tags\": []}\n");
        // A class with init properties holding an enum, offsets, a nullable, nested records, a list, a dictionary, a set and an array of structs.
        using var forward = NodeProcess.Start("map Forward", Map("Forward"),
            "{\"id\": 7, \"shipping\": \"standard\", \"sentAt\": \"2026-11-25T10:00:00+02:00\", \"arrivedAt\": null, "
            + "\"orders\": [{\"id\": 1, \"customer\": \"ada\", \"amount\": 4, \"tags\": []}], \"counts\": {\"k\": 3}, \"stops\": [\"a\"], \"route\": [{\"x\": 1, \"y\": 2}]}\n");
        // Several parameters with a complex one: a JSON array of the arguments. A nullable struct and an enum by name.
        using var distance = NodeProcess.Start("map Distance", Map("Distance"), "[{\"x\": 3, \"y\": 4}, \"Express\"]\n[null, \"Standard\"]\n");
        // Async functions, a Task<int> and a ValueTask<Total> taking a CancellationToken, awaited on the nodes.
        using var fetch = NodeProcess.Start("map Fetch", Map("Fetch"), "1\n2\n3\n");
        using var wait = NodeProcess.Start("map Wait", Map("Wait"), "4,20\n5,10\n");
        // A function whose parameter could hold anything: refused by name before anything is sent.
        using var open = NodeProcess.Start("map Open", Map("Open"), "{\"id\": 1, \"payload\": 2}\n");

        foreach (var process in new[] { sum, forward, distance, fetch, wait })
        {
            Expect.ExitCode(0, await process.WaitForExitAsync(Bound), process);
        }

        Expect.Stdout(["{\"id\":1,\"amount\":2.5}", "{\"id\":2,\"amount\":10.10}"], sum);
        Expect.Stdout(["{\"id\":8,\"shipping\":\"Express\",\"sentAt\":\"2026-11-26T10:00:00+02:00\",\"arrivedAt\":null,"
            + "\"orders\":[{\"id\":1,\"customer\":\"ada\",\"amount\":4,\"tags\":[]},{\"id\":1,\"customer\":\"next\",\"amount\":4,\"tags\":[\"forwarded\"]}],"
            + "\"counts\":{\"k\":3,\"forwarded\":1},\"stops\":[\"a\",\"hub\"],\"route\":[{\"x\":1,\"y\":2},{\"x\":1,\"y\":-1}]}"], forward);
        Expect.Stdout(["10", "null"], distance);
        Expect.Stdout(["1", "2", "3"], fetch);
        Expect.Stdout(["{\"id\":4,\"amount\":20}", "{\"id\":5,\"amount\":10}"], wait);
        Expect.ExitCode(1, await open.WaitForExitAsync(Bound), open);
        Expect.StderrLine(open, "map failed after 0 results: 'ActorPool.UserFunctions.Orders.Open' cannot run on another node: parameter 1: Envelope.Payload is Object");
    }

    [Fact]
    public async Task Functions_prints_the_JSON_shape_of_complex_types_and_what_cannot_cross()
    {
        using var functions = NodeProcess.Start("functions", ["functions", "--functions", Assembly]);

        Expect.ExitCode(0, await functions.WaitForExitAsync(Bound), functions);
        Expect.StdoutInOrder([
            "ActorPool.UserFunctions.Orders.Sum\tTotal Sum(Order o)",
            "\tin:  {\"id\": number, \"customer\": string, \"amount\": decimal, \"tags\": [string]}",
            "\tout: {\"id\": number, \"amount\": decimal}",
        ], functions);
        Assert.Contains(functions.Stdout, line => line.StartsWith("\tcannot cross to another node (runs in-process only): parameter 1: Envelope.Payload is Object", StringComparison.Ordinal));
    }
}
