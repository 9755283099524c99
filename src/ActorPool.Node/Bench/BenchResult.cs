using System.Text.Json.Serialization;

namespace ActorPool.Node.Bench;

/// <summary>What one timed run of a scenario measured; a scenario fills in the values that apply to it.</summary>
internal readonly record struct Measurement(double Seconds, double? P50Us = null, double? P99Us = null, double? Speedup = null, double? PeakMb = null);

/// <summary>
/// One scenario on one engine over several timed runs; serialized as the JSON the README and bench/compare read.
/// A single run on a busy 2-core machine can be off by a factor of two, so every value is the median over the runs,
/// and its min and max travel with it to show how much the runs disagreed. The median keys keep the names they had
/// when the bench ran once (<c>ops_per_s</c>, <c>p50_us</c>, …), so readers of the old JSON keep working.
/// </summary>
internal sealed record BenchResult
{
    [JsonPropertyName("scenario")]
    public required string Scenario { get; init; }

    [JsonPropertyName("engine")]
    public required string Engine { get; init; }

    /// <summary>Operations (items, calls or tasks) in one timed run.</summary>
    [JsonPropertyName("ops")]
    public required long Ops { get; init; }

    /// <summary>Timed runs after the warm-up.</summary>
    [JsonPropertyName("runs")]
    public required int Runs { get; init; }

    /// <summary>Median duration of one run.</summary>
    [JsonPropertyName("seconds")]
    public required double Seconds { get; init; }

    [JsonPropertyName("ops_per_s")]
    public required double OpsPerSecond { get; init; }

    [JsonPropertyName("ops_per_s_min")]
    public required double OpsPerSecondMin { get; init; }

    [JsonPropertyName("ops_per_s_max")]
    public required double OpsPerSecondMax { get; init; }

    [JsonPropertyName("p50_us")]
    public double? P50Us { get; init; }

    [JsonPropertyName("p50_us_min")]
    public double? P50UsMin { get; init; }

    [JsonPropertyName("p50_us_max")]
    public double? P50UsMax { get; init; }

    [JsonPropertyName("p99_us")]
    public double? P99Us { get; init; }

    [JsonPropertyName("p99_us_min")]
    public double? P99UsMin { get; init; }

    [JsonPropertyName("p99_us_max")]
    public double? P99UsMax { get; init; }

    [JsonPropertyName("speedup")]
    public double? Speedup { get; init; }

    [JsonPropertyName("speedup_min")]
    public double? SpeedupMin { get; init; }

    [JsonPropertyName("speedup_max")]
    public double? SpeedupMax { get; init; }

    /// <summary>The highest peak working set of any run: memory is a bound, so the worst run is the one that counts.</summary>
    [JsonPropertyName("peak_mb")]
    public double? PeakMb { get; init; }

    /// <summary>Summarizes the timed runs of one scenario on one engine.</summary>
    public static BenchResult FromRuns(string scenario, string engine, long ops, IReadOnlyList<Measurement> runs)
    {
        if (runs.Count == 0)
        {
            throw new ArgumentException("A result needs at least one run.", nameof(runs));
        }

        var opsPerSecond = runs.Select(r => r.Seconds > 0 ? ops / r.Seconds : 0).ToArray();
        var p50 = Summary.Of(runs.Select(r => r.P50Us));
        var p99 = Summary.Of(runs.Select(r => r.P99Us));
        var speedup = Summary.Of(runs.Select(r => r.Speedup));
        var peak = runs.Select(r => r.PeakMb).Where(p => p.HasValue).Max();
        return new BenchResult
        {
            Scenario = scenario,
            Engine = engine,
            Ops = ops,
            Runs = runs.Count,
            Seconds = Math.Round(Median(runs.Select(r => r.Seconds)), 6),
            OpsPerSecond = Math.Round(Median(opsPerSecond), 1),
            OpsPerSecondMin = Math.Round(opsPerSecond.Min(), 1),
            OpsPerSecondMax = Math.Round(opsPerSecond.Max(), 1),
            P50Us = Round(p50?.Median, 2),
            P50UsMin = Round(p50?.Min, 2),
            P50UsMax = Round(p50?.Max, 2),
            P99Us = Round(p99?.Median, 2),
            P99UsMin = Round(p99?.Min, 2),
            P99UsMax = Round(p99?.Max, 2),
            Speedup = Round(speedup?.Median, 3),
            SpeedupMin = Round(speedup?.Min, 3),
            SpeedupMax = Round(speedup?.Max, 3),
            PeakMb = Round(peak, 1),
        };
    }

    /// <summary>The median: the middle value, or the mean of the two middle ones for an even count.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("The median of nothing is undefined.", nameof(values));
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;

    private sealed record Summary(double Median, double Min, double Max)
    {
        /// <summary>Median, min and max of the values a scenario measured; null when it measured none (e.g. p50 of a map).</summary>
        public static Summary? Of(IEnumerable<double?> values)
        {
            var present = values.Where(v => v.HasValue).Select(v => v!.Value).ToArray();
            return present.Length == 0 ? null : new Summary(BenchResult.Median(present), present.Min(), present.Max());
        }
    }
}
