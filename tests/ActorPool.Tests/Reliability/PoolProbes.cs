using System.Diagnostics.Metrics;
using Akka.Actor;

namespace ActorPool.Tests.Reliability;

/// <summary>Sums what one of ActorPool's counters (meter <c>ActorPool</c>) records while it is alive.</summary>
internal sealed class CounterProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public CounterProbe(string instrument)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Meter.Name == "ActorPool" && published.Name == instrument)
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    /// <summary>The sum so far (pools of other specs running meanwhile add to it too).</summary>
    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}

/// <summary>Looks at an in-process pool's workers: <c>/user/pool-…/workers/w0</c>, <c>w1</c>, ….</summary>
internal static class PoolWorkers
{
    /// <summary>The worker named <paramref name="name"/>, once it has started.</summary>
    public static async Task<IActorRef> Get(Pool pool, string name)
    {
        var deadline = DateTime.UtcNow + Bounds.Call;
        while (true)
        {
            try
            {
                return await pool.System.ActorSelection(pool.Router.Path / "workers" / name).ResolveOne(TimeSpan.FromSeconds(1));
            }
            catch (ActorNotFoundException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>How many workers are alive now, counted by asking each to identify itself.</summary>
    public static Task<int> LiveAsync(Pool pool) =>
        LiveActors.CountAsync(pool.System, (pool.Router.Path / "workers" / "*").ToStringWithoutAddress(), TimeSpan.FromMilliseconds(500));

    /// <summary>Waits, within a bound, until exactly <paramref name="count"/> workers are alive.</summary>
    public static async Task UntilLiveAsync(Pool pool, int count)
    {
        var deadline = DateTime.UtcNow + Bounds.Call;
        int live;
        while ((live = await LiveAsync(pool)) != count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{live} workers alive, expected {count}");
            }
        }
    }
}
