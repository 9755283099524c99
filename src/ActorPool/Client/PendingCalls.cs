using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>
/// The calls a facade has outstanding, by request id, at most <c>max-outstanding-calls</c> of them: a caller
/// submitting faster than the pool runs (a million <c>ApplyAsync</c>s in a loop) waits in <see cref="Add"/> for
/// room, so memory stays bounded instead of every call queueing at once.
/// </summary>
/// <param name="limit">Calls outstanding at once; <see cref="Add"/> waits beyond it.</param>
internal sealed class PendingCalls(int limit)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, PendingCall> _calls = new();
    private readonly SemaphoreSlim _room = new(limit, limit);
    private readonly object _emptyLock = new();
    private TaskCompletionSource? _empty;
    private long _nextId;

    public int Count => _calls.Count;

    /// <summary>Calls registered and not yet answered, read without a lock (unlike <see cref="Count"/>).</summary>
    public int Outstanding => limit - _room.CurrentCount;

    public IReadOnlyCollection<long> Ids => _calls.Keys.ToArray();

    /// <summary>Registers a call, first waiting (blocking the submitter) while <c>limit</c> calls are outstanding.</summary>
    public long Add(PendingCall call)
    {
        _room.Wait();
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
            case MapProgress progress:
                Peek(progress.RequestId)?.Progress(progress);
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

        _room.Release();
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
    public void FailAll(Func<Exception> failure) => FailAll(_ => failure());

    /// <summary>Fails every outstanding call, each with the failure made for it.</summary>
    public void FailAll(Func<PendingCall, Exception> failure)
    {
        foreach (var id in _calls.Keys)
        {
            try
            {
                if (Take(id) is { } call)
                {
                    call.Fail(failure(call));
                }
            }
            catch (Exception)
            {
                // One call's failure handling must not stop the others from being failed.
            }
        }
    }
}
