namespace ActorPool;

/// <summary>
/// Work was submitted to a pool after <see cref="Pool.Close"/> or <see cref="Pool.Terminate"/>, or was outstanding
/// when it was terminated. An <see cref="InvalidOperationException"/>, as <c>ChannelClosedException</c> is: the
/// caller used the pool in a state that does not allow it.
/// </summary>
public sealed class PoolClosedException : InvalidOperationException
{
    /// <summary>Creates the exception with a message that says what happened.</summary>
    /// <param name="message">What was refused and why.</param>
    public PoolClosedException(string message) : base(message) { }
}
