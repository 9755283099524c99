namespace ActorPool.Internal;

/// <summary>
/// Counts one request's items done, failed and sent again, for a caller that asked for progress, and says when a
/// report is due: at most once per <see cref="Interval"/> (a change held back is due when the interval is up, so the
/// caller never sees a stale count for long), and always at the end. A whole map reports its first finished chunk at
/// once; a stream's segment, one of many, waits an interval first, so a stream of short segments sends about one
/// report per segment, not one per chunk. Whoever holds the request (its aggregator, or the router for one chunk)
/// feeds it, on the actor system's monotonic clock (a wall clock stepping back must not freeze the reports).
/// </summary>
internal sealed class ProgressCounter
{
    /// <summary>The most a request tells its caller is ten times a second: enough for a live bar, nothing for the pool.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly RequestInfo _request;
    /// <summary>When the last report went; null before the first (due at once).</summary>
    private TimeSpan? _lastReport;
    private long _done;
    private long _failed;
    private long _retried;
    private bool _heldBack;

    /// <param name="request">The request counted.</param>
    /// <param name="now">The monotonic time the request was taken.</param>
    public ProgressCounter(RequestInfo request, TimeSpan now)
    {
        _request = request;
        _lastReport = request.Mode is ReplyMode.OrderedStream or ReplyMode.UnorderedStream ? now : null;
    }

    public void Finished(int chunk, bool failed)
    {
        var items = _request.ChunkLength(chunk);
        _done += items;
        _failed += failed ? items : 0;
    }

    public void Retried(int items) => _retried += items;

    /// <summary>The report to send now, if one is due; a <paramref name="final"/> one always is.</summary>
    public MapProgress? Report(TimeSpan now, bool final = false)
    {
        if (!final && now - _lastReport < Interval)
        {
            _heldBack = true;
            return null;
        }

        _heldBack = false;
        _lastReport = now;
        return new MapProgress(_request.RequestId, _done, _failed, _retried);
    }

    /// <summary>When a report held back is due; null when none is.</summary>
    public TimeSpan? HeldBackDueIn(TimeSpan now) => _heldBack ? Interval - (now - _lastReport ?? Interval) : null;
}
