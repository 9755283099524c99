using System.Text.Json;
using Xunit;

namespace ActorPool.Tests.EndToEnd;

/// <summary>
/// <c>bench --quick</c> runs once, for real, to prove the command works: every scenario on every engine, the
/// cluster engine on a node process the bench starts and stops itself. Nothing here asserts a speed.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class BenchEndToEndSpec
{
    private static readonly string[] Scenarios = ["map-squares", "apply-async", "apply-latency", "cpu-bound", "imap-stream"];
    private static readonly string[] Engines = ["sequential", "plinq", "parallel-for", "actorpool-local", "actorpool-cluster"];

    [Fact]
    public async Task Bench_quick_measures_every_scenario_on_every_engine_and_writes_json()
    {
        var json = Path.Combine(Path.GetTempPath(), $"actorpool-bench-{Guid.NewGuid():N}.json");
        try
        {
            using var bench = NodeProcess.Start("bench", ["bench", "--quick", "--json", json]);
            var code = await bench.WaitForExitAsync(TimeSpan.FromMinutes(3));

            Expect.ExitCode(0, code, bench);
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var rows = document.RootElement.EnumerateArray().ToList();
            foreach (var scenario in Scenarios)
            {
                foreach (var engine in Engines.Where(e => !(e == "parallel-for" && scenario == "imap-stream")))
                {
                    var row = rows.SingleOrDefault(r => r.GetProperty("scenario").GetString() == scenario && r.GetProperty("engine").GetString() == engine);
                    Assert.True(row.ValueKind == JsonValueKind.Object, $"no row for {scenario} on {engine}");
                    Assert.True(row.GetProperty("ops").GetInt64() > 0);
                    Assert.True(row.GetProperty("seconds").GetDouble() > 0);
                    Assert.True(row.GetProperty("ops_per_s").GetDouble() > 0);
                }
            }

            Assert.All(rows.Where(r => r.GetProperty("scenario").GetString() == "apply-latency"), r => Assert.True(r.TryGetProperty("p99_us", out _)));
            Assert.All(rows.Where(r => r.GetProperty("scenario").GetString() == "cpu-bound"), r => Assert.True(r.TryGetProperty("speedup", out _)));
            Assert.All(rows.Where(r => r.GetProperty("scenario").GetString() == "imap-stream"), r => Assert.True(r.GetProperty("peak_mb").GetDouble() > 0));
            Assert.Contains(bench.Stdout, line => line.StartsWith("map-squares", StringComparison.Ordinal) && line.Contains("actorpool-cluster", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(json);
        }
    }
}
