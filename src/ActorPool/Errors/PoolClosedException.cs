using System.Runtime.Serialization;

namespace ActorPool;

/// <summary>Work was submitted to a pool after <see cref="Pool.Close"/> or <see cref="Pool.Terminate"/>, or was outstanding when it was terminated.</summary>
public sealed class PoolClosedException : InvalidOperationException
{
    /// <summary>Creates the exception with a message that says what happened.</summary>
    /// <param name="message">What was refused and why.</param>
    public PoolClosedException(string message) : base(message) { }

#pragma warning disable SYSLIB0051 // Akka.Remote rebuilds exceptions from SerializationInfo when a failure crosses nodes.
    private PoolClosedException(SerializationInfo info, StreamingContext context) : base(info, context) { }
#pragma warning restore SYSLIB0051
}
