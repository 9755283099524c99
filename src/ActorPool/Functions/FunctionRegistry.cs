using System.Collections.Concurrent;
using System.Reflection;
using ActorPool.Serialization;

namespace ActorPool.Internal;

/// <summary>
/// This process's allow-list: every static method marked <see cref="PoolFunctionAttribute"/> in the
/// assemblies it has loaded. Nothing that arrives from the wire can name anything else.
/// </summary>
internal static class FunctionRegistry
{
    private static readonly ConcurrentDictionary<string, FunctionInvoker> Functions = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> Conflicts = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> Invalid = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<Assembly, bool> Scanned = new();
    private static readonly string OwnAssemblyName = typeof(FunctionRegistry).Assembly.GetName().Name!;

    static FunctionRegistry()
    {
        // Assemblies load lazily in .NET: scan each one as it arrives as well as those already here.
        AppDomain.CurrentDomain.AssemblyLoad += (_, e) => Scan(e.LoadedAssembly);
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            Scan(assembly);
        }
    }

    /// <summary>How many functions are registered (cheap: no copy, no sort).</summary>
    public static int Count => Functions.Count;

    public static IReadOnlyCollection<FunctionInvoker> All => Functions.Values.OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();

    /// <summary>Finds a function by wire name; throws <see cref="PoolFunctionException"/> when it is not on the allow-list.</summary>
    public static FunctionInvoker Resolve(string name, string node)
    {
        if (Conflicts.TryGetValue(name, out var conflict))
        {
            throw new PoolFunctionException(name, $"Pool function '{name}' is ambiguous on node {node}: {conflict}. Give one of them another name with [PoolFunction(\"...\")].");
        }

        if (Invalid.TryGetValue(name, out var invalid))
        {
            throw new PoolFunctionException(name, invalid);
        }

        return Functions.TryGetValue(name, out var function)
            ? function
            : throw new PoolFunctionException(name,
                $"Pool function '{name}' is not registered on node {node}. Mark a public static method with [PoolFunction] and load its assembly on every node (ActorPool.Node --functions my.dll).");
    }

    /// <summary>The wire name of a method, or <see langword="null"/> when it is not a registered pool function.</summary>
    public static string? NameOf(MethodInfo method)
    {
        var attribute = method.GetCustomAttribute<PoolFunctionAttribute>();
        if (attribute is null || !method.IsStatic)
        {
            return null;
        }

        Scan(method.Module.Assembly);
        return WireName(method, attribute);
    }

    public static void Scan(Assembly assembly)
    {
        if (assembly.IsDynamic || !Scanned.TryAdd(assembly, true) || !MayDeclareFunctions(assembly))
        {
            return;
        }

        foreach (var type in LoadableTypes(assembly))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var attribute = method.GetCustomAttribute<PoolFunctionAttribute>();
                if (attribute is not null)
                {
                    try
                    {
                        Register(WireName(method, attribute), method);
                    }
                    catch (PoolFunctionException ex)
                    {
                        // One malformed function must not keep the rest of its assembly off the allow-list; calling it says why.
                        Invalid[ex.Function] = ex.Message;
                    }
                }
            }
        }
    }

    private static void Register(string name, MethodInfo method)
    {
        var invoker = FunctionInvoker.FromMethod(name, method);
        var existing = Functions.GetOrAdd(name, invoker);
        // Its parameter, argument pack and result types may now cross: the roots of the type allow-list. Not those of a
        // function that cannot cross: they may reach types (a FileInfo member) no node should ever build from the wire.
        if (ReferenceEquals(existing, invoker) && invoker.WireProblem is null)
        {
            foreach (var type in invoker.ParameterTypes.Append(invoker.ArgumentType).Append(invoker.ResultType))
            {
                TypeAllowList.Registered.Include(type);
            }
        }

        if (!ReferenceEquals(existing, invoker) && existing.Signature != invoker.Signature)
        {
            Conflicts[name] = $"declared as {existing.Signature} and as {invoker.Signature} in {method.DeclaringType?.Assembly.GetName().Name}";
        }
    }

    private static string WireName(MethodInfo method, PoolFunctionAttribute attribute) =>
        attribute.Name ?? $"{method.DeclaringType!.FullName}.{method.Name}";

    private static bool MayDeclareFunctions(Assembly assembly) =>
        assembly.GetName().Name == OwnAssemblyName
        || assembly.GetReferencedAssemblies().Any(a => a.Name == OwnAssemblyName);

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.Where(t => t is not null)!;
        }
    }
}
