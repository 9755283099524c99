using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace ActorPool.Tests.EndToEnd;

/// <summary>
/// <c>status --seeds</c> against a running cluster, as an operator runs it: after a map, it reports both worker nodes
/// Up and reachable with their workers and the tasks they completed — as JSON for scripts and as a table for people —
/// joining and leaving as a client member and exiting 0.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class StatusEndToEndSpec(ITestOutputHelper output)
{
    private const int WorkersPerNode = 2;
    private const int Items = 500;

    /// <summary>Joining, asking and leaving take a few seconds; the bound leaves room for a loaded machine.</summary>
    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Status_after_a_map_reports_each_worker_node_with_its_workers_and_completed_tasks_as_json_and_as_a_table()
    {
        var clock = Stopwatch.StartNew();
        using var cluster = await TestCluster.StartEverySeedAsync("status", 2, output, "--workers", WorkersPerNode.ToString(CultureInfo.InvariantCulture));
        using (var map = NodeProcess.Start("map", ["map", "--function", "square", "--range", $"0:{Items}", "--chunk-size", "16", "--seeds", cluster.Seeds]))
        {
            Expect.ExitCode(0, await map.WaitForExitAsync(CommandBound), map);
        }

        using var json = NodeProcess.Start("status --json", ["status", "--seeds", cluster.Seeds, "--json"]);
        Expect.ExitCode(0, await json.WaitForExitAsync(CommandBound), json);
        output.WriteLine(string.Join(Environment.NewLine, json.Stdout));

        using var document = JsonDocument.Parse(string.Join('\n', json.Stdout));
        // The map client may still be leaving: only the worker nodes are counted.
        var workers = document.RootElement.GetProperty("members").EnumerateArray()
            .Where(m => m.GetProperty("roles").EnumerateArray().Any(r => r.GetString() == "worker"))
            .ToList();
        Assert.Equal(cluster.Addresses.Order(StringComparer.Ordinal), workers.Select(m => m.GetProperty("address").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(workers, m =>
        {
            Assert.Equal("Up", m.GetProperty("status").GetString());
            Assert.True(m.GetProperty("reachable").GetBoolean());
            Assert.True(m.GetProperty("answered").GetBoolean());
            Assert.Equal(WorkersPerNode, m.GetProperty("workers").GetInt32());
            Assert.InRange(m.GetProperty("busy").GetInt32(), 0, WorkersPerNode);
        });
        Assert.True(workers.Sum(m => m.GetProperty("tasksCompleted").GetInt64()) >= Items, $"tasks completed sum below {Items}:{Environment.NewLine}{json.Describe()}");
        Assert.DoesNotContain(document.RootElement.GetProperty("members").EnumerateArray(), m => m.GetProperty("status").GetString() == "Joining");

        using var table = NodeProcess.Start("status", ["status", "--seeds", cluster.Seeds]);
        Expect.ExitCode(0, await table.WaitForExitAsync(CommandBound), table);
        output.WriteLine(string.Join(Environment.NewLine, table.Stdout));
        Assert.StartsWith("ADDRESS", table.Stdout[0], StringComparison.Ordinal);
        Assert.All(cluster.Addresses, address => Assert.Contains(table.Stdout, line =>
            line.StartsWith(address + " ", StringComparison.Ordinal) && line.Contains(" Up ", StringComparison.Ordinal) && line.Contains(" worker ", StringComparison.Ordinal)));
        output.WriteLine($"status end to end in {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
