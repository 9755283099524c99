using System.Diagnostics;
using ActorPool.Node.Hosting;

namespace ActorPool.Node.Bench;

/// <summary>How big each scenario is: the full sizes the issue names, or --quick ones for a smoke run.</summary>
internal sealed record BenchSizes(int Map, int Async, int Latency, int CpuTasks, int CpuMilliseconds, long Stream, int Records, int AsyncIo)
{
    public static readonly BenchSizes Full = new(1_000_000, 100_000, 10_000, 64, 20, 10_000_000, 1_000_000, 1_000);
    public static readonly BenchSizes Quick = new(100_000, 10_000, 1_000, 16, 20, 500_000, 100_000, 200);
}

/// <summary>
/// The scenarios, each run on one engine: a warm-up, then <paramref name="repeats"/> timed runs summarized
/// by <see cref="BenchResult.FromRuns"/> (median, min, max). Baseline engines run the same functions
/// (<see cref="SampleFunctions"/>) in-process; pool engines run them through a <see cref="Pool"/>; the
/// <c>akka-floor-*</c> engines run apply-async and apply-latency as bare <c>Ask</c>s (see <see cref="AkkaFloor"/>).
/// <paramref name="wanted"/> picks the scenarios a run measures (<c>bench --scenario</c>).
/// </summary>
internal sealed class Scenarios(BenchSizes sizes, int repeats, Func<string, bool> wanted)
{
    /// <summary>Every scenario's name, in the order a run measures them.</summary>
    public static readonly string[] Names = ["imap-stream", "map-squares", "map-records", "apply-async", "apply-latency", "cpu-bound", "async-io"];

    public const string Sequential = "sequential";
    public const string Plinq = "plinq";
    public const string ParallelFor = "parallel-for";

    private static readonly Func<long, long> Square = SampleFunctions.Square;

    /// <summary>Whether this run measures <paramref name="scenario"/>, one of <see cref="Names"/>.</summary>
    public bool Wants(string scenario) => wanted(scenario);

