using System.Diagnostics;

namespace ActorPool.Internal;

/// <summary>
/// Hands a call's progress to the caller's <see cref="IProgress{T}"/>, off the thread that delivers replies (possibly
/// the router's), one report at a time and in order: reports that come while the caller is still busy with an earlier
/// one are merged into the latest. A call made of several requests (an <c>Imap</c>'s segments) reports their sum.
/// Work queued with <see cref="Then"/> runs after every report before it, so a call completes only after its last report.
/// </summary>
internal sealed class ProgressReporter(IProgress<PoolProgress> progress, long? total)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly Dictionary<long, MapProgress> _requests = [];
    private readonly Queue<Action> _then = new();
    private long? _total = total;
    private long _done;
    private long _failed;
    private long _retried;
    private bool _changed;
    private bool _draining;

    /// <summary>A request of the call reports how far it has come; its counts replace its earlier ones.</summary>
    public void Report(MapProgress report)
    {
        lock (_lock)
        {
            _requests.TryGetValue(report.RequestId, out var before);
            // A request sent again (its node lost) counts from zero; the caller never sees the counts go back.
            _done += Math.Max(0, report.Done - (before?.Done ?? 0));
            _failed += Math.Max(0, report.Failed - (before?.Failed ?? 0));
            _retried += Math.Max(0, report.Retried - (before?.Retried ?? 0));
            _requests[report.RequestId] = before is null ? report : new MapProgress(report.RequestId,
                Math.Max(report.Done, before.Done), Math.Max(report.Failed, before.Failed), Math.Max(report.Retried, before.Retried));
            _changed = true;
        }

        Drain();
    }

    /// <summary>The call's length, once known (an <c>Imap</c> whose input has ended).</summary>
    public void Total(long total)
    {
        lock (_lock)
        {
            _total = total;
            _changed = true;
        }

        Drain();
    }

    /// <summary>Runs <paramref name="action"/> once every report before it has been handed to the caller.</summary>
    public void Then(Action action)
    {
        lock (_lock)
        {
            _then.Enqueue(action);
        }

        Drain();
    }

    /// <summary>Completes once every report so far has been handed to the caller.</summary>
    public Task Flushed()
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Then(flushed.SetResult);
        return flushed.Task;
    }

    private void Drain()
    {
        lock (_lock)
        {
            if (_draining || (!_changed && _then.Count == 0))
            {
                return;
            }

            _draining = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(_ => Run(), null);
    }

    private void Run()
    {
        while (true)
        {
            PoolProgress? report = null;
            Action? then = null;
            lock (_lock)
            {
                if (_changed)
                {
                    report = new PoolProgress(_done, _total, _failed, _retried, _clock.Elapsed);
                    _changed = false;
                }
                else if (!_then.TryDequeue(out then))
                {
                    _draining = false;
                    return;
                }
            }

            try
            {
                if (report is not null)
                {
                    progress.Report(report);
                }
                else
                {
                    then!();
                }
            }
            catch (Exception)
            {
                // A throwing progress handler must not stop the reports or the call's completion; it is the caller's to fix.
            }
        }
    }
}
