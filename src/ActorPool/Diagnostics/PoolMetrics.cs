using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ActorPool.Internal;

/// <summary>
/// ActorPool's instruments on the platform's metrics API: meter <c>ActorPool</c>, readable with
/// <c>dotnet-counters monitor -n PROCESS --counters ActorPool</c> or any <see cref="MeterListener"/>, and its
/// <see cref="ActivitySource"/> of the same name, one activity per call. Router measurements carry the tag
/// <c>actorpool.pool</c> (the router's name); worker counts carry <c>actorpool.node</c> and <c>actorpool.host</c>.
/// </summary>
internal static class PoolMetrics
{
    /// <summary>The meter's and the activity source's name.</summary>
    public const string Name = "ActorPool";

    private static readonly Meter Meter = new(Name);

    private static readonly ConcurrentDictionary<object, Func<Measurement<int>>> WorkerCounts = new();

    /// <summary>One activity per call, from submission to its answer.</summary>
    public static readonly ActivitySource Tracing = new(Name);

    /// <summary>Items submitted (an apply is one).</summary>
    public static readonly Counter<long> TasksSubmitted = Meter.CreateCounter<long>(
        "actorpool.tasks.submitted", unit: "{task}", description: "Items submitted to pools (an apply is one item).");

    /// <summary>Items whose chunk completed without failure.</summary>
    public static readonly Counter<long> TasksCompleted = Meter.CreateCounter<long>(
        "actorpool.tasks.completed", unit: "{task}", description: "Items whose chunk a worker completed without a failure.");

    /// <summary>Chunks sent to a worker (again after a loss, too).</summary>
    public static readonly Counter<long> ChunksDispatched = Meter.CreateCounter<long>(
        "actorpool.chunks.dispatched", unit: "{chunk}", description: "Chunks sent to workers, first sends and re-sends.");

    /// <summary>Chunks answered with a failure (a function threw on one of its items, or could not run).</summary>
    public static readonly Counter<long> ChunksFailed = Meter.CreateCounter<long>(
        "actorpool.chunks.failed", unit: "{chunk}", description: "Chunks a worker answered with a failure.");

    /// <summary>Chunks sent again; tag <c>reason</c>: <c>worker-lost</c> or <c>worker-crashed</c>.</summary>
    public static readonly Counter<long> ChunksRetried = Meter.CreateCounter<long>(
        "actorpool.chunks.retried", unit: "{chunk}", description: "Chunks sent again because their worker was lost, became unreachable or crashed.");

    /// <summary>Chunks at workers now.</summary>
    public static readonly UpDownCounter<long> ChunksInFlight = Meter.CreateUpDownCounter<long>(
        "actorpool.chunks.in_flight", unit: "{chunk}", description: "Chunks sent to workers and not yet answered.");

    /// <summary>Seconds from a chunk's dispatch to its answer at the router.</summary>
    public static readonly Histogram<double> ChunkDuration = Meter.CreateHistogram<double>(
        "actorpool.chunk.duration", unit: "s", description: "Time from a chunk's dispatch to its worker's answer, at the router.");

    /// <summary>Workers abandoned because they were stuck in a call that timed out, and replaced by fresh ones.</summary>
    public static readonly Counter<long> WorkersAbandoned = Meter.CreateCounter<long>(
        "actorpool.workers.abandoned", unit: "{worker}", description: "Workers abandoned inside a timed-out call and replaced by fresh ones.");

    static PoolMetrics() => Meter.CreateObservableGauge(
        "actorpool.workers", () => WorkerCounts.Values.Select(count => count()), unit: "{worker}", description: "Workers each worker host runs now.");

    /// <summary>Reports a worker host's worker count until <see cref="Forget"/>.</summary>
    public static void Observe(object host, Func<Measurement<int>> count) => WorkerCounts[host] = count;

    /// <summary>Stops reporting a worker host.</summary>
    public static void Forget(object host) => WorkerCounts.TryRemove(host, out _);

    /// <summary>Starts a call's activity on <see cref="Tracing"/> when something listens, and ends it when <paramref name="completion"/> does.</summary>
    public static Activity? TraceCall(Task completion)
    {
        var caller = Activity.Current;
        if (Tracing.StartActivity("ActorPool call", ActivityKind.Client) is not { } activity)
        {
            return null;
        }

        // The call runs on after this returns: the caller's own activity stays current, so its later work is not nested in ours.
        Activity.Current = caller;

        completion.ContinueWith(
            static (done, state) =>
            {
                var activity = (Activity)state!;
                if (done.IsFaulted)
                {
                    activity.SetStatus(ActivityStatusCode.Error, done.Exception?.GetBaseException().Message);
                }

                activity.Dispose();
            },
            activity, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return activity;
    }
}
