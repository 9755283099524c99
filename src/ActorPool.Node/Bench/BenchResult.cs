using System.Text.Json.Serialization;

namespace ActorPool.Node.Bench;

/// <summary>One scenario on one engine; serialized as the JSON the README and bench/compare read.</summary>
internal sealed record BenchResult(
    [property: JsonPropertyName("scenario")] string Scenario,
    [property: JsonPropertyName("engine")] string Engine,
    [property: JsonPropertyName("ops")] long Ops,
    [property: JsonPropertyName("seconds")] double Seconds)
{
    [JsonPropertyName("ops_per_s")]
    public double OpsPerSecond => Seconds > 0 ? Math.Round(Ops / Seconds, 1) : 0;

    [JsonPropertyName("p50_us")]
    public double? P50Us { get; init; }

    [JsonPropertyName("p99_us")]
    public double? P99Us { get; init; }

    [JsonPropertyName("speedup")]
    public double? Speedup { get; init; }

    [JsonPropertyName("peak_mb")]
    public double? PeakMb { get; init; }
}
