namespace ActorPool;

/// <summary>
/// Marks a static method as a pool function: it joins this node's allow-list and can be sent to
/// workers on other nodes by name, the way pickle sends a function by its qualified name.
/// </summary>
/// <remarks>
/// The name is <c>Namespace.Type.Method</c> unless one is given. The method must be static, non-generic,
/// take zero to three parameters and have no <c>ref</c>/<c>out</c> parameters. Every node that runs
/// the function must load the assembly that declares it.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class PoolFunctionAttribute : Attribute
{
    /// <summary>Registers the method under <c>Namespace.Type.Method</c>.</summary>
    public PoolFunctionAttribute() { }

    /// <summary>Registers the method under <paramref name="name"/>.</summary>
    /// <param name="name">The name the function crosses the wire by.</param>
    public PoolFunctionAttribute(string name) => Name = name;

    /// <summary>The explicit name, or <see langword="null"/> for <c>Namespace.Type.Method</c>.</summary>
    public string? Name { get; }
}
