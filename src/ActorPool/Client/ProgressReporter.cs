using System.Diagnostics;

namespace ActorPool.Internal;

/// <summary>
/// Hands a call's progress to the caller's <see cref="IProgress{T}"/>, off the thread that delivers replies (possibly
/// the router's), one report at a time, in order, and at most once per <see cref="ProgressCounter.Interval"/>: reports
/// that come sooner, or while the caller is still busy with an earlier one, are merged into the next. A call made of
/// several requests (an <c>Imap</c>'s segments) reports their sum. Work queued with <see cref="Then"/> runs after the
/// latest report has been handed over, so a call completes only after its last report; after <see cref="Close"/> no
/// report is started.
/// </summary>
internal sealed class ProgressReporter(IProgress<PoolProgress> progress, long? total)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();

    /// <summary>The latest counts of each request still running; a finished one is settled into the sums and dropped.</summary>
    private readonly Dictionary<long, MapProgress> _running = [];

    private readonly Queue<Action> _then = new();
    private long? _total = total;
    private long _done;
    private long _failed;
    private long _retried;
    /// <summary>When the last report went; null before the first (due at once).</summary>
    private TimeSpan? _lastReport;
    private bool _changed;
    private bool _executing;
    private bool _closed;
    private Timer? _timer;

    /// <summary>A request of the call reports how far it has come; its counts replace its earlier ones.</summary>
    public void Report(MapProgress report)
    {
        lock (_lock)
        {
            _running.TryGetValue(report.RequestId, out var before);
            // A request sent again (its node lost) counts from zero: the caller never sees the counts go back.
            var (done, failed, retried) = (
                Math.Max(0, report.Done - (before?.Done ?? 0)), Math.Max(0, report.Failed - (before?.Failed ?? 0)), Math.Max(0, report.Retried - (before?.Retried ?? 0)));
            if (done + failed + retried == 0 && before is not null)
            {
                return;
            }

            (_done, _failed, _retried) = (_done + done, _failed + failed, _retried + retried);
            _running[report.RequestId] = before is null ? report : new MapProgress(report.RequestId,
                Math.Max(report.Done, before.Done), Math.Max(report.Failed, before.Failed), Math.Max(report.Retried, before.Retried));
            _changed = true;
        }

        Drain();
    }

    /// <summary>A request of the call has ended: its counts stay in the sums, its entry goes (a stream of a million segments keeps none).</summary>
    public void Settle(long requestId)
    {
        lock (_lock)
        {
            _running.Remove(requestId);
        }
    }

    /// <summary>The call's length, once known (an <c>Imap</c> whose input has ended).</summary>
    public void Total(long total)
    {
        lock (_lock)
        {
            if (_total == total)
            {
                return;
            }

            _total = total;
            _changed = true;
        }

        Drain();
    }

    /// <summary>Runs <paramref name="action"/> once the latest report has been handed to the caller.</summary>
    public void Then(Action action)
    {
        lock (_lock)
        {
            _then.Enqueue(action);
        }

        Drain();
    }

    /// <summary>Completes once the latest report has been handed to the caller.</summary>
    public Task Flushed()
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Then(flushed.SetResult);
        return flushed.Task;
    }

    /// <summary>The call failed or its consumer stopped: no report is started from now on.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            _changed = false;
        }
    }

    /// <summary>Starts handing over what is due now, unless that is under way; a report held back gets a timer.</summary>
    private void Drain()
    {
        TimeSpan heldBack;
        lock (_lock)
        {
            if (_executing)
            {
                return;
            }

            heldBack = DueIn();
            if (_then.Count > 0 || (_changed && !_closed && heldBack <= TimeSpan.Zero))
            {
                _executing = true;
                ThreadPool.UnsafeQueueUserWorkItem(_ => Run(), null);
                return;
            }

            if (!_changed || _closed)
            {
                return;
            }
        }

        // Outside the lock: the timer's callback takes it.
        (_timer ??= new Timer(_ => Drain())).Change(heldBack, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How long until the next report may go: reports are at least an interval apart.</summary>
    private TimeSpan DueIn() => _lastReport is { } last ? ProgressCounter.Interval - (_clock.Elapsed - last) : TimeSpan.Zero;

    private void Run()
    {
        while (true)
        {
            PoolProgress? report = null;
            Action? then = null;
            lock (_lock)
            {
                // A report goes when its interval is up, or at once when work waits for it.
                if (_changed && !_closed && (_then.Count > 0 || DueIn() <= TimeSpan.Zero))
                {
                    var now = _clock.Elapsed;
                    _lastReport = now;
                    report = new PoolProgress(_done, _total, _failed, _retried, now);
                    _changed = false;
                }
                else if (!_then.TryDequeue(out then))
                {
                    _executing = false;
                    break;
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

        // A report that came meanwhile, too soon to go, waits for its timer.
        Drain();
    }
}
