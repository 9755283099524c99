namespace ActorPool.Internal;

/// <summary>
/// Counts one request's items done, failed and sent again, for a caller that asked for progress, and says when a
/// report is due: on the first finished chunk, then at most once per <see cref="Interval"/> (a change held back is
/// due when the interval is up, so the caller never sees a stale count for long), and always at the end.
/// Whoever holds the request (its aggregator, or the router for one chunk) feeds it.
/// </summary>
internal sealed class ProgressCounter(RequestInfo request)
{
    /// <summary>The most a caller is told per second is ten times: enough for a live bar, nothing for the pool.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private DateTimeOffset _lastReport = DateTimeOffset.MinValue;
    private long _done;
    private long _failed;
    private long _retried;
    private bool _heldBack;

    public void Finished(int chunk, bool failed)
    {
        var items = request.ChunkLength(chunk);
        _done += items;
        _failed += failed ? items : 0;
    }

    public void Retried(int items) => _retried += items;

    /// <summary>The report to send now, if one is due; a <paramref name="final"/> one always is.</summary>
    public MapProgress? Report(DateTimeOffset now, bool final = false)
    {
        if (!final && now - _lastReport < Interval)
        {
            _heldBack = true;
            return null;
        }

        _heldBack = false;
        _lastReport = now;
        return new MapProgress(request.RequestId, _done, _failed, _retried);
    }

    /// <summary>When a report held back is due; null when none is.</summary>
    public TimeSpan? HeldBackDueIn(DateTimeOffset now) => _heldBack ? Interval - (now - _lastReport) : null;
}
