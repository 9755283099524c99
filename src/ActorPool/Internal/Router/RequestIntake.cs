using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>
/// The router's edge: translates the public <see cref="Map"/> and <see cref="Apply"/> into the one internal
/// <see cref="Submit"/>, checks what a request asks for, and types its arguments for the function when this node
/// knows it (so items cross and run as typed arrays; otherwise the workers' nodes convert them).
/// </summary>
internal static class RequestIntake
{
    public static Submit From(Map map, IActorRef sender) =>
        new(map.RequestId, map.Function, TypedItems.Unwrap(map.Items), ReplyMode.Whole, map.ReplyTo ?? sender) { ChunkSize = map.ChunkSize, Timeout = map.Timeout };

    public static Submit From(Apply apply, IActorRef sender) =>
        new(apply.RequestId, apply.Function, new[] { apply.Arguments.Count == 1 ? apply.Arguments[0] : apply.Arguments.ToArray() }, ReplyMode.Single,
            apply.ReplyTo ?? sender) { ChunkSize = 1, Timeout = apply.Timeout };

    /// <summary>
    /// The request's arguments as the function's typed argument array, and the function when this node knows it.
    /// </summary>
    /// <exception cref="ArgumentException">The chunk size is below 1, or the items do not fit the function's parameters.</exception>
    public static Array Arguments(Submit submit, string node, out FunctionInvoker? function)
    {
        if (submit.ChunkSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Map.ChunkSize), submit.ChunkSize, "The chunk size must be at least 1.");
        }

        function = submit.LocalFunction ?? TryResolve(submit.Function, node);
        return submit.Arguments is object?[] items && function is not null ? function.ToArguments(items) : submit.Arguments;
    }

    private static FunctionInvoker? TryResolve(string function, string node)
    {
        if (FunctionRegistry.Count == 0)
        {
            return null;
        }

        try
        {
            return FunctionRegistry.Resolve(function, node);
        }
        catch (PoolFunctionException)
        {
            // Not known (or ambiguous) on this node: the workers' nodes decide, and convert the items themselves.
            return null;
        }
    }
}
