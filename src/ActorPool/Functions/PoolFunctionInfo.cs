namespace ActorPool;

/// <summary>A function this process can run: its wire name, a readable signature and its types.</summary>
/// <param name="Name">The name the function crosses the wire by.</param>
/// <param name="Signature">Parameter and return types, e.g. <c>Int64 Square(Int64 x)</c>.</param>
/// <param name="ParameterTypes">The parameter types, zero to three (a <see cref="CancellationToken"/> parameter is not one: it gets the call's token).</param>
/// <param name="ReturnType">The result type: what an async function's task completes with; <see cref="object"/> for one that returns nothing, whose result is null.</param>
public sealed record PoolFunctionInfo(string Name, string Signature, IReadOnlyList<Type> ParameterTypes, Type ReturnType)
{
    /// <summary>It returns a task, which the worker awaits.</summary>
    public bool IsAsync { get; init; }

    /// <summary>Why its values cannot cross to another node (it still runs in-process), or null when they can. Found when the function is registered.</summary>
    public string? WireProblem { get; init; }
}
