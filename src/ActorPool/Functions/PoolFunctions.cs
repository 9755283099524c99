using System.Reflection;
using ActorPool.Internal;

namespace ActorPool;

/// <summary>The functions this process can run for a pool: its allow-list of <see cref="PoolFunctionAttribute"/> methods.</summary>
public static class PoolFunctions
{
    /// <summary>Every registered function, by name.</summary>
    public static IReadOnlyList<PoolFunctionInfo> List() =>
        FunctionRegistry.All.Select(f => new PoolFunctionInfo(f.Name, f.Signature, Array.AsReadOnly(f.ParameterTypes), f.ResultType)
        {
            IsAsync = f.IsAsync,
            WireProblem = f.WireProblem,
        }).ToArray();

    /// <summary>Adds the pool functions of an assembly (assemblies loaded by the runtime are added on their own).</summary>
    /// <param name="assembly">The assembly to scan.</param>
    /// <exception cref="ArgumentNullException"><paramref name="assembly"/> is null.</exception>
    public static void Register(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        FunctionRegistry.Scan(assembly);
    }

    /// <summary>Loads an assembly of pool functions from a file and registers them.</summary>
    /// <param name="path">Path to the assembly (.dll).</param>
    /// <returns>The loaded assembly.</returns>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    public static Assembly Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"No function assembly at '{full}'.", full);
        }

        var assembly = Assembly.LoadFrom(full);
        FunctionRegistry.Scan(assembly);
        return assembly;
    }
}
