using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>
/// One per request of several chunks. Assembles the chunk results its router forwards (see
/// <see cref="ResultAssembler"/>), owns the request's deadline, and answers once when every chunk has finished —
/// or, for a streaming map, sends the ordered prefix (or each chunk) as it completes, then an empty end.
/// </summary>
internal sealed class Aggregator : ReceiveActor, IWithTimers
{
    private readonly RequestInfo _request;
    private readonly ResultAssembler _results;
    private readonly Transport _transport;
    private readonly ProgressCounter? _progress;
    private int _nextToStream;

    public Aggregator(RequestInfo request)
    {
        _request = request;
        _results = new ResultAssembler(request);
        _transport = Transport.Of(Context.System);
        _progress = request.ReportsProgress ? new ProgressCounter(request, Context.System.Scheduler.MonotonicClock) : null;
        Collecting();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Takes chunk results until every chunk is in, the deadline passes or the router aborts the request.</summary>
    private void Collecting()
    {
        Receive<ChunkResult>(Collect);
        Receive<ChunkFailed>(Collect);
        Receive<ItemsRetried>(retried =>
        {
            _progress?.Retried(retried.Count);
            ReportProgress();
        });
        Receive<ProgressDue>(_ => ReportProgress());
        Receive<AbortRequest>(abort => Finish(abort.Reason));
        Receive<Deadline>(_ => Finish(_results.TimedOut(), timedOut: true));
    }

    /// <summary>Answered: late replies (a chunk that ran twice, an abort racing the last chunk) are dropped until the stop.</summary>
    private void Answered() => ReceiveAny(_ => { });

    /// <summary>A fault here (values of an unexpected type from another node, say) fails the call; a restart would lose it.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception ex)
        {
            Finish(new PoolPayloadException($"The pool could not put together the results of '{_request.Function}': {ex.Message}", ex));
            return true;
        }
    }

    protected override void PreStart()
    {
        Replies.Accepted(_request, Self, _transport);
        if (_request.Timeout is { } timeout)
        {
            Timers.StartSingleTimer(nameof(Deadline), Deadline.Instance, timeout);
        }
    }

    private void Collect(object reply)
    {
        var index = _results.Add(reply);
        if (index < 0)
        {
            return;
        }

        _progress?.Finished(index, _results.IsFailed(index));

        switch (_request.Mode)
        {
            case ReplyMode.OrderedStream:
                while (_nextToStream < _request.ChunkCount && _results.IsDone(_nextToStream) && Stream(_nextToStream))
                {
                    _nextToStream++;
                }

                break;
            case ReplyMode.UnorderedStream when _results.IsDone(index):
                Stream(index);
                break;
        }

        if (_results.IsComplete)
        {
            Finish(_results.Failure);
        }
        else
        {
            ReportProgress();
        }
    }

    /// <summary>Tells a caller that asked for progress how far the request has come, when a report is due (always at the end).</summary>
    private void ReportProgress(bool final = false)
    {
        if (_progress is null)
        {
            return;
        }

        var now = Context.System.Scheduler.MonotonicClock;
        if (_progress.Report(now, final) is { } report)
        {
            _transport.Send(_request.ReplyTo, report);
        }
        else if (_progress.HeldBackDueIn(now) is { } due && !Timers.IsTimerActive(nameof(ProgressDue)))
        {
            Timers.StartSingleTimer(nameof(ProgressDue), ProgressDue.Instance, due);
        }
    }

    /// <summary>Sends a finished chunk's values to a streaming caller; false, with the chunk failed, when they cannot reach it.</summary>
    private bool Stream(int index)
    {
        try
        {
            _transport.Send(_request.ReplyTo, new MapPart(_request.RequestId, index * _request.ChunkSize, _results.TakeChunk(index)));
            return true;
        }
        catch (PoolException ex)
        {
            _results.Fail(index, ex);
            return false;
        }
    }

    private void Finish(Exception? failure, bool timedOut = false)
    {
        var whole = failure is null && _request.Mode is ReplyMode.Single or ReplyMode.Whole;
        ReportProgress(final: true);
        Replies.Answer(_request, whole ? _results.Values() : null, failure, _transport);
        Context.Parent.Tell(new RequestDone(_request.Key, timedOut));
        Context.Stop(Self);
        Become(Answered);
    }

    private sealed class Deadline
    {
        public static readonly Deadline Instance = new();
    }

    private sealed class ProgressDue
    {
        public static readonly ProgressDue Instance = new();
    }
}
