namespace ActorPool;

/// <summary>
/// A value cannot cross to another node: its type is not one the pool can send (nor on the allow-list of types
/// in registered pool functions' signatures), it is too large for one message, or what arrived could not be read.
/// The message names the type or size and what to do.
/// </summary>
public sealed class PoolPayloadException : PoolException
{
    /// <summary>Creates the exception with a message that names the value and what to do.</summary>
    /// <param name="message">What cannot cross and what to do about it.</param>
    public PoolPayloadException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What cannot cross and what to do about it.</param>
    /// <param name="innerException">The cause.</param>
    public PoolPayloadException(string message, Exception? innerException) : base(message, innerException) { }
}
