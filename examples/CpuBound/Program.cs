// A CPU-bound map: count the primes below a bound, one block of numbers per item, on every core.
// Run: dotnet run -c Release --project examples/CpuBound [-- 5000000]
using System.Diagnostics;
using ActorPool;

var below = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2_000_000;
const int BlockSize = 50_000;
var blocks = Enumerable.Range(0, (below + BlockSize - 1) / BlockSize).Select(i => (Start: i * BlockSize, End: Math.Min(below, (i + 1) * BlockSize))).ToList();

var clock = Stopwatch.StartNew();
var alone = blocks.Sum(b => Primes.CountIn(b.Start, b.End));
var oneThread = clock.Elapsed;

// Pool(): one worker per core (PoolOptions.Processes defaults to the processor count), as multiprocessing.Pool() does.
// StarMap blocks until every block is counted and gives the counts in input order.
await using var pool = Pool.Create(new PoolOptions());
clock.Restart();
var counts = pool.StarMap(Primes.CountIn, blocks);
var pooled = clock.Elapsed;

Console.WriteLine($"primes below {below:N0}: {counts.Sum():N0} (one thread found {alone:N0})");
Console.WriteLine($"{pool.Processes} workers: {pooled.TotalSeconds:0.00} s; one thread: {oneThread.TotalSeconds:0.00} s");
return counts.Sum() == alone ? 0 : 1;

/// <summary>The work: a static method, so it could run on any node of a cluster as well.</summary>
public static class Primes
{
    /// <summary>Counts the primes in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    /// <param name="start">The first number to test.</param>
    /// <param name="end">One past the last number to test.</param>
    /// <returns>How many primes there are.</returns>
    [PoolFunction("count-primes")]
    public static int CountIn(int start, int end)
    {
        var count = 0;
        for (var n = Math.Max(start, 2); n < end; n++)
        {
            count += IsPrime(n) ? 1 : 0;
        }

        return count;
    }

    private static bool IsPrime(int n)
    {
        if (n % 2 == 0)
        {
            return n == 2;
        }

        for (var d = 3; (long)d * d <= n; d += 2)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        return true;
    }
}
