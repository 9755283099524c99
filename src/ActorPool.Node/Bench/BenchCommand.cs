using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using ActorPool.Node.Commands;

namespace ActorPool.Node.Bench;

/// <summary>
/// <c>bench</c>: the scenarios on ActorPool (in-process and over a cluster) and on the in-process baselines,
/// measured in one run; a table on stdout and, with --json, the rows as JSON.
/// </summary>
internal static class BenchCommand
{
    private const string Local = "actorpool-local";
    private const string ClusterEngine = "actorpool-cluster";

    /// <summary>Enough runs for a median that one disturbed run cannot move, few enough to keep a full bench in minutes.</summary>
    private const int DefaultRepeats = 5;

    public static Command Create()
    {
        var seeds = Commands.CommonOptions.Seeds();
        seeds.Description = "Run the actorpool-cluster engine on these nodes instead of a worker node the bench starts on 127.0.0.1.";
        var quick = new Option<bool>("--quick") { Description = "Smaller sizes: a smoke run that proves every scenario and engine works." };
        var json = new Option<string?>("--json") { Description = "Also write the results to this file as a JSON array, one object per scenario and engine." };
        var noCluster = new Option<bool>("--no-cluster") { Description = "Skip the actorpool-cluster engine (and the akka-floor-remote floor, which needs its node)." };
        var repeats = new Option<int>("--repeats")
        {
            Description = "Timed runs of every scenario after its warm-up; the median is reported, with the min and max.",
            DefaultValueFactory = _ => DefaultRepeats,
        };
        repeats.Validate(1, "timed runs per scenario");
        var only = new Option<string[]>("--scenario")
        {
            Description = $"Run only these scenarios (repeat the option, or separate by commas): {string.Join(", ", Scenarios.Names)}.",
            AllowMultipleArgumentsPerToken = true,
        };
        only.Validators.Add(result =>
        {
            foreach (var name in Split(result.GetValueOrDefault<string[]>() ?? []))
            {
                if (!Scenarios.Names.Contains(name))
                {
                    result.AddError($"--scenario: no scenario is called '{name}'; the scenarios are {string.Join(", ", Scenarios.Names)}.");
                }
            }
        });
        var command = new Command("bench", "Measure ActorPool against sequential code, PLINQ, Parallel.For and bare Akka.NET round trips on seven scenarios, in one run.")
        {
            seeds, quick, json, noCluster, repeats, only,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(seeds) ?? [], result.GetValue(quick), result.GetValue(json),
            result.GetValue(noCluster), result.GetValue(repeats), Split(result.GetValue(only) ?? []), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string[] seeds, bool quick, string? json, bool noCluster, int repeats, string[] only, CancellationToken cancellationToken)
    {
        var sizes = quick ? BenchSizes.Quick : BenchSizes.Full;
        var scenarios = new Scenarios(sizes, repeats, name => only.Length == 0 || only.Contains(name));
        var processes = Environment.ProcessorCount;
        var results = new List<BenchResult>();
        Console.WriteLine($"# ActorPool bench{(quick ? " (quick)" : "")}: {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.ProcessArchitecture}, " +
                          $"{processes} cores, .NET {Environment.Version}; pools of {processes} workers; " +
                          $"median of {repeats} timed run{(repeats == 1 ? "" : "s")} after a warm-up, min..max in brackets");
        Console.WriteLine(Header());

        void Record(BenchResult result)
        {
            results.Add(result);
            Console.WriteLine(Row(result));
        }

        (string Name, Func<string, Pool?, BenchResult> Run)[] all =
        [
            ("imap-stream", scenarios.ImapStream), ("map-squares", scenarios.MapSquares), ("map-records", scenarios.MapRecords),
            ("apply-async", scenarios.ApplyAsync), ("apply-latency", scenarios.ApplyLatency), ("cpu-bound", scenarios.CpuBound),
        ];
        var wanted = all.Where(scenario => scenarios.Wants(scenario.Name)).ToArray();
        foreach (var engine in new[] { Scenarios.Sequential, Scenarios.Plinq, Scenarios.ParallelFor })
        {
            foreach (var scenario in wanted)
            {
                if (!(engine == Scenarios.ParallelFor && scenario.Name == "imap-stream"))
                {
                    Record(scenario.Run(engine, null));
                }
            }
        }

        await using (var pool = Pool.Create(processes))
        {
            foreach (var scenario in wanted)
            {
                Record(scenario.Run(Local, pool));
            }

            if (scenarios.Wants("async-io"))
            {
                Record(scenarios.AsyncIo(Local, pool));
            }

            AkkaFloor.InProcess(scenarios, pool.System, Record);
        }

        if (!noCluster)
        {
            await using var cluster = await ClusterHarness.StartAsync(seeds, processes, cancellationToken).ConfigureAwait(false);
            foreach (var scenario in wanted)
            {
                Record(scenario.Run(ClusterEngine, cluster.Pool));
            }

            if (scenarios.Wants("async-io"))
            {
                Record(scenarios.AsyncIo(ClusterEngine, cluster.Pool));
            }

            AkkaFloor.Remote(scenarios, cluster.Pool.System, cluster.WorkerNode, Record);
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

    private static string[] Split(string[] values) =>
        [.. values.SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    // One line per row: each value is the median over the runs, followed by [min..max] where a scenario measures it.
    private static string Header() =>
        $"{"scenario",-15}{"engine",-20}{"runs",5}{"ops",12}{"ops/s",14} {"[min..max]",-26}{"p50 us",9} {"[min..max]",-18}" +
        $"{"p99 us",9} {"[min..max]",-20}{"speedup",8} {"[min..max]",-13}{"peak MB",8}";

    private static string Row(BenchResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Scenario,-15}{r.Engine,-20}{r.Runs,5}{r.Ops,12:N0}{r.OpsPerSecond,14:N0} {Range(r.OpsPerSecondMin, r.OpsPerSecondMax, "N0"),-26}" +
        $"{Cell(r.P50Us, "0.0"),9} {Range(r.P50UsMin, r.P50UsMax, "0.0"),-18}{Cell(r.P99Us, "0.0"),9} {Range(r.P99UsMin, r.P99UsMax, "0.0"),-20}" +
        $"{Cell(r.Speedup, "0.00"),8} {Range(r.SpeedupMin, r.SpeedupMax, "0.00"),-13}{Cell(r.PeakMb, "0"),8}");

    private static string Cell(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static string Range(double? min, double? max, string format) =>
        min is null || max is null ? "" : $"[{Cell(min, format)}..{Cell(max, format)}]";
}
