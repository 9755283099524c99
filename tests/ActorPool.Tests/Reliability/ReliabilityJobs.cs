using System.Collections.Concurrent;

namespace ActorPool.Tests.Reliability;

/// <summary>Functions of the reliability specs: calls that hang until their test lets them go.</summary>
public static class ReliabilityJobs
{
    private static readonly ConcurrentDictionary<string, Gate> Gates = new();

    /// <summary>Blocks its worker's thread until <see cref="Release"/> of <paramref name="run"/> (at most a minute, so no thread leaks for ever); returns the worker's id.</summary>
    [PoolFunction]
    public static string Hang(string run)
    {
        var gate = Gates.GetOrAdd(run, _ => new Gate());
        gate.Workers.Enqueue(WorkerContext.Current.WorkerId);
        gate.Entered.Release();
        gate.Open.Wait(TimeSpan.FromMinutes(1));
        return WorkerContext.Current.WorkerId;
    }

    /// <summary>Waits until <paramref name="calls"/> calls of <see cref="Hang"/> for <paramref name="run"/> are inside it; the ids of their workers.</summary>
    public static async Task<string[]> EnteredAsync(string run, int calls)
    {
        var gate = Gates.GetOrAdd(run, _ => new Gate());
        for (var i = 0; i < calls; i++)
        {
            if (!await gate.Entered.WaitAsync(Bounds.Call))
            {
                throw new TimeoutException($"only {i} of {calls} hanging calls started");
            }
        }

        return gate.Workers.ToArray();
    }

    /// <summary>Lets every call of <see cref="Hang"/> for <paramref name="run"/> return.</summary>
    public static void Release(string run) => Gates.GetOrAdd(run, _ => new Gate()).Open.Set();

    private sealed class Gate
    {
        public ManualResetEventSlim Open { get; } = new();

        public SemaphoreSlim Entered { get; } = new(0);

        public ConcurrentQueue<string> Workers { get; } = new();
    }
}
