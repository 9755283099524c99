namespace ActorPool.Internal;

/// <summary>
/// A failure as it crosses the wire: what kind it is, and the text needed to rebuild it on the other side as the
/// same member of the <see cref="PoolException"/> family. <see cref="Original"/> survives only inside one process.
/// </summary>
internal sealed record TaskFailure(FailureKind Kind, string Function, string Type, string Message, string? StackTrace)
{
    public Exception? Original { get; init; }

    /// <summary>A user function threw <paramref name="ex"/> (or could not be found).</summary>
    public static TaskFailure FromUser(string function, Exception ex) => ex is PoolException
        ? FromPool(function, ex)
        : new TaskFailure(FailureKind.Task, function, ex.GetType().FullName!, ex.Message, ex.StackTrace) { Original = ex };

    /// <summary>The pool itself failed a call with <paramref name="ex"/>: keeps what kind of failure it is.</summary>
    public static TaskFailure FromPool(string function, Exception ex)
    {
        var kind = ex switch
        {
            PoolTaskException task => FailureKind.Task,
            PoolFunctionException => FailureKind.Function,
            PoolPayloadException => FailureKind.Payload,
            PoolWorkerLostException => FailureKind.WorkerLost,
            PoolClosedException => FailureKind.Closed,
            TimeoutException => FailureKind.Timeout,
            OperationCanceledException => FailureKind.Cancelled,
            ArgumentException => FailureKind.Argument,
            _ => FailureKind.Other,
        };
        return ex is PoolTaskException t
            ? new TaskFailure(kind, t.Function, t.OriginalType, t.OriginalMessage, t.RemoteStackTrace) { Original = ex }
            : new TaskFailure(kind, ex is PoolFunctionException f ? f.Function : function, ex.GetType().FullName!, ex.Message, ex.StackTrace) { Original = ex };
    }

    /// <summary>The exception the caller sees; <paramref name="itemIndex"/> is the failing item's index in the call's input.</summary>
    public Exception ToException(int itemIndex) => Kind switch
    {
        FailureKind.Task => Original is PoolTaskException { ItemIndex: var i } same && i == itemIndex
            ? same
            : new PoolTaskException(Function, itemIndex, Type, Message, StackTrace, Original is PoolTaskException wrapped ? wrapped.InnerException : Original),
        FailureKind.Function => Original as PoolFunctionException ?? new PoolFunctionException(Function, Message),
        FailureKind.Payload => Original ?? new PoolPayloadException(Message),
        FailureKind.WorkerLost => Original ?? new PoolWorkerLostException(Message),
        FailureKind.Closed => Original ?? new PoolClosedException(Message),
        FailureKind.Timeout => Original ?? new TimeoutException(Message),
        FailureKind.Cancelled => Original ?? new OperationCanceledException(Message),
        FailureKind.Argument => Original ?? new ArgumentException(Message),
        _ => Original ?? new PoolException($"{Type}: {Message}"),
    };
}

/// <summary>What kind of failure a <see cref="TaskFailure"/> is: which exception the caller gets.</summary>
internal enum FailureKind : byte
{
    /// <summary>The user function threw: <see cref="PoolTaskException"/>.</summary>
    Task,

    /// <summary>The function could not run there: <see cref="PoolFunctionException"/>.</summary>
    Function,

    /// <summary>A value could not cross: <see cref="PoolPayloadException"/>.</summary>
    Payload,

    /// <summary>No worker, or the serving node, was left: <see cref="PoolWorkerLostException"/>.</summary>
    WorkerLost,

    /// <summary>The pool was closed or terminated: <see cref="PoolClosedException"/>.</summary>
    Closed,

    /// <summary>The call's deadline passed: <see cref="TimeoutException"/>.</summary>
    Timeout,

    /// <summary>The call was cancelled: <see cref="OperationCanceledException"/>.</summary>
    Cancelled,

    /// <summary>The call's arguments did not fit: <see cref="ArgumentException"/>.</summary>
    Argument,

    /// <summary>Anything else the pool reports: <see cref="PoolException"/> naming the original type.</summary>
    Other,
}
