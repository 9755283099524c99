namespace ActorPool;

/// <summary>A function this process can run: its wire name, a readable signature and its types.</summary>
/// <param name="Name">The name the function crosses the wire by.</param>
/// <param name="Signature">Parameter and return types, e.g. <c>Int64 Square(Int64 x)</c>.</param>
/// <param name="ParameterTypes">The parameter types, zero to three.</param>
/// <param name="ReturnType">The result type (<see cref="object"/> for a <see langword="void"/> method, whose result is null).</param>
public sealed record PoolFunctionInfo(string Name, string Signature, IReadOnlyList<Type> ParameterTypes, Type ReturnType);
