using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>
/// The router's ledger entry for one request: its arguments, which chunks are still to send, and how often each
/// has been sent (an attempt number travels with every chunk, so a reply from an earlier attempt is known stale).
/// </summary>
internal sealed class PendingRequest : ITakesTurns<PendingRequest>
{
    private readonly int[] _attempts;
    private Queue<int>? _retries;
    private ResultAssembler? _results;
    private int _next;

    public PendingRequest(RequestInfo info, Array arguments, FunctionInvoker? local, IActorRef? aggregator, IActorRef submitter, DateTimeOffset now)
    {
        Info = info;
        Arguments = arguments;
        Local = local;
        Aggregator = aggregator;
        Submitter = submitter;
        WaitingSince = now;
        _attempts = new int[info.ChunkCount];
    }

    public RequestInfo Info { get; }

    /// <inheritdoc />
    public LinkedListNode<PendingRequest>? Turn { get; set; }

    public Array Arguments { get; }

    /// <summary>The delegate of a closure or of a function known here; null when only the workers' nodes know it.</summary>
    public FunctionInvoker? Local { get; }

    /// <summary>The request's aggregator; null when the router answers it itself (one chunk).</summary>
    public IActorRef? Aggregator { get; }

    /// <summary>Assembles the reply of a request the router answers itself; made on its first reply (an apply answered in a batch never needs one).</summary>
    public ResultAssembler? Results => Aggregator is null ? _results ??= new ResultAssembler(Info) : null;

    /// <summary>Counts progress for a caller that asked for it, when the router answers the request itself; null otherwise.</summary>
    public ProgressCounter? Progress { get; init; }

    /// <summary>A one-chunk request whose in-process worker answers the caller itself; the router only books the chunk.</summary>
    public bool AnsweredByWorker { get; init; }

    /// <summary>Who sent the request: only they may cancel it.</summary>
    public IActorRef Submitter { get; }

    /// <summary>Since when this request has waited with no worker at all (its submission, or the loss of the last worker).</summary>
    public DateTimeOffset WaitingSince { get; set; }

    public bool HasPending => _retries is { Count: > 0 } || _next < _attempts.Length;

    /// <summary>An apply the router answers itself: it may travel in a batch with others.</summary>
    public bool IsBatchable => Aggregator is null && Info.Mode == ReplyMode.Single;

    public int AttemptOf(int index) => _attempts[index];

    /// <summary>The next chunk to send: one to send again first, then the next new one.</summary>
    public bool TryTake(out int index, out int attempt)
    {
        index = 0;
        if ((_retries is not null && _retries.TryDequeue(out index)) || (_next < _attempts.Length && (index = _next++) >= 0))
        {
            attempt = _attempts[index];
            return true;
        }

        attempt = 0;
        return false;
    }

    /// <summary>A chunk's worker was lost: send it again, as a new attempt.</summary>
    public void Retry(int index)
    {
        _attempts[index]++;
        (_retries ??= new Queue<int>()).Enqueue(index);
    }
}
