using System.Threading.Channels;
using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>A facade call waiting for its reply from the <see cref="ReplyInbox"/>.</summary>
internal abstract class PendingCall
{
    /// <summary>The request id, set when the call is registered.</summary>
    public long Id { get; set; }

    /// <summary>A result, or a part of a streamed one.</summary>
    public abstract void Deliver(object message);

    /// <summary>The call failed, was cancelled or the pool was terminated.</summary>
    public abstract void Fail(Exception failure);
}

/// <summary>A call answered once: calls exactly one of its callbacks, then completes its task.</summary>
internal sealed class SingleCall<T>(Func<object, T> convert, Action<T>? callback, Action<Exception>? errorCallback) : PendingCall
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _answered;

    public Task<T> Task => _completion.Task;

    public override void Deliver(object message)
    {
        if (Interlocked.Exchange(ref _answered, 1) != 0)
        {
            return;
        }

        if (callback is null)
        {
            DeliverNow(message);
        }
        else
        {
            // User code never runs in the thread that delivers replies (possibly the router's).
            ThreadPool.UnsafeQueueUserWorkItem(state => DeliverNow(state!), message);
        }
    }

    public override void Fail(Exception failure)
    {
        if (Interlocked.Exchange(ref _answered, 1) != 0)
        {
            return;
        }

        if (errorCallback is null)
        {
            FailNow(failure);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(state => FailNow((Exception)state!), failure);
        }
    }

    private void DeliverNow(object message)
    {
        T value;
        try
        {
            value = convert(message);
            // As in CPython, the callback runs before the result is ready.
            callback?.Invoke(value);
        }
        catch (Exception ex)
        {
            _completion.TrySetException(ex);
            return;
        }

        _completion.TrySetResult(value);
    }

    private void FailNow(Exception failure)
    {
        try
        {
            errorCallback?.Invoke(failure);
        }
        catch (Exception callbackFailure)
        {
            // Never let a user callback escape into Terminate, Cancel or the reply inbox: the task carries it.
            _completion.TrySetException(new AggregateException(failure, callbackFailure));
            return;
        }

        if (failure is OperationCanceledException cancelled)
        {
            _completion.TrySetCanceled(cancelled.CancellationToken);
        }
        else
        {
            _completion.TrySetException(failure);
        }
    }
}

/// <summary>One event of a streamed map segment: values, the end, or a failure.</summary>
internal readonly record struct StreamEvent<T>(long Segment, T[]? Values, Exception? Failure)
{
    public bool IsEnd => Values is null && Failure is null;
}

/// <summary>A streamed map segment: writes its parts, then its end or failure, to the stream's channel.</summary>
internal sealed class StreamCall<T>(ChannelWriter<StreamEvent<T>> writer) : PendingCall
{
    public override void Deliver(object message)
    {
        switch (message)
        {
            case MapPart part:
                writer.TryWrite(new StreamEvent<T>(Id, TypedItems.ToArray<T>(part.Values), null));
                break;
            case MapResult result:
                // A streamed request ends with an empty result; one answered whole (by a router that streams
                // nothing) still yields its values rather than ending empty.
                if (result.Values.Count > 0)
                {
                    writer.TryWrite(new StreamEvent<T>(Id, TypedItems.ToArray<T>(result.Values), null));
                }

                writer.TryWrite(new StreamEvent<T>(Id, null, null));
                break;
        }
    }

    public override void Fail(Exception failure) => writer.TryWrite(new StreamEvent<T>(Id, null, failure));
}

/// <summary>
/// The facade's one long-lived reply address: every call names it as <c>ReplyTo</c> and is matched by request
/// id, so no call pays for a temporary Ask actor.
/// </summary>
internal sealed class ReplyInbox : UntypedActor
{
    private readonly PendingCalls _calls;
    /// <summary>Remote actors holding our calls (aggregators, or a router answering one-chunk calls itself), and those calls.</summary>
    private readonly Dictionary<IActorRef, HashSet<long>> _holders = [];

