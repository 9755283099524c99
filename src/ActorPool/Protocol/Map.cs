using Akka.Actor;

namespace ActorPool;

/// <summary>
/// Runs a pool function over every item, in chunks spread round-robin over the workers. Answered with a
/// <see cref="MapResult"/> whose values are in input order, or with <see cref="Status.Failure"/> carrying a
/// <see cref="PoolException"/> (for a user function that threw, the <see cref="PoolTaskException"/> of the lowest
/// failing item) once every chunk has finished.
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
        // A list nobody can change is kept as it is (no copy of a large typed payload); anything mutable is copied.
        Items = items is IReadOnlyList<object?> list and not ICollection<object?> { IsReadOnly: false } ? list : Array.AsReadOnly(items.ToArray());
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
}
