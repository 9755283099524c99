namespace ActorPool.Internal;

/// <summary>A facade call waiting for its reply from the <see cref="ReplyInbox"/>.</summary>
internal abstract class PendingCall
{
    /// <summary>The request id, set when the call is registered.</summary>
    public long Id { get; set; }

    /// <summary>
    /// For a pool connected through ClusterClient: where the call went and what sending it again takes. Only that
    /// pool's <see cref="ClusterClientProxy"/> reads or writes it; null elsewhere.
    /// </summary>
    public CallRoute? Route { get; set; }

    /// <summary>A result, or a part of a streamed one.</summary>
    public abstract void Deliver(object message);

    /// <summary>The call failed, was cancelled or the pool was terminated.</summary>
    public abstract void Fail(Exception failure);

    /// <summary>How far the call has come; for a call that asked for progress, handed to its <see cref="ProgressReporter"/>.</summary>
    public virtual void Progress(MapProgress report)
    {
    }
}

/// <summary>
/// A call answered once: calls exactly one of its callbacks, then completes its task. A call that reports progress
/// completes after its last report has been handed over.
/// </summary>
internal sealed class SingleCall<T>(Func<object, T> convert, Action<T>? callback, Action<Exception>? errorCallback, ProgressReporter? progress = null)
    : PendingCall
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

        if (progress is not null)
        {
            progress.Then(() =>
            {
                progress.Close();
                DeliverNow(message);
            });
        }
        else if (callback is null)
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

        if (progress is not null)
        {
            progress.Then(() =>
            {
                progress.Close();
                FailNow(failure);
            });
        }
        else if (errorCallback is null)
        {
            FailNow(failure);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(state => FailNow((Exception)state!), failure);
        }
    }

    public override void Progress(MapProgress report) => progress?.Report(report);

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
