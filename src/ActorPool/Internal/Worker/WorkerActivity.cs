using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>
/// What one worker is running on its thread right now, shared with its <see cref="WorkerHost"/>: the host must tell a
/// worker stuck in a timed-out call (which cannot read its mailbox) from one that merely has that call's chunk queued.
/// Written by the worker around every synchronous run, read by the host when a router asks it to abandon the worker
/// or when someone asks it how its workers are doing (<see cref="HostStatusRequest"/>).
/// </summary>
internal sealed class WorkerActivity
{
    private readonly Lock _gate = new();
    private IActorRef? _router;
    private long _key;
    private long[]? _keys;

    // Items this worker answered (results or failures), across its restarts: bumped by the worker, read by the host
    // without a lock.
    private long _completed;

    // Kept here rather than in the worker, so injected faults outlive the restarts they cause.
    private int _crashes;
    private long _delayTicks;

    /// <summary>The worker starts running a chunk of request <paramref name="key"/> of <paramref name="router"/>.</summary>
    public void Running(IActorRef router, long key)
    {
        lock (_gate)
        {
            (_router, _key, _keys) = (router, key, null);
        }
    }

    /// <summary>The worker starts running a batch of one-item requests <paramref name="keys"/> of <paramref name="router"/>.</summary>
    public void Running(IActorRef router, long[] keys)
    {
        lock (_gate)
        {
            (_router, _key, _keys) = (router, 0, keys);
        }
    }

    /// <summary>The worker's thread is back from user code.</summary>
    public void Idle()
    {
        lock (_gate)
        {
            (_router, _keys) = (null, null);
        }
    }

    /// <summary>Whether the worker's thread is inside a call of request <paramref name="key"/> of <paramref name="router"/> now.</summary>
    public bool IsRunning(IActorRef router, long key)
    {
        lock (_gate)
        {
            return _router is not null && _router.Equals(router) && (_keys is null ? _key == key : Array.IndexOf(_keys, key) >= 0);
        }
    }

    /// <summary>
    /// Whether the worker's thread is inside a call now. A single read of a reference the worker writes under the
    /// lock: a status snapshot may be a moment stale, never torn.
    /// </summary>
    public bool IsBusy => Volatile.Read(ref _router) is not null;

    /// <summary>Tasks (items) this worker has answered since it started, restarts included, whether they succeeded or failed.</summary>
    public long TasksCompleted => Interlocked.Read(ref _completed);

    /// <summary>The worker answered <paramref name="items"/> more items.</summary>
    public void Completed(int items) => Interlocked.Add(ref _completed, items);

    /// <summary>Fault injection: the worker crashes on each of its next <paramref name="chunks"/> chunks.</summary>
    public void InjectCrashes(int chunks) => Interlocked.Add(ref _crashes, chunks);

    /// <summary>Whether the worker is to crash now (one injected crash is used up).</summary>
    public bool TakeInjectedCrash()
    {
        if (Volatile.Read(ref _crashes) <= 0)
        {
            return false;
        }

        return Interlocked.Decrement(ref _crashes) >= 0;
    }

    /// <summary>Fault injection: how long the worker waits before each chunk (zero: none).</summary>
    public TimeSpan Delay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }
}
