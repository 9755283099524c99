namespace ActorPool;

/// <summary>
/// A call lost what was running it: no worker has been reachable for the no-workers timeout, the node or router
/// serving the call was lost before it answered (for a pool connected through ClusterClient, each time it was sent
/// again, up to 3 times, or with no other node to reach), or the actor system the pool runs in stopped. The call may
/// be submitted again; functions must tolerate running more than once.
/// </summary>
public sealed class PoolWorkerLostException : PoolException
{
    /// <summary>Creates the exception with a message that says what was lost and what to do.</summary>
    /// <param name="message">What was lost and what to do about it.</param>
    public PoolWorkerLostException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What was lost and what to do about it.</param>
    /// <param name="innerException">The cause.</param>
    public PoolWorkerLostException(string message, Exception? innerException) : base(message, innerException) { }
}
