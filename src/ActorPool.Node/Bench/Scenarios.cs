using System.Diagnostics;
using ActorPool.Node.Hosting;

namespace ActorPool.Node.Bench;

/// <summary>How big each scenario is: the full sizes the issue names, or --quick ones for a smoke run.</summary>
internal sealed record BenchSizes(int Map, int Async, int Latency, int CpuTasks, int CpuMilliseconds, long Stream)
{
    public static readonly BenchSizes Full = new(1_000_000, 100_000, 10_000, 64, 20, 10_000_000);
    public static readonly BenchSizes Quick = new(100_000, 10_000, 1_000, 16, 20, 500_000);
}

/// <summary>
/// The five scenarios, each run on one engine after a warm-up. Baseline engines run the same functions
/// (<see cref="SampleFunctions"/>) in-process; pool engines run them through a <see cref="Pool"/>.
/// </summary>
internal sealed class Scenarios(BenchSizes sizes)
{
    public const string Sequential = "sequential";
    public const string Plinq = "plinq";
    public const string ParallelFor = "parallel-for";

    private static readonly Func<long, long> Square = SampleFunctions.Square;
    private long _spinRounds;
    private double _sequentialCpuSeconds;

    /// <summary>map-squares: squares of the integers 0..n-1 through Map (or its baseline equivalent), in order.</summary>
    public BenchResult MapSquares(string engine, Pool? pool)
    {
        long[] Run(long[] items) => engine switch
        {
            Sequential => items.Select(Square).ToArray(),
            Plinq => items.AsParallel().AsOrdered().Select(Square).ToArray(),
            ParallelFor => ParallelSquares(items),
            _ => (long[])pool!.Map(SampleFunctions.Square, items),
        };

        Run(Range(Math.Max(1_000, sizes.Map / 100)));
        var input = Range(sizes.Map);
        var clock = Stopwatch.StartNew();
        var output = Run(input);
        var seconds = clock.Elapsed.TotalSeconds;
        Check(output.Length == input.Length && output[^1] == input[^1] * input[^1], engine, "map-squares");
        return new BenchResult("map-squares", engine, input.Length, seconds);
    }

    /// <summary>apply-async: n single calls submitted together, then all awaited.</summary>
    public BenchResult ApplyAsync(string engine, Pool? pool)
    {
        long Run(int n)
        {
            switch (engine)
            {
                case Sequential:
                    long sum = 0;
                    for (var i = 0; i < n; i++)
                    {
                        sum += Square(i);
                    }

                    return sum;
                case Plinq:
                    return ParallelEnumerable.Range(0, n).AsOrdered().Select(i => Square(i)).Sum();
                case ParallelFor:
                    var results = new long[n];
                    Parallel.For(0, n, i => results[i] = Square(i));
                    return results.Sum();
                default:
                    var calls = new Task<long>[n];
                    for (var i = 0; i < n; i++)
                    {
                        calls[i] = pool!.ApplyAsync(SampleFunctions.Square, (long)i);
                    }

                    Task.WhenAll(calls).GetAwaiter().GetResult();
                    return calls.Sum(c => c.Result);
            }
        }

        Run(Math.Max(100, sizes.Async / 100));
        var clock = Stopwatch.StartNew();
        var total = Run(sizes.Async);
        var seconds = clock.Elapsed.TotalSeconds;
        Check(total == Enumerable.Range(0, sizes.Async).Sum(i => (long)i * i), engine, "apply-async");
        return new BenchResult("apply-async", engine, sizes.Async, seconds);
    }

    /// <summary>apply-latency: n single calls one after another; the time of each is recorded.</summary>
    public BenchResult ApplyLatency(string engine, Pool? pool)
    {
        long Once(long x) => engine switch
        {
            Sequential => Square(x),
            Plinq => new[] { x }.AsParallel().AsOrdered().Select(Square).First(),
            ParallelFor => ParallelSquares([x])[0],
            _ => pool!.Apply(SampleFunctions.Square, x),
        };

        for (var i = 0; i < Math.Max(200, sizes.Latency / 20); i++)
        {
            Once(i);
        }

        var latencies = new double[sizes.Latency];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < latencies.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var value = Once(i);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            Check(value == (long)i * i, engine, "apply-latency");
        }

