using ActorPool.Serialization;
using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>
/// Facade to router: one call, already typed. The public <see cref="Map"/> and <see cref="Apply"/> are translated
/// into this at the router's edge, so everything behind it sees one kind of request.
/// </summary>
/// <param name="RequestId">The caller's id, echoed in every reply.</param>
/// <param name="Function">The function's wire name.</param>
/// <param name="Arguments">One argument pack per item: a typed array when the caller knows the types, <c>object?[]</c> otherwise.</param>
/// <param name="Mode">How the answer comes back.</param>
/// <param name="ReplyTo">Where replies go.</param>
internal sealed record Submit(long RequestId, string Function, Array Arguments, ReplyMode Mode, IActorRef ReplyTo) : IPoolMessage
{
    /// <summary>The delegate itself, for lambdas and closures that can only run in this process; never crosses.</summary>
    public FunctionInvoker? LocalFunction { get; init; }

    /// <summary>Items per chunk; the router's rule when null.</summary>
    public int? ChunkSize { get; init; }

    /// <summary>The call's deadline; none when null.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The caller wants <see cref="MapProgress"/> reports as chunks finish.</summary>
    public bool ReportProgress { get; init; }

    /// <summary>Part of a call the facade accepted before Close (a stream's later segments): a closed router still takes it.</summary>
    public bool AdmittedBeforeClose { get; init; }
}

/// <summary>
/// Made by the serializer in place of a request whose items arrived but could not be read here: the router answers
/// the caller with the reason instead of the request being dropped.
/// </summary>
internal sealed record Rejected(long RequestId, IActorRef? ReplyTo, Exception Reason);

/// <summary>Caller to router: stop the request with this id that the sender submitted.</summary>
internal sealed record CancelRequest(long RequestId) : IPoolMessage;

/// <summary>Caller to router, in-process only: how many workers are there now? Answered with a <see cref="WorkerCount"/>.</summary>
internal sealed class CountWorkers
{
    public static readonly CountWorkers Instance = new();

    private CountWorkers() { }
}

/// <summary>Router to caller: the workers it deals to now (all nodes together).</summary>
internal sealed record WorkerCount(int Workers);

/// <summary>Caller to router: refuse new work from now on; outstanding work finishes.</summary>
internal sealed class ClosePool
{
    public static readonly ClosePool Instance = new();

    private ClosePool() { }
}

/// <summary>Caller to router: fail all outstanding work and stop the workers now.</summary>
internal sealed class TerminatePool
{
    public static readonly TerminatePool Instance = new();

    private TerminatePool() { }
}

/// <summary>Router to aggregator: stop with this failure (cancel, terminate, no workers).</summary>
internal sealed record AbortRequest(Exception Reason);

/// <summary>Aggregator to router: the request is answered; forget it. <paramref name="TimedOut"/>: its deadline passed, so workers still inside its calls are stuck.</summary>
internal sealed record RequestDone(long RequestKey, bool TimedOut = false);

/// <summary>Router to the aggregator of a request that reports progress: these items are being sent again.</summary>
internal sealed record ItemsRetried(int Count);
