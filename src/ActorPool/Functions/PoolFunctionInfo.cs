namespace ActorPool;

/// <summary>A function this process can run: its wire name and a readable signature.</summary>
/// <param name="Name">The name the function crosses the wire by.</param>
/// <param name="Signature">Parameter and return types, e.g. <c>Int32 Square(Int32 x)</c>.</param>
public sealed record PoolFunctionInfo(string Name, string Signature);
