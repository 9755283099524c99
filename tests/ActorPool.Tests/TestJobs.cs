using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ActorPool.Tests;

/// <summary>A call of <see cref="TestJobs.Tally"/>: counted under <paramref name="Run"/>, and thrown from when <paramref name="Fail"/>.</summary>
/// <param name="Run">The test run the call belongs to, so that specs running in parallel never share a count.</param>
/// <param name="Item">The value returned.</param>
/// <param name="SleepMs">How long the call takes.</param>
/// <param name="Fail">Whether the call throws instead of returning.</param>
public sealed record TallyItem(string Run, int Item, int SleepMs = 0, bool Fail = false);

/// <summary>The pool functions the specs run. Found by name (<c>ActorPool.Tests.TestJobs.Square</c>) like any user's.</summary>
public static class TestJobs
{
    private static readonly ConcurrentDictionary<string, int> Calls = new();

    /// <summary>The wire name of a function of this class.</summary>
    public static string WireName(string method) => $"{typeof(TestJobs).FullName}.{method}";

    /// <summary>How many calls of the tallying functions ran for <paramref name="run"/>.</summary>
    public static int CallsOf(string run) => Calls.GetValueOrDefault(run);

    /// <summary>A key no other test uses.</summary>
    public static string NewRun() => Guid.NewGuid().ToString("N");

    [PoolFunction]
    public static int FortyTwo() => 42;

    [PoolFunction]
    public static int Square(int x) => x * x;

    [PoolFunction]
    public static int Multiply(int x, int y) => x * y;

    [PoolFunction]
    public static int Sum(int x, int y, int z) => x + y + z;

    [PoolFunction]
    public static int Divide(int x, int y) => x / y;

    [PoolFunction]
    public static int Clamp(int x, int min, int max) => Math.Clamp(x, min, max);

    [PoolFunction("actorpool-tests.cube")]
    public static int Cube(int x) => x * x * x;

    /// <summary>Sleeps <paramref name="ms"/> milliseconds and returns it.</summary>
    [PoolFunction]
    public static int Sleep(int ms)
    {
        Thread.Sleep(ms);
        return ms;
    }

    [PoolFunction]
    public static string WorkerId() => WorkerContext.Current.WorkerId;

    /// <summary>The id of the worker that ran it, after <paramref name="sleepMs"/> milliseconds.</summary>
    [PoolFunction]
    public static string WorkerIdAfter(int sleepMs)
    {
        Thread.Sleep(sleepMs);
        return WorkerContext.Current.WorkerId;
    }

    [PoolFunction]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Boom() => throw new InvalidOperationException("boom");

    /// <summary>Returns <paramref name="x"/>, or throws for a negative one.</summary>
    [PoolFunction]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int ThrowIfNegative(int x) =>
        x >= 0 ? x : throw new InvalidOperationException($"negative item {x}");

    /// <summary>Counts the call under its run, sleeps, then returns the item or throws.</summary>
    [PoolFunction]
    public static int Tally(TallyItem item)
    {
        Calls.AddOrUpdate(item.Run, 1, (_, n) => n + 1);
        if (item.SleepMs > 0)
        {
            Thread.Sleep(item.SleepMs);
        }

        return item.Fail ? throw new InvalidOperationException($"item {item.Item} of run {item.Run} failed") : item.Item;
    }

    /// <summary>Counts the call under <paramref name="run"/> and returns <paramref name="x"/>.</summary>
    [PoolFunction]
    public static int TallyPair(string run, int x) => Tally(new TallyItem(run, x));

    /// <summary>Counts the call under <paramref name="run"/> and returns <paramref name="x"/> + <paramref name="y"/>.</summary>
    [PoolFunction]
    public static int TallyTriple(string run, int x, int y) => Tally(new TallyItem(run, x + y));
}
