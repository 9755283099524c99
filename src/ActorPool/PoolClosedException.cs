namespace ActorPool;

/// <summary>Work was submitted to a pool after <see cref="Pool.Close"/> or <see cref="Pool.Terminate"/>, or was outstanding when it was terminated.</summary>
public sealed class PoolClosedException : InvalidOperationException
{
    /// <summary>Creates the exception with a message that says what happened.</summary>
    /// <param name="message">What was refused and why.</param>
    public PoolClosedException(string message) : base(message) { }
}
