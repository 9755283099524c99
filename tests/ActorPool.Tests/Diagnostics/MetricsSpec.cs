using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Xunit;

namespace ActorPool.Tests.Diagnostics;

/// <summary>
/// The <c>ActorPool</c> meter and activity source, read the way <c>dotnet-counters</c> and OpenTelemetry read them:
/// a <see cref="MeterListener"/> and an <see cref="ActivityListener"/>. Each pool's router measurements carry its name
/// (<c>actorpool.pool</c>), so these figures are this spec's own even with other specs running.
/// </summary>
public sealed class MetricsSpec
{
    [Fact]
    public async Task A_map_counts_its_items_chunks_and_chunk_durations_and_leaves_nothing_in_flight()
    {
        await using var lease = PoolLease.Create(2);
        using var metrics = new Recorder(lease.Pool);

        await lease.Pool.MapAsync(TestJobs.Square, Enumerable.Range(0, 100), chunkSize: 10).Within();
        await lease.Pool.MapAsync(TestJobs.ThrowIfNegative, [1, -1, 2], chunkSize: 1).ContinueWith(_ => { }, TaskScheduler.Default).Within();

        Assert.Equal(103, metrics.Sum("actorpool.tasks.submitted"));
        Assert.Equal(13, metrics.Sum("actorpool.chunks.dispatched"));
        Assert.Equal(102, metrics.Sum("actorpool.tasks.completed"));
        Assert.Equal(1, metrics.Sum("actorpool.chunks.failed"));
        Assert.Equal(13, metrics.Count("actorpool.chunk.duration"));
        Assert.All(metrics.Values("actorpool.chunk.duration"), seconds => Assert.InRange(seconds, 0, Bounds.Call.TotalSeconds));
        Assert.Equal(0, metrics.Sum("actorpool.chunks.in_flight"));
    }

    [Fact]
    public async Task The_workers_gauge_shows_each_hosts_workers()
    {
        await using var lease = PoolLease.Create(3);
        using var metrics = new Recorder(lease.Pool);
        await lease.Pool.ApplyAsync(TestJobs.Square, 2).Within();

        var host = $"{lease.Pool.Router.Path.ToStringWithoutAddress()}/workers";
        Assert.Equal(3, metrics.Gauge("actorpool.workers", "actorpool.host", host));
    }

    [Fact]
    public async Task Each_call_is_an_activity_of_the_ActorPool_source_naming_its_function()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "ActorPool",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var lease = PoolLease.Create(1);
        using var caller = new Activity("caller").Start();

        Assert.Equal(49, await lease.Pool.ApplyAsync(TestJobs.Square, 7).Within());
        // The call's activity is not left current on the caller's flow.
        Assert.Same(caller, Activity.Current);

        var call = Assert.Single(stopped, a => a.Parent == caller);
        Assert.Equal(TestJobs.WireName(nameof(TestJobs.Square)), call.GetTagItem("actorpool.function"));
        Assert.Equal(1, call.GetTagItem("actorpool.items"));
        Assert.Equal(ActivityKind.Client, call.Kind);
    }

    /// <summary>Every measurement of the <c>ActorPool</c> meter that is one pool's (by its <c>actorpool.pool</c> tag), or a gauge.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _seen = new();
        private readonly string _pool;

        public Recorder(Pool pool)
        {
            _pool = pool.Router.Path.Name;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "ActorPool")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Note(i, v, tags));
            _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Note(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Note(i, v, tags));
            _listener.Start();
        }

        public double Sum(string instrument) => Values(instrument).Sum();

        public int Count(string instrument) => Values(instrument).Count();

        public IEnumerable<double> Values(string instrument) => _seen
            .Where(m => m.Instrument == instrument && m.Tags.Any(t => t.Key == "actorpool.pool" && Equals(t.Value, _pool)))
            .Select(m => m.Value);

        /// <summary>The gauge's current value for the series whose <paramref name="tag"/> is <paramref name="value"/>.</summary>
        public double Gauge(string instrument, string tag, string value)
        {
            _listener.RecordObservableInstruments();
            return _seen.Last(m => m.Instrument == instrument && m.Tags.Any(t => t.Key == tag && Equals(t.Value, value))).Value;
        }

        public void Dispose() => _listener.Dispose();

        private void Note(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            _seen.Enqueue((instrument.Name, value, tags.ToArray()));
    }
}
