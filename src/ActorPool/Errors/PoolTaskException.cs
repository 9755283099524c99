namespace ActorPool;

/// <summary>
/// A user function threw while a pool ran it. Carries what is needed to find the cause even when it
/// happened on another node: the original type name, message and stack text, and the index of the failing
/// item. <see cref="Exception.InnerException"/> is the original exception when it ran in this process.
/// </summary>
public sealed class PoolTaskException : PoolException
{
    /// <summary>Creates the exception for item <paramref name="itemIndex"/> of a call to <paramref name="function"/>.</summary>
    /// <param name="function">The pool function that threw.</param>
    /// <param name="itemIndex">Index of the failing item in the call's input (0 for an apply).</param>
    /// <param name="originalType">Full name of the exception type the function threw.</param>
    /// <param name="originalMessage">Its message.</param>
    /// <param name="remoteStackTrace">Its stack trace as text.</param>
    /// <param name="inner">The original exception, when it could be carried.</param>
    public PoolTaskException(string function, int itemIndex, string originalType, string originalMessage, string? remoteStackTrace, Exception? inner = null)
        : base($"{originalType} in pool function '{function}' at item {itemIndex}: {originalMessage}", inner)
    {
        Function = function;
        ItemIndex = itemIndex;
        OriginalType = originalType;
        OriginalMessage = originalMessage;
        RemoteStackTrace = remoteStackTrace;
    }

    /// <summary>The pool function that threw.</summary>
    public string Function { get; }

    /// <summary>Index of the failing item in the call's input (0 for an apply).</summary>
    public int ItemIndex { get; }

    /// <summary>Full name of the exception type the function threw, e.g. <c>System.DivideByZeroException</c>.</summary>
    public string OriginalType { get; }

    /// <summary>The message of the exception the function threw.</summary>
    public string OriginalMessage { get; }

    /// <summary>The stack trace of the original exception as text, taken where it was thrown.</summary>
    public string? RemoteStackTrace { get; }
}