    public ReplyInbox(PendingCalls calls) => _calls = calls;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RequestAccepted accepted when _calls.Peek(accepted.RequestId) is not null:
                // The call is served on another node: if the holder dies, fail its calls instead of waiting forever.
                if (!_holders.TryGetValue(Sender, out var held))
                {
                    _holders[Sender] = held = [];
                    Context.Watch(Sender);
                }

                if (held.Count >= 1024)
                {
                    // Forget calls answered since; only those still waiting matter when the holder dies.
                    held.RemoveWhere(id => _calls.Peek(id) is null);
                }

                held.Add(accepted.RequestId);
                break;
            case RequestAccepted:
                break;
            case Terminated terminated when _holders.Remove(terminated.ActorRef, out var lost):
                foreach (var id in lost)
                {
                    _calls.Take(id)?.Fail(new InvalidOperationException(
                        $"The node serving this call ({terminated.ActorRef.Path.Address}) was lost before it answered; the call may be submitted again."));
                }

                break;
            default:
                if (!_calls.Dispatch(message))
                {
                    Unhandled(message);
                }

                break;
        }
    }
}

/// <summary>
/// The reply address of a pool that owns its router: no mailbox and no thread hop, replies complete their calls in
/// the replying actor's thread (as Akka's own Ask does). User callbacks never run there: they are queued.
/// </summary>
internal sealed class DirectReplyRef : MinimalActorRef
{
    private readonly PendingCalls _calls;

    public DirectReplyRef(IActorRefProvider provider, PendingCalls calls)
    {
        Provider = provider;
        Path = provider.TempPath();
        _calls = calls;
        provider.RegisterTempActor(this, Path);
    }

    public override ActorPath Path { get; }

    public override IActorRefProvider Provider { get; }

    public override void Stop() => Provider.UnregisterTempActor(Path);

    protected override void TellInternal(object message, IActorRef sender) => _calls.Dispatch(message);
}

/// <summary>The calls a facade has outstanding, by request id.</summary>
internal sealed class PendingCalls
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, PendingCall> _calls = new();
    private readonly object _emptyLock = new();
    private TaskCompletionSource? _empty;
    private long _nextId;

    public int Count => _calls.Count;

    public IReadOnlyCollection<long> Ids => _calls.Keys.ToArray();

    public long Add(PendingCall call)
    {
        var id = Interlocked.Increment(ref _nextId);
        call.Id = id;
        _calls[id] = call;
        return id;
    }

    public PendingCall? Peek(long id) => _calls.GetValueOrDefault(id);

    /// <summary>Hands a reply to the call it answers; false for a message that is not a reply.</summary>
    public bool Dispatch(object message)
    {
        switch (message)
        {
            case MapPart part:
                Peek(part.RequestId)?.Deliver(part);
                return true;
            case MapResult result:
                Take(result.RequestId)?.Deliver(result);
                return true;
            case ApplyResult result:
                Take(result.RequestId)?.Deliver(result);
                return true;
            case Status.Failure { State: long id } failure:
                Take(id)?.Fail(failure.Cause);
                return true;
            default:
                return false;
        }
    }

    public PendingCall? Take(long id)
    {
        if (!_calls.TryRemove(id, out var call))
        {
            return null;
        }

        if (_calls.IsEmpty)
        {
            lock (_emptyLock)
            {
                _empty?.TrySetResult();
            }
        }

        return call;
    }

    /// <summary>Completes when no call is outstanding (callers stop adding calls first).</summary>
    public Task WhenEmpty()
    {
        lock (_emptyLock)
        {
            if (_calls.IsEmpty)
            {
                return Task.CompletedTask;
            }

            if (_empty is null || _empty.Task.IsCompleted)
            {
                _empty = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return _empty.Task;
        }
    }

    /// <summary>Fails every outstanding call.</summary>
    public void FailAll(Func<Exception> failure)
    {
        foreach (var id in _calls.Keys)
        {
            try
            {
                Take(id)?.Fail(failure());
            }
            catch (Exception)
            {
                // One call's failure handling must not stop the others from being failed.
            }
        }
    }
}
