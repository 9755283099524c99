using System.Diagnostics;

namespace ActorPool.Node.Hosting;

/// <summary>Functions every node has, for trying a cluster out and for its tests.</summary>
public static class SampleFunctions
{
    /// <summary><c>square</c>: x².</summary>
    /// <param name="x">The number.</param>
    /// <returns>x squared (as a 64-bit integer, so 0..99999 squares do not overflow).</returns>
    [PoolFunction("square")]
    public static long Square(long x) => x * x;

    /// <summary><c>sleep</c>: sleeps <paramref name="milliseconds"/> ms and returns it, standing in for slow I/O.</summary>
    /// <param name="milliseconds">How long to sleep.</param>
    /// <returns><paramref name="milliseconds"/>.</returns>
    [PoolFunction("sleep")]
    public static int Sleep(int milliseconds)
    {
        Thread.Sleep(milliseconds);
        return milliseconds;
    }

    /// <summary><c>burn</c>: spins the CPU for about <paramref name="milliseconds"/> ms and returns how many rounds it ran.</summary>
    /// <param name="milliseconds">How long to burn.</param>
    /// <returns>Rounds of arithmetic done.</returns>
    [PoolFunction("burn")]
    public static long Burn(int milliseconds)
    {
        var clock = Stopwatch.StartNew();
        long rounds = 0;
        var x = 1.0;
        while (clock.ElapsedMilliseconds < milliseconds)
        {
            for (var i = 0; i < 10_000; i++)
            {
                x = Math.Sqrt(x + i);
            }

            rounds++;
        }

        return x > 0 ? rounds : -rounds;
    }

    /// <summary>
    /// <c>spin</c>: a fixed amount of pure CPU work, <paramref name="rounds"/> rounds of arithmetic. Unlike
    /// <see cref="Burn"/> it does the same work however busy the machine is, so speedups measured with it are honest.
    /// </summary>
    /// <param name="rounds">Rounds of 1,000 square roots.</param>
    /// <returns>A value that depends on every round, so the work cannot be skipped.</returns>
    [PoolFunction("spin")]
    public static double Spin(long rounds)
    {
        var x = 1.0;
        for (long r = 0; r < rounds; r++)
        {
            for (var i = 0; i < 1_000; i++)
            {
                x = Math.Sqrt(x + i);
            }
        }

        return x;
    }

    /// <summary><c>fail-on-13</c>: returns its input, but throws on 13, to show how failures travel.</summary>
    /// <param name="x">The number.</param>
    /// <returns><paramref name="x"/>.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="x"/> is 13.</exception>
    [PoolFunction("fail-on-13")]
    public static int FailOn13(int x) => x == 13 ? throw new InvalidOperationException("13 is unlucky") : x;

    /// <summary><c>where</c>: the worker and node that ran the call, for seeing how work spreads.</summary>
    /// <param name="x">Any number (echoed).</param>
    /// <returns><c>x@node worker</c>.</returns>
    [PoolFunction("where")]
    public static string Where(int x) => $"{x}@{WorkerContext.Current.Node} {WorkerContext.Current.WorkerId}";

    /// <summary><c>calibrate</c>: a small record in, a small record out, for the <c>map-records</c> benchmark.</summary>
    /// <param name="reading">A sensor reading.</param>
    /// <returns>Its value, calibrated.</returns>
    [PoolFunction("calibrate")]
    public static Calibrated Calibrate(Reading reading) => new(reading.Id, reading.Value * 1.5 + 2.0);

    /// <summary><c>wait-io</c>: waits <paramref name="milliseconds"/> without holding a thread, standing in for a network call.</summary>
    /// <param name="milliseconds">How long to wait.</param>
    /// <returns><paramref name="milliseconds"/>.</returns>
    [PoolFunction("wait-io")]
    public static async Task<int> WaitIo(int milliseconds)
    {
        await Task.Delay(milliseconds).ConfigureAwait(false);
        return milliseconds;
    }
}

/// <summary>A sensor reading: the record <c>map-records</c> maps.</summary>
/// <param name="Id">Its number.</param>
/// <param name="Sensor">Which sensor.</param>
/// <param name="Value">What it read.</param>
/// <param name="At">When, in Unix seconds.</param>
public sealed record Reading(int Id, string Sensor, double Value, long At);

/// <summary>A calibrated reading.</summary>
/// <param name="Id">The reading's number.</param>
/// <param name="Value">Its calibrated value.</param>
public sealed record Calibrated(int Id, double Value);
