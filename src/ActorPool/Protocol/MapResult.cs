namespace ActorPool;

/// <summary>The values of a <see cref="Map"/>, in input order.</summary>
/// <param name="RequestId">The request's <see cref="Map.RequestId"/>.</param>
/// <param name="Values">One value per input item, in input order.</param>
public sealed record MapResult(long RequestId, IReadOnlyList<object?> Values);
