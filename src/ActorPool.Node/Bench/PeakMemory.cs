using System.Diagnostics;

namespace ActorPool.Node.Bench;

/// <summary>Samples this process's working set every few milliseconds while a scenario runs, and keeps the peak.</summary>
internal sealed class PeakMemory : IDisposable
{
    private readonly Thread _sampler;
    private volatile bool _stopped;
    private long _peak;

    private PeakMemory()
    {
        _sampler = new Thread(Sample) { IsBackground = true, Name = "bench-memory" };
        _sampler.Start();
    }

    public double PeakMb => Interlocked.Read(ref _peak) / (1024.0 * 1024.0);

    /// <summary>Starts sampling after a full, compacting collection, so earlier scenarios' garbage does not count.</summary>
    public static PeakMemory Start()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return new PeakMemory();
    }

    public void Dispose()
    {
        _stopped = true;
        _sampler.Join();
    }

    private void Sample()
    {
        using var process = Process.GetCurrentProcess();
        do
        {
            process.Refresh();
            var current = process.WorkingSet64;
            if (current > Interlocked.Read(ref _peak))
            {
                Interlocked.Exchange(ref _peak, current);
            }

            Thread.Sleep(5);
        }
        while (!_stopped);

        // One last look, so a scenario shorter than the interval is measured too.
        process.Refresh();
        Interlocked.Exchange(ref _peak, Math.Max(Interlocked.Read(ref _peak), process.WorkingSet64));
    }
}
