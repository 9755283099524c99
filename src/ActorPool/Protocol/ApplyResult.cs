namespace ActorPool;

/// <summary>The value of an <see cref="Apply"/>.</summary>
/// <param name="RequestId">The request's <see cref="Apply.RequestId"/>.</param>
/// <param name="Value">What the function returned.</param>
public sealed record ApplyResult(long RequestId, object? Value);