    private long _spinRounds;
    private double _spinResult;
    private Measurement[]? _sequentialCpuRuns;
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
        return Repeat("map-squares", engine, input.Length, () =>
        {
            var clock = Stopwatch.StartNew();
            var output = Run(input);
            var seconds = clock.Elapsed.TotalSeconds;
            Check(output.Length == input.Length && output[^1] == input[^1] * input[^1], engine, "map-squares");
            return new Measurement(seconds);
        });
    }

    /// <summary>map-records: n small records (<see cref="Reading"/>) mapped to records through Map, in order.</summary>
    public BenchResult MapRecords(string engine, Pool? pool)
    {
        static Calibrated Calibrate(Reading reading) => SampleFunctions.Calibrate(reading);
        Calibrated[] Run(Reading[] items) => engine switch
        {
            Sequential => items.Select(Calibrate).ToArray(),
            Plinq => items.AsParallel().AsOrdered().Select(Calibrate).ToArray(),
            ParallelFor => ParallelMap(items, Calibrate),
            _ => (Calibrated[])pool!.Map(SampleFunctions.Calibrate, items),
        };

        Reading[] Readings(int n) => Enumerable.Range(0, n).Select(i => new Reading(i, $"s{i % 16}", i * 0.5, 1_700_000_000L + i)).ToArray();
        Run(Readings(Math.Max(1_000, sizes.Records / 100)));
        var input = Readings(sizes.Records);
        return Repeat("map-records", engine, input.Length, () =>
        {
            var clock = Stopwatch.StartNew();
            var output = Run(input);
            var seconds = clock.Elapsed.TotalSeconds;
            Check(output.Length == input.Length && output[^1] == new Calibrated(input.Length - 1, (input.Length - 1) * 0.5 * 1.5 + 2.0), engine, "map-records");
            return new Measurement(seconds);
        });
    }

    /// <summary>
    /// async-io: n calls of an async function that awaits 10 ms (<see cref="SampleFunctions.WaitIo"/>), through Map.
    /// Pool engines only: a worker awaits many such calls at once, where a process of Python's pool sleeps through one.
    /// </summary>
    public BenchResult AsyncIo(string engine, Pool pool)
    {
        const int Milliseconds = 10;
        long Run(int n) => pool.Map(SampleFunctions.WaitIo, Enumerable.Repeat(Milliseconds, n)).Sum(x => (long)x);

        Run(Math.Max(10, sizes.AsyncIo / 10));
        return Repeat("async-io", engine, sizes.AsyncIo, () =>
        {
            var clock = Stopwatch.StartNew();
            var total = Run(sizes.AsyncIo);
            var seconds = clock.Elapsed.TotalSeconds;
            Check(total == (long)sizes.AsyncIo * Milliseconds, engine, "async-io");
            return new Measurement(seconds);
        });
    }

    /// <summary>apply-async: n single calls submitted together, then all awaited.</summary>
    public BenchResult ApplyAsync(string engine, Pool? pool) => engine switch
    {
        Sequential => ApplyAsyncCore(engine, n =>
        {
            long sum = 0;
            for (var i = 0; i < n; i++)
            {
                sum += Square(i);
            }

            return sum;
        }),
        Plinq => ApplyAsyncCore(engine, n => ParallelEnumerable.Range(0, n).AsOrdered().Select(i => Square(i)).Sum()),
        ParallelFor => ApplyAsyncCore(engine, n =>
        {
            var results = new long[n];
            Parallel.For(0, n, i => results[i] = Square(i));
            return results.Sum();
        }),
        _ => ApplyAsyncWith(engine, x => pool!.ApplyAsync(SampleFunctions.Square, x)),
    };

    /// <summary>apply-async through any asynchronous call that answers x with x²: n submitted together, then all awaited.</summary>
    public BenchResult ApplyAsyncWith(string engine, Func<long, Task<long>> submit) => ApplyAsyncCore(engine, n =>
    {
        var calls = new Task<long>[n];
        for (var i = 0; i < n; i++)
        {
            calls[i] = submit(i);
        }

        Task.WhenAll(calls).GetAwaiter().GetResult();
        return calls.Sum(c => c.Result);
    });

    /// <summary>apply-latency: n single calls one after another; the time of each is recorded.</summary>
    public BenchResult ApplyLatency(string engine, Pool? pool) => engine switch
    {
        Sequential => ApplyLatencyWith(engine, Square),
        Plinq => ApplyLatencyWith(engine, x => new[] { x }.AsParallel().AsOrdered().Select(Square).First()),
        ParallelFor => ApplyLatencyWith(engine, x => ParallelSquares([x])[0]),
        _ => ApplyLatencyWith(engine, x => pool!.Apply(SampleFunctions.Square, x)),
    };

    /// <summary>
    /// apply-latency through any blocking call that answers x with x²: n calls one after another from this thread,
    /// each timed alone. Every engine, the Akka floors included, goes through this one loop, so their numbers compare.
    /// </summary>
    public BenchResult ApplyLatencyWith(string engine, Func<long, long> call)
    {
        for (var i = 0; i < Math.Max(200, sizes.Latency / 20); i++)
        {
            call(i);
        }

        var latencies = new double[sizes.Latency];
        return Repeat("apply-latency", engine, latencies.Length, () =>
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < latencies.Length; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var value = call(i);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                Check(value == (long)i * i, engine, "apply-latency");
            }

            var seconds = clock.Elapsed.TotalSeconds;
            Array.Sort(latencies);
            return new Measurement(seconds, P50Us: latencies[latencies.Length / 2], P99Us: latencies[(int)(latencies.Length * 0.99) - 1]);
        });
    }

    /// <summary>cpu-bound: n tasks of a fixed amount of CPU work (about 20 ms each alone); speedup over running them one by one.</summary>
    public BenchResult CpuBound(string engine, Pool? pool)
    {
        if (_sequentialCpuRuns is null)
        {
            // Calibrate only once Spin runs the code it will keep: calibrating code the JIT later replaces would
            // size the tasks, and time the reference, for a different speed than the engines then run at.
            WarmUpSpin(Sequential, null);
            _spinRounds = Calibrate(sizes.CpuMilliseconds);
            _spinResult = SampleFunctions.Spin(_spinRounds);

            // The reference every speedup divides: the median of as many sequential runs as any engine gets, so
            // one slow sequential run does not inflate every speedup of the bench.
            _sequentialCpuRuns = new Measurement[repeats];
            for (var i = 0; i < repeats; i++)
            {
                Settle();
                _sequentialCpuRuns[i] = new Measurement(Time(() => Checked(RunCpu(Sequential, null, _spinRounds, sizes.CpuTasks), Sequential)));
            }

            _sequentialCpuSeconds = BenchResult.Median(_sequentialCpuRuns.Select(r => r.Seconds));
        }

        if (engine == Sequential)
        {
            // The sequential row is the reference itself: its speedups are about 1, and their spread is its noise.
            return BenchResult.FromRuns("cpu-bound", engine, sizes.CpuTasks,
                _sequentialCpuRuns.Select(r => r with { Speedup = _sequentialCpuSeconds / r.Seconds }).ToArray());
        }

        WarmUpSpin(engine, pool);
        RunCpu(engine, pool, _spinRounds, Math.Min(4, sizes.CpuTasks));
        return Repeat("cpu-bound", engine, sizes.CpuTasks, () =>
        {
            var seconds = Time(() => Checked(RunCpu(engine, pool, _spinRounds, sizes.CpuTasks), engine));
            return new Measurement(seconds, Speedup: _sequentialCpuSeconds / seconds);
        });
    }

    /// <summary>
    /// Brings <see cref="SampleFunctions.Spin"/> to its final JIT tier in the process that runs it for
    /// <paramref name="engine"/> (this one, or a worker node). Its first calls run tier-0 code with on-stack
    /// replacement, and after about 30 calls the JIT recompiles it at tier 1 with dynamic PGO, which on this loop
    /// measured some 40% slower (15 vs 21 ms): without this, the tier changed in the middle of the runs, and
    /// whichever engine ran before the switch looked faster than the reference. So: enough small calls for the
    /// switch, then a pause, because tier 1 is compiled in the background once calls stop for about 100 ms.
    /// </summary>
    private void WarmUpSpin(string engine, Pool? pool)
    {
        for (var round = 0; round < 3; round++)
        {
            var results = RunCpu(engine, pool, rounds: 20, tasks: 50);
            Check(results.Length == 50, engine, "cpu-bound warm-up");
            Thread.Sleep(250);
        }
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
        return Repeat("imap-stream", engine, sizes.Stream, () =>
        {
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
            return new Measurement(seconds, PeakMb: memory.PeakMb);
        });
    }

    /// <summary>The timed runs of one scenario on one engine, each after a full collection, summarized.</summary>
    private BenchResult Repeat(string scenario, string engine, long ops, Func<Measurement> timedRun)
    {
        var runs = new Measurement[repeats];
        for (var i = 0; i < runs.Length; i++)
        {
            Settle();
            runs[i] = timedRun();
        }

        return BenchResult.FromRuns(scenario, engine, ops, runs);
    }

    /// <summary>Collects the garbage of the warm-up or the run before, so it is not collected on this run's clock.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private BenchResult ApplyAsyncCore(string engine, Func<int, long> run)
    {
        run(Math.Max(100, sizes.Async / 100));
        var expected = Enumerable.Range(0, sizes.Async).Sum(i => (long)i * i);
        return Repeat("apply-async", engine, sizes.Async, () =>
        {
            var clock = Stopwatch.StartNew();
            var total = run(sizes.Async);
            var seconds = clock.Elapsed.TotalSeconds;
            Check(total == expected, engine, "apply-async");
            return new Measurement(seconds);
        });
    }

    /// <summary>
    /// Runs <paramref name="tasks"/> cpu-bound tasks of <paramref name="rounds"/> rounds on one engine, and returns
    /// their results. The results must be used: a call whose value is dropped lets the JIT, once it has inlined
    /// <see cref="SampleFunctions.Spin"/>, delete the work, and later runs then "finish" 64 tasks in milliseconds.
    /// </summary>
    private static double[] RunCpu(string engine, Pool? pool, long rounds, int tasks)
    {
        var work = Enumerable.Repeat(rounds, tasks).ToArray();
        switch (engine)
        {
            case Sequential:
                var results = new double[work.Length];
                for (var i = 0; i < work.Length; i++)
                {
                    results[i] = SampleFunctions.Spin(work[i]);
                }

                return results;
            case Plinq:
                return work.AsParallel().AsOrdered().Select(SampleFunctions.Spin).ToArray();
            case ParallelFor:
                var parallel = new double[work.Length];
                Parallel.For(0, work.Length, i => parallel[i] = SampleFunctions.Spin(work[i]));
                return parallel;
            default:
                return [.. pool!.Map(SampleFunctions.Spin, work, chunkSize: 1)];
        }
    }

    /// <summary>Checks a timed cpu-bound run: Spin is deterministic, so every task of the same size computes the same bits.</summary>
    private double[] Checked(double[] results, string engine)
    {
        Check(results.Length == sizes.CpuTasks && results.All(r => r.Equals(_spinResult)), engine, "cpu-bound");
        return results;
    }

    /// <summary>Rounds of <see cref="SampleFunctions.Spin"/> that take about <paramref name="milliseconds"/> ms on one core.</summary>
    private static long Calibrate(int milliseconds)
    {
        long rounds = 1;
        var sink = 0.0;
        while (true)
        {
            // The result goes somewhere, so the JIT cannot drop the work being timed (see RunCpu).
            var elapsed = Time(() => sink += SampleFunctions.Spin(rounds)) * 1000;
            if (elapsed >= 50)
            {
                return Math.Max(1, (long)(rounds * milliseconds / elapsed));
            }

            rounds *= 2;
        }
    }

    private static TResult[] ParallelMap<T, TResult>(T[] items, Func<T, TResult> function)
    {
        var results = new TResult[items.Length];
        Parallel.For(0, items.Length, i => results[i] = function(items[i]));
        return results;
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
