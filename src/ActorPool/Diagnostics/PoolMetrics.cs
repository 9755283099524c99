using System.Diagnostics.Metrics;

namespace ActorPool.Internal;

/// <summary>
/// ActorPool's instruments on the platform's metrics API: meter <c>ActorPool</c>, readable with
/// <c>dotnet-counters monitor --counters ActorPool</c> or any <see cref="MeterListener"/>.
/// </summary>
internal static class PoolMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ActorPool";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Workers abandoned because they were stuck in a call that timed out, and replaced by fresh ones.</summary>
    public static readonly Counter<long> WorkersAbandoned = Meter.CreateCounter<long>(
        "actorpool.workers.abandoned", unit: "{worker}", description: "Workers abandoned inside a timed-out call and replaced by fresh ones.");

    /// <summary>Chunks sent again because the worker running them crashed outside user code.</summary>
    public static readonly Counter<long> ChunksRerun = Meter.CreateCounter<long>(
        "actorpool.chunks.rerun", unit: "{chunk}", description: "Chunks run again after their worker crashed outside user code.");
}
