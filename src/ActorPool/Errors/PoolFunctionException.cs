namespace ActorPool;

/// <summary>
/// A function cannot run where it was sent: it is not marked <see cref="PoolFunctionAttribute"/>, it is not
/// registered on the worker's node, or it is a lambda or closure sent to a worker in another process.
/// </summary>
public sealed class PoolFunctionException : PoolException
{
    /// <summary>Creates the exception for <paramref name="function"/>.</summary>
    /// <param name="function">The function's name (or a description of the closure).</param>
    /// <param name="message">What went wrong and what to do about it.</param>
    public PoolFunctionException(string function, string message) : base(message) => Function = function;

    /// <summary>The function's name, or a description of the closure.</summary>
    public string Function { get; }
}
