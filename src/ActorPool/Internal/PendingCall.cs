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

    public override void Fail(Exception failure)
    {
        if (Interlocked.Exchange(ref _answered, 1) != 0)
        {
            return;
        }

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
    private readonly Dictionary<IActorRef, long> _remoteAggregators = [];

    public ReplyInbox(PendingCalls calls) => _calls = calls;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RequestAccepted accepted when _calls.Peek(accepted.RequestId) is not null:
                // The call is served on another node: if that node dies, fail the call instead of waiting forever.
                _remoteAggregators[Sender] = accepted.RequestId;
                Context.Watch(Sender);
                break;
            case RequestAccepted:
                break;
            case Terminated terminated when _remoteAggregators.Remove(terminated.ActorRef, out var id):
                _calls.Take(id)?.Fail(new InvalidOperationException(
                    $"The node serving this call ({terminated.ActorRef.Path.Address}) was lost before it answered; the call may be submitted again."));
                break;
            case MapPart part:
                _calls.Peek(part.RequestId)?.Deliver(part);
                break;
            case MapResult result:
                _calls.Take(result.RequestId)?.Deliver(result);
                break;
            case ApplyResult result:
                _calls.Take(result.RequestId)?.Deliver(result);
                break;
            case Status.Failure { State: long id } failure:
                _calls.Take(id)?.Fail(failure.Cause);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
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
