using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>What an aggregator must know about its request.</summary>
internal sealed record RequestInfo(
    long Key,
    long RequestId,
    IActorRef ReplyTo,
    ReplyMode Mode,
    string Function,
    int ItemCount,
    int ChunkSize,
    TimeSpan? Timeout)
{
    /// <summary>The one result array in-process workers write into (whole maps whose result type is known here).</summary>
    public Array? Destination { get; init; }

    public int ChunkCount => (ItemCount + ChunkSize - 1) / ChunkSize;

    public int ChunkLength(int index) => Math.Min(ChunkSize, ItemCount - (index * ChunkSize));
}

/// <summary>
/// One per request. Puts chunk results back in input order, counts each chunk once (a chunk sent again after
/// its worker died may answer twice), keeps the first failure, answers once when every chunk has finished, and
/// owns the request's deadline. For a streaming map it sends the ordered prefix (or each chunk) as it completes.
/// </summary>
internal sealed class Aggregator : ReceiveActor, IWithTimers
{
    private readonly RequestInfo _request;
    private readonly Array?[] _chunkValues;
    private readonly int[] _received;
    private readonly int[] _attempts;
    private readonly bool[] _done;
    private readonly bool[] _failed;
    private int _doneCount;
    private int _nextToStream;
    private Exception? _failure;
    private bool _finished;

    public Aggregator(RequestInfo request)
    {
        _request = request;
        var chunks = request.ChunkCount;
        _chunkValues = new Array?[chunks];
        _received = new int[chunks];
        _attempts = new int[chunks];
        _done = new bool[chunks];
        _failed = new bool[chunks];

        // Late replies after the answer (a chunk that ran twice, an abort racing the last chunk) are dropped.
        Receive<ChunkResult>(_ => _finished, _ => { });
        Receive<ChunkFailed>(_ => _finished, _ => { });
        Receive<AbortRequest>(_ => _finished, _ => { });
        Receive<ChunkResult>(OnResult);
        Receive<ChunkFailed>(OnFailed);
        Receive<AbortRequest>(abort => Finish(abort.Reason));
        Receive<Deadline>(_ => !_finished, _ => Finish(new TimeoutException(
            $"The call to '{_request.Function}' did not finish within {_request.Timeout}; {_doneCount} of {_request.ChunkCount} chunks were done.")));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>A fault here (values of an unexpected type from another node, say) fails the call; a restart would lose it.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception ex) when (!_finished)
        {
            Finish(new InvalidOperationException($"The pool could not put together the results of '{_request.Function}': {ex.Message}", ex));
            return true;
        }
    }

    protected override void PreStart()
    {
        Replies.Accepted(_request, Self, Context.System);

        if (_request.Timeout is { } timeout)
        {
            Timers.StartSingleTimer(nameof(Deadline), Deadline.Instance, timeout);
        }
    }

    private void OnResult(ChunkResult result)
    {
        var index = result.Index;
        if (!Accept(index, result.Attempt))
        {
            return;
        }

        var length = _request.ChunkLength(index);
        if (ReferenceEquals(result.Values, _request.Destination))
        {
            // Written in place by an in-process worker: nothing to keep or copy.
            _chunkValues[index] = null;
        }
        else if (result.PartOffset == 0 && result.Values.Length == length)
        {
            _chunkValues[index] = result.Values;
        }
        else
        {
            _chunkValues[index] ??= Array.CreateInstance(result.Values.GetType().GetElementType()!, length);
            Array.Copy(result.Values, 0, _chunkValues[index]!, result.PartOffset, result.Values.Length);
        }

        _received[index] += ReferenceEquals(result.Values, _request.Destination) ? length : result.Values.Length;
        if (_received[index] >= length)
        {
            Complete(index);
        }
    }

    private void OnFailed(ChunkFailed failed)
    {
        if (!Accept(failed.Index, failed.Attempt))
        {
            return;
        }

        // Like CPython's MapResult: keep the first failure, finish only when every chunk is in.
        _failure ??= failed.Failure.ToException((failed.Index * _request.ChunkSize) + failed.ItemOffset);
        _failed[failed.Index] = true;
        Complete(failed.Index);
    }

    /// <summary>Whether a reply for this chunk counts: not done yet and not from an older attempt.</summary>
    private bool Accept(int index, int attempt)
    {
        if (_done[index] || attempt < _attempts[index])
        {
            return false;
        }

        if (attempt > _attempts[index])
        {
            // The chunk was sent again; parts of the earlier attempt no longer count.
            _attempts[index] = attempt;
            _received[index] = 0;
            _chunkValues[index] = null;
        }

        return true;
    }

    private void Complete(int index)
    {
        _done[index] = true;
        _doneCount++;
        switch (_request.Mode)
        {
            case ReplyMode.OrderedStream:
                while (_nextToStream < _done.Length && _done[_nextToStream] && !_failed[_nextToStream] && SendPart(_nextToStream))
                {
                    _nextToStream++;
                }

                break;
            case ReplyMode.UnorderedStream when !_failed[index]:
                SendPart(index);
                break;
        }

        if (_doneCount == _done.Length)
        {
            Finish(_failure);
        }
    }

    /// <summary>
    /// Streams a chunk's values; to a requester on another node in parts sized by their bytes, like a worker's
    /// results. False, with the call failed, when a value cannot be sent there.
    /// </summary>
    private bool SendPart(int index)
    {
        var values = _chunkValues[index] ?? Remoting.Slice(_request.Destination!, index * _request.ChunkSize, _request.ChunkLength(index));
        _chunkValues[index] = null;
        var start = index * _request.ChunkSize;
        if (!Remoting.IsRemote(_request.ReplyTo, Context.System))
        {
            _request.ReplyTo.Tell(new MapPart(_request.RequestId, start, TypedItems.Wrap(values)));
            return true;
        }

        try
        {
            var parts = Remoting.Split(values, PoolSettings.Of(Context.System).MaxRemotePayloadBytes, _request.Function);
            foreach (var (offset, length, encoded) in parts)
            {
                var part = parts.Count == 1 ? values : Remoting.Slice(values, offset, length);
                _request.ReplyTo.Tell(new MapPart(_request.RequestId, start + offset, TypedItems.Wrap(part)) { EncodedValues = encoded });
            }

            return true;
        }
        catch (NotSupportedException ex)
        {
            _failure ??= ex;
            _failed[index] = true;
            return false;
        }
    }

    private void Finish(Exception? failure)
    {
        Replies.Answer(_request, failure is null && _request.Mode is ReplyMode.Single or ReplyMode.Whole ? Concatenate() : null, failure, Context.System);
        Context.Parent.Tell(new RequestDone(_request.Key));
        Context.Stop(Self);
        _finished = true;
    }

    private Array Concatenate()
    {
        if (_chunkValues.Length == 1 && _chunkValues[0] is { } only)
        {
            return only;
        }

        // Chunks written in place are already there; the others (from other nodes) are copied in.
        var all = _request.Destination ?? Array.CreateInstance(_chunkValues.First(v => v is not null)!.GetType().GetElementType()!, _request.ItemCount);
        for (var i = 0; i < _chunkValues.Length; i++)
        {
            if (_chunkValues[i] is { } values)
            {
                Array.Copy(values, 0, all, i * _request.ChunkSize, values.Length);
            }
        }

        return all;
    }

    private sealed class Deadline
    {
        public static readonly Deadline Instance = new();
    }
}
