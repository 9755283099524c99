using ActorPool.Internal;
using Akka.Actor;

namespace ActorPool;

/// <summary>
/// Runs a pool function over every item, in chunks spread round-robin over the workers. Answered with a
/// <see cref="MapResult"/> whose values are in input order, or with <see cref="Status.Failure"/> carrying a
/// <see cref="PoolTaskException"/> (the first failure) once every chunk has finished.
/// </summary>
/// <example><code>var result = await router.Ask&lt;MapResult&gt;(new Map("MyApp.Jobs.Square", [1, 2, 3]), TimeSpan.FromSeconds(10));</code></example>
public sealed record Map
{
    /// <summary>Maps the registered function <paramref name="function"/> over <paramref name="items"/>.</summary>
    /// <param name="function">The wire name of a <see cref="PoolFunctionAttribute"/> method.</param>
    /// <param name="items">One item per call: the argument itself, or a tuple or <c>object[]</c> of the arguments for a function of several parameters.</param>
    /// <exception cref="ArgumentException"><paramref name="function"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is null.</exception>
    public Map(string function, IEnumerable<object?> items)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(function);
        ArgumentNullException.ThrowIfNull(items);
        Function = function;
        Items = Array.AsReadOnly(items.ToArray());
    }

    internal Map(string function, IReadOnlyList<object?> items, FunctionInvoker? localFunction)
    {
        Function = function;
        Items = items;
        LocalFunction = localFunction;
    }

    /// <summary>The wire name of the function to run.</summary>
    public string Function { get; }

    /// <summary>The items, in input order.</summary>
    public IReadOnlyList<object?> Items { get; }

    /// <summary>Items per chunk; by default <c>ceil(items / (4 × workers))</c>, as CPython does. Must be at least 1.</summary>
    public int? ChunkSize { get; init; }

    /// <summary>Where to send the result instead of the sender (a callback actor).</summary>
    public IActorRef? ReplyTo { get; init; }

    /// <summary>How long the whole call may take; it then fails with a <see cref="TimeoutException"/>. None by default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Echoed in the <see cref="MapResult"/> and as the failure's state, to match replies to requests.</summary>
    public long RequestId { get; init; }

    /// <summary>The delegate itself, for lambdas and closures that can only run in this process.</summary>
    internal FunctionInvoker? LocalFunction { get; }

    /// <summary>How the aggregator answers: once, or as an ordered or unordered stream of parts.</summary>
    internal ReplyMode Mode { get; init; }

    /// <summary>Part of a call the facade accepted before Close (a stream's later segments): the router still takes it.</summary>
    internal bool AdmittedBeforeClose { get; init; }
}

/// <summary>
/// Runs a pool function once with the given arguments; answered with an <see cref="ApplyResult"/> or with
/// <see cref="Status.Failure"/> carrying a <see cref="PoolTaskException"/>.
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

/// <summary>The values of a <see cref="Map"/>, in input order.</summary>
/// <param name="RequestId">The request's <see cref="Map.RequestId"/>.</param>
/// <param name="Values">One value per input item, in input order.</param>
public sealed record MapResult(long RequestId, IReadOnlyList<object?> Values);

/// <summary>The value of an <see cref="Apply"/>.</summary>
/// <param name="RequestId">The request's <see cref="Apply.RequestId"/>.</param>
/// <param name="Value">What the function returned.</param>
public sealed record ApplyResult(long RequestId, object? Value);
