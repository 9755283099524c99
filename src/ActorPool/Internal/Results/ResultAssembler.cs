namespace ActorPool.Internal;

/// <summary>
/// Puts one request's chunk results back together, whoever holds the request: the router for a one-chunk request,
/// an <see cref="Aggregator"/> otherwise. Counts each chunk once (a chunk sent again after its worker died may
/// answer twice; parts of an older attempt stop counting), joins results that came in parts, and keeps the failure
/// of the lowest failing item, so a map reports the same failure on every run whatever finished first.
/// </summary>
internal sealed class ResultAssembler
{
    private readonly RequestInfo _request;
    private readonly Array?[] _values;
    private readonly int[] _received;
    private readonly int[] _attempts;
    private readonly byte[] _state;
    private int _failedAt = int.MaxValue;

    public ResultAssembler(RequestInfo request)
    {
        _request = request;
        var chunks = request.ChunkCount;
        _values = new Array?[chunks];
        _received = new int[chunks];
        _attempts = new int[chunks];
        _state = new byte[chunks];
    }

    private enum ChunkState : byte
    {
        Running,
        Done,
        Failed,
    }

    /// <summary>Chunks finished, with values or a failure.</summary>
    public int DoneCount { get; private set; }

    public bool IsComplete => DoneCount == _state.Length;

    /// <summary>The failure of the lowest failing item so far.</summary>
    public Exception? Failure { get; private set; }

    public bool IsDone(int index) => _state[index] == (byte)ChunkState.Done;

    public bool IsFailed(int index) => _state[index] == (byte)ChunkState.Failed;

    /// <summary>Takes a worker's reply; the index of the chunk it finished, or -1 (a part, a stale attempt, a duplicate).</summary>
    public int Add(object reply) => reply switch
    {
        ChunkResult result => Add(result),
        ChunkFailed failed => Add(failed),
        _ => -1,
    };

    /// <summary>The values of a finished chunk, handed over once (a stream sends them on and forgets them).</summary>
    public Array TakeChunk(int index)
    {
        var values = _values[index] ?? TypedItems.Slice(_request.Destination!, index * _request.ChunkSize, _request.ChunkLength(index));
        _values[index] = null;
        return values;
    }

    /// <summary>All values in input order, once every chunk is done.</summary>
    public Array Values()
    {
        if (_values.Length == 1 && _values[0] is { } only)
        {
            return only;
        }

        // Chunks written in place are already there; the others (from other nodes) are copied in.
        var all = _request.Destination ?? Array.CreateInstance(_values.First(v => v is not null)!.GetType().GetElementType()!, _request.ItemCount);
        for (var i = 0; i < _values.Length; i++)
        {
            if (_values[i] is { } values)
            {
                Array.Copy(values, 0, all, i * _request.ChunkSize, values.Length);
            }
        }

        return all;
    }

    /// <summary>The failure of a request whose deadline passed.</summary>
    public TimeoutException TimedOut() => new(
        $"The call to '{_request.Function}' did not finish within {_request.Timeout}; {DoneCount} of {_request.ChunkCount} chunks were done.");

    private int Add(ChunkResult result)
    {
        var index = result.Index;
        if (!Accept(index, result.Attempt))
        {
            return -1;
        }

        var length = _request.ChunkLength(index);
        var inPlace = ReferenceEquals(result.Values, _request.Destination);
        if (inPlace)
        {
            // Written in place by an in-process worker: nothing to keep or copy.
            _values[index] = null;
        }
        else if (result.PartOffset == 0 && result.Values.Length == length)
        {
            _values[index] = result.Values;
        }
        else
        {
            if (result.Values.Length > length - result.PartOffset)
            {
                throw new PoolPayloadException($"A part of {result.Values.Length} values arrived for items {result.PartOffset}.. of a chunk of {length}.");
            }

            _values[index] ??= Array.CreateInstance(result.Values.GetType().GetElementType()!, length);
            Array.Copy(result.Values, 0, _values[index]!, result.PartOffset, result.Values.Length);
        }

        _received[index] += inPlace ? length : result.Values.Length;
        return _received[index] >= length ? Finish(index, ChunkState.Done) : -1;
    }

    private int Add(ChunkFailed failed)
    {
        if (!Accept(failed.Index, failed.Attempt))
        {
            return -1;
        }

        // Like CPython's MapResult, a map finishes only when every chunk is in; unlike it, the failure kept is the
        // one of the lowest item, not the first in time, so the same input always reports the same failure.
        var item = (failed.Index * _request.ChunkSize) + failed.ItemOffset;
        if (item < _failedAt)
        {
            _failedAt = item;
            Failure = failed.Failure.ToException(item);
        }

        return Finish(failed.Index, ChunkState.Failed);
    }

    /// <summary>Fails a chunk that never produced a reply of its own (its values could not be sent on).</summary>
    public void Fail(int index, Exception failure)
    {
        var item = index * _request.ChunkSize;
        if (item < _failedAt)
        {
            _failedAt = item;
            Failure = failure;
        }

        _state[index] = (byte)ChunkState.Failed;
    }

    /// <summary>Whether a reply for this chunk counts: not finished yet and not from an older attempt.</summary>
    private bool Accept(int index, int attempt)
    {
        if ((uint)index >= (uint)_state.Length || _state[index] != (byte)ChunkState.Running || attempt < _attempts[index])
        {
            return false;
        }

        if (attempt > _attempts[index])
        {
            // The chunk was sent again; parts of the earlier attempt no longer count.
            _attempts[index] = attempt;
            _received[index] = 0;
            _values[index] = null;
        }

        return true;
    }

    private int Finish(int index, ChunkState state)
    {
        _state[index] = (byte)state;
        DoneCount++;
        return index;
    }
}
