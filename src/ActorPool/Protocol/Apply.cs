using Akka.Actor;

namespace ActorPool;

/// <summary>
/// Runs a pool function once with the given arguments; answered with an <see cref="ApplyResult"/> or with
/// <see cref="Status.Failure"/> carrying a <see cref="PoolException"/> (a <see cref="PoolTaskException"/> when the function threw).
/// </summary>
public sealed record Apply
{
    /// <summary>Calls the registered function <paramref name="function"/> with <paramref name="arguments"/>.</summary>
    /// <param name="function">The wire name of a <see cref="PoolFunctionAttribute"/> method.</param>
    /// <param name="arguments">The arguments, zero to three.</param>
    /// <exception cref="ArgumentException"><paramref name="function"/> is empty.</exception>
    public Apply(string function, params object?[] arguments)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(function);
        Function = function;
        Arguments = Array.AsReadOnly(arguments ?? [null]);
    }

    /// <summary>The wire name of the function to run.</summary>
    public string Function { get; }

    /// <summary>The arguments.</summary>
    public IReadOnlyList<object?> Arguments { get; }

    /// <summary>Where to send the result instead of the sender (a callback actor).</summary>
    public IActorRef? ReplyTo { get; init; }

    /// <summary>How long the call may take; it then fails with a <see cref="TimeoutException"/>. None by default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Echoed in the <see cref="ApplyResult"/> and as the failure's state.</summary>
    public long RequestId { get; init; }
}
