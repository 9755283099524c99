namespace ActorPool.Node.Demo;

/// <summary>The functions of the Python tutorial the demo replays.</summary>
public static class DemoJobs
{
    private static int _sleepMs = 2000;

    /// <summary>How long each demo task sleeps, standing in for real work.</summary>
    public static int SleepMs
    {
        get => Volatile.Read(ref _sleepMs);
        set => Volatile.Write(ref _sleepMs, value);
    }

    /// <summary><c>def worker(num)</c>: announces itself, works, and says it finished.</summary>
    /// <param name="num">The worker's number.</param>
    public static void Worker(int num)
    {
        Console.WriteLine($"Worker {num} starting");
        Thread.Sleep(SleepMs);
        Console.WriteLine($"Worker {num} finished");
    }

    /// <summary><c>def square(n)</c> with progress and a sleep, as in the tutorial's Pool example.</summary>
    /// <param name="n">The number to square.</param>
    /// <returns><paramref name="n"/> squared.</returns>
    [PoolFunction]
    public static int SlowSquare(int n)
    {
        Console.WriteLine($"Calculating square of {n}");
        Thread.Sleep(SleepMs);
        return n * n;
    }

    /// <summary><c>def square(x)</c>.</summary>
    /// <param name="x">The number to square.</param>
    /// <returns><paramref name="x"/> squared.</returns>
    [PoolFunction]
    public static int Square(int x) => x * x;

    /// <summary><c>def multiply(x, y)</c>.</summary>
    /// <param name="x">The first factor.</param>
    /// <param name="y">The second factor.</param>
    /// <returns>The product.</returns>
    [PoolFunction]
    public static int Multiply(int x, int y) => x * y;
}
