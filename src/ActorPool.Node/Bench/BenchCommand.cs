using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ActorPool.Node.Bench;

/// <summary>
/// <c>bench</c>: the scenarios on ActorPool (in-process and over a cluster) and on the in-process baselines,
/// measured in one run; a table on stdout and, with --json, the rows as JSON.
/// </summary>
internal static class BenchCommand
{
    private const string Local = "actorpool-local";
    private const string ClusterEngine = "actorpool-cluster";

    public static Command Create()
    {
        var seeds = Commands.CommonOptions.Seeds();
        seeds.Description = "Run the actorpool-cluster engine on these nodes instead of a worker node the bench starts on 127.0.0.1.";
        var quick = new Option<bool>("--quick") { Description = "Smaller sizes: a smoke run that proves every scenario and engine works." };
        var json = new Option<string?>("--json") { Description = "Also write the results to this file as a JSON array, one object per scenario and engine." };
        var noCluster = new Option<bool>("--no-cluster") { Description = "Skip the actorpool-cluster engine." };
        var command = new Command("bench", "Measure ActorPool against sequential code, PLINQ and Parallel.For on five scenarios, in one run.")
        {
            seeds, quick, json, noCluster,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(seeds) ?? [], result.GetValue(quick), result.GetValue(json),
            result.GetValue(noCluster), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string[] seeds, bool quick, string? json, bool noCluster, CancellationToken cancellationToken)
    {
        var sizes = quick ? BenchSizes.Quick : BenchSizes.Full;
        var scenarios = new Scenarios(sizes);
        var processes = Environment.ProcessorCount;
        var results = new List<BenchResult>();
        Console.WriteLine($"# ActorPool bench{(quick ? " (quick)" : "")}: {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.ProcessArchitecture}, " +
                          $"{processes} cores, .NET {Environment.Version}; pools of {processes} workers");
        Console.WriteLine(Header());

        void Record(BenchResult result)
        {
            results.Add(result);
            Console.WriteLine(Row(result));
        }

        Func<string, Pool?, BenchResult>[] all = [scenarios.ImapStream, scenarios.MapSquares, scenarios.ApplyAsync, scenarios.ApplyLatency, scenarios.CpuBound];
        foreach (var engine in new[] { Scenarios.Sequential, Scenarios.Plinq, Scenarios.ParallelFor })
        {
            foreach (var scenario in all)
            {
                if (!(engine == Scenarios.ParallelFor && scenario == scenarios.ImapStream))
                {
                    Record(scenario(engine, null));
                }
            }
        }

        await using (var pool = Pool.Create(processes))
        {
            foreach (var scenario in all)
            {
                Record(scenario(Local, pool));
            }
        }

        if (!noCluster)
        {
            await using var cluster = await ClusterHarness.StartAsync(seeds, processes, cancellationToken).ConfigureAwait(false);
            foreach (var scenario in all)
            {
                Record(scenario(ClusterEngine, cluster.Pool));
            }
        }

        if (json is not null)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(results, new JsonSerializerOptions
            {
                WriteIndented = true,
                DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
            }), cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    private static string Header() =>
        $"{"scenario",-15}{"engine",-20}{"ops",12}{"seconds",10}{"ops/s",15}{"p50 us",10}{"p99 us",10}{"speedup",9}{"peak MB",9}";

    private static string Row(BenchResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Scenario,-15}{r.Engine,-20}{r.Ops,12:N0}{r.Seconds,10:0.000}{r.OpsPerSecond,15:N0}{Cell(r.P50Us, "0.0"),10}{Cell(r.P99Us, "0.0"),10}{Cell(r.Speedup, "0.00"),9}{Cell(r.PeakMb, "0"),9}");

    private static string Cell(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
}