        var seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new BenchResult("apply-latency", engine, latencies.Length, seconds)
        {
            P50Us = Math.Round(latencies[latencies.Length / 2], 2),
            P99Us = Math.Round(latencies[(int)(latencies.Length * 0.99) - 1], 2),
        };
    }

    /// <summary>cpu-bound: n tasks of a fixed amount of CPU work (about 20 ms each alone); speedup over running them one by one.</summary>
    public BenchResult CpuBound(string engine, Pool? pool)
    {
        if (_spinRounds == 0)
        {
            _spinRounds = Calibrate(sizes.CpuMilliseconds);
            _sequentialCpuSeconds = Time(() => RunCpu(Sequential, null, sizes.CpuTasks));
        }

        RunCpu(engine, pool, Math.Min(4, sizes.CpuTasks));
        var seconds = engine == Sequential ? _sequentialCpuSeconds : Time(() => RunCpu(engine, pool, sizes.CpuTasks));
        return new BenchResult("cpu-bound", engine, sizes.CpuTasks, seconds) { Speedup = Math.Round(_sequentialCpuSeconds / seconds, 3) };
    }

    /// <summary>imap-stream: n items streamed through Imap (or a streaming baseline), with the peak working set.</summary>
    public BenchResult ImapStream(string engine, Pool? pool)
    {
        long Run(long n)
        {
            long count = 0;
            switch (engine)
            {
                case Sequential:
                    foreach (var value in LongRange(n).Select(Square))
                    {
                        count += value >= 0 ? 1 : 0;
                    }

                    break;
                case Plinq:
                    foreach (var value in LongRange(n).AsParallel().AsOrdered().Select(Square))
                    {
                        count += value >= 0 ? 1 : 0;
                    }

                    break;
                default:
                    var stream = pool!.Imap(SampleFunctions.Square, LongRange(n), chunkSize: 10_000).GetAsyncEnumerator();
                    try
                    {
                        while (stream.MoveNextAsync().AsTask().GetAwaiter().GetResult())
                        {
                            count += stream.Current >= 0 ? 1 : 0;
                        }
                    }
                    finally
                    {
                        stream.DisposeAsync().AsTask().GetAwaiter().GetResult();
                    }

                    break;
            }

            return count;
        }

        Run(Math.Max(10_000, sizes.Stream / 100));
        var memory = PeakMemory.Start();
        var clock = Stopwatch.StartNew();
        long count;
        try
        {
            count = Run(sizes.Stream);
        }
        finally
        {
            // Stop sampling before reading the peak: the sampler takes its last look as it stops.
            memory.Dispose();
        }

        var seconds = clock.Elapsed.TotalSeconds;
        Check(count == sizes.Stream, engine, "imap-stream");
        return new BenchResult("imap-stream", engine, sizes.Stream, seconds) { PeakMb = Math.Round(memory.PeakMb, 1) };
    }

    private void RunCpu(string engine, Pool? pool, int tasks)
    {
        var work = Enumerable.Repeat(_spinRounds, tasks).ToArray();
        switch (engine)
        {
            case Sequential:
                foreach (var rounds in work)
                {
                    SampleFunctions.Spin(rounds);
                }

                break;
            case Plinq:
                _ = work.AsParallel().AsOrdered().Select(SampleFunctions.Spin).ToArray();
                break;
            case ParallelFor:
                Parallel.For(0, work.Length, i => SampleFunctions.Spin(work[i]));
                break;
            default:
                _ = pool!.Map(SampleFunctions.Spin, work, chunkSize: 1);
                break;
        }
    }

    /// <summary>Rounds of <see cref="SampleFunctions.Spin"/> that take about <paramref name="milliseconds"/> ms on one core.</summary>
    private static long Calibrate(int milliseconds)
    {
        long rounds = 1;
        while (true)
        {
            var elapsed = Time(() => SampleFunctions.Spin(rounds)) * 1000;
            if (elapsed >= 50)
            {
                return Math.Max(1, (long)(rounds * milliseconds / elapsed));
            }

            rounds *= 2;
        }
    }

    private static long[] ParallelSquares(long[] items)
    {
        var results = new long[items.Length];
        Parallel.For(0, items.Length, i => results[i] = Square(items[i]));
        return results;
    }

    private static long[] Range(int n)
    {
        var items = new long[n];
        for (var i = 0; i < n; i++)
        {
            items[i] = i;
        }

        return items;
    }

    private static IEnumerable<long> LongRange(long n)
    {
        for (long i = 0; i < n; i++)
        {
            yield return i;
        }
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    private static void Check(bool correct, string engine, string scenario)
    {
        if (!correct)
        {
            throw new InvalidOperationException($"{engine} gave wrong results in {scenario}.");
        }
    }
}
