using System.Collections.Concurrent;

namespace ActorPool.Tests;

/// <summary>Async pool functions for the specs: each counts the calls running at once, so overlap is seen, not timed.</summary>
public static class AsyncJobs
{
    private static readonly ConcurrentDictionary<string, Gauge> Gauges = new();

    /// <summary>A fresh gauge for one test's calls.</summary>
    public static string NewRun() => Guid.NewGuid().ToString("N");

    /// <summary>The most calls of <paramref name="run"/> that were running at the same time.</summary>
    public static int MostAtOnce(string run) => Gauges.GetOrAdd(run, _ => new Gauge()).Most;

    /// <summary>How many calls of <paramref name="run"/> saw their token cancelled.</summary>
    public static int CancelledCalls(string run) => Gauges.GetOrAdd(run, _ => new Gauge()).Cancelled;

    /// <summary>Waits <paramref name="item"/>.Milliseconds without a thread, counted in its run's gauge; returns the item's value doubled.</summary>
    [PoolFunction]
    public static async Task<int> Wait(WaitItem item)
    {
        var gauge = Gauges.GetOrAdd(item.Run, _ => new Gauge());
        gauge.Enter();
        try
        {
            await Task.Delay(item.Milliseconds).ConfigureAwait(false);
            return item.Value * 2;
        }
        finally
        {
            gauge.Leave();
        }
    }

    /// <summary>Waits until its token is cancelled (then counts it and rethrows), or for a minute.</summary>
    [PoolFunction]
    public static async Task<int> WaitForCancel(WaitItem item, CancellationToken cancellationToken)
    {
        var gauge = Gauges.GetOrAdd(item.Run, _ => new Gauge());
        gauge.Enter();
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false);
            return item.Value;
        }
        catch (OperationCanceledException)
        {
            gauge.Cancel();
            throw;
        }
        finally
        {
            gauge.Leave();
        }
    }

    /// <summary>The worker running it, read after an await has moved the call to another thread.</summary>
    [PoolFunction]
    public static async Task<string> WorkerAfterAwait(int milliseconds)
    {
        await Task.Delay(milliseconds).ConfigureAwait(false);
        return WorkerContext.Current.WorkerId;
    }

    /// <summary>Fails after an await, for item values divisible by 3.</summary>
    [PoolFunction]
    public static async Task<int> FailOnThrees(int value)
    {
        await Task.Yield();
        return value % 3 == 0 ? throw new InvalidOperationException($"three divides {value}") : value;
    }

    /// <summary>A <see cref="ValueTask{TResult}"/>: awaited as well, when called by name.</summary>
    [PoolFunction]
    public static async ValueTask<long> Halve(long value)
    {
        await Task.Yield();
        return value / 2;
    }

    /// <summary>Returns nothing: its result is null once it has been awaited.</summary>
    [PoolFunction]
    public static async Task Nothing(int milliseconds) => await Task.Delay(milliseconds).ConfigureAwait(false);

    private sealed class Gauge
    {
        private int _running;
        private int _most;
        private int _cancelled;

        public int Most => Volatile.Read(ref _most);

        public int Cancelled => Volatile.Read(ref _cancelled);

        public void Enter()
        {
            var now = Interlocked.Increment(ref _running);
            int most;
            while (now > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, now, most) != most)
            {
            }
        }

        public void Leave() => Interlocked.Decrement(ref _running);

        public void Cancel() => Interlocked.Increment(ref _cancelled);
    }
}

/// <summary>One call of <see cref="AsyncJobs.Wait"/>: which run it counts in, how long it waits, and its value.</summary>
/// <param name="Run">The gauge it counts in.</param>
/// <param name="Milliseconds">How long it waits.</param>
/// <param name="Value">What it returns, doubled.</param>
public sealed record WaitItem(string Run, int Milliseconds, int Value);
