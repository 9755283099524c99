using System.Runtime.Serialization;

namespace ActorPool;

/// <summary>
/// A function cannot run where it was sent: it is not marked <see cref="PoolFunctionAttribute"/>, it is not
/// registered on the worker's node, or it is a lambda or closure sent to a worker in another process.
/// </summary>
public sealed class PoolFunctionException : Exception
{
    /// <summary>Creates the exception for <paramref name="function"/>.</summary>
    /// <param name="function">The function's name (or a description of the closure).</param>
    /// <param name="message">What went wrong and what to do about it.</param>
    public PoolFunctionException(string function, string message) : base(message) => Function = function;

#pragma warning disable SYSLIB0051, CS0672 // Akka.Remote rebuilds exceptions from SerializationInfo when a failure crosses nodes.
    private PoolFunctionException(SerializationInfo info, StreamingContext context) : base(info, context) =>
        Function = info.GetString(nameof(Function)) ?? "";

    /// <summary>Adds the function name, so it survives when the failure crosses nodes.</summary>
    /// <param name="info">Where the fields go.</param>
    /// <param name="context">Unused.</param>
    public override void GetObjectData(SerializationInfo info, StreamingContext context)
    {
        base.GetObjectData(info, context);
        info.AddValue(nameof(Function), Function);
    }
#pragma warning restore SYSLIB0051, CS0672

    /// <summary>The function's name, or a description of the closure.</summary>
    public string Function { get; }
}
