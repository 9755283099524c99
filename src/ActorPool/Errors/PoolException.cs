namespace ActorPool;

/// <summary>
/// The base of every failure the pool itself reports: a user function threw (<see cref="PoolTaskException"/>), a
/// function cannot run where it was sent (<see cref="PoolFunctionException"/>), no worker or serving node is left
/// (<see cref="PoolWorkerLostException"/>), or a value cannot cross to another node (<see cref="PoolPayloadException"/>).
/// Submitting to a closed pool throws <see cref="PoolClosedException"/>, an <see cref="InvalidOperationException"/>
/// like <c>ChannelClosedException</c>; argument errors, cancellations and timeouts pass through as themselves.
/// </summary>
public class PoolException : Exception
{
    /// <summary>Creates the exception with a message that says what happened and what to do.</summary>
    /// <param name="message">What went wrong and what to do about it.</param>
    public PoolException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong and what to do about it.</param>
    /// <param name="innerException">The cause.</param>
    public PoolException(string message, Exception? innerException) : base(message, innerException) { }
}
