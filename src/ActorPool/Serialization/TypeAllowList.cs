using System.Collections.Concurrent;

namespace ActorPool.Serialization;

/// <summary>
/// The types a payload may name on the wire: the primitives, and the closure of the root types it is handed (the
/// parameter and result types of registered pool functions) through array elements, generic arguments and
/// nullable underlying types. A type name read from the wire is resolved only here, never by
/// <see cref="Type.GetType(string)"/>, so a message cannot make a node load or build a type of its choosing.
/// </summary>
internal sealed class TypeAllowList
{
    /// <summary>Primitives only: what a system allows before it is handed its functions' types.</summary>
    public static readonly TypeAllowList PrimitivesOnly = new(() => [], () => 0);

    private readonly Func<IEnumerable<Type>> _roots;
    private readonly Func<int> _version;
    private readonly ConcurrentDictionary<string, Type> _allowed = new(StringComparer.Ordinal);
    private int _builtFor = -1;

    /// <param name="roots">The types to allow, with what they are built of.</param>
    /// <param name="version">Changes whenever <paramref name="roots"/> may have grown (a count of registered functions).</param>
    public TypeAllowList(Func<IEnumerable<Type>> roots, Func<int> version)
    {
        _roots = roots;
        _version = version;
    }

    /// <summary>Whether values of <paramref name="type"/> may be named on the wire.</summary>
    public bool IsAllowed(Type type)
    {
        Refresh();
        return _allowed.ContainsKey(NameOf(type));
    }

    /// <summary>The allowed type of a wire name; false for anything else.</summary>
    public bool TryResolve(string name, out Type type)
    {
        Refresh();
        return _allowed.TryGetValue(name, out type!);
    }

    /// <summary>The name a type goes by on the wire.</summary>
    public static string NameOf(Type type) => type.FullName ?? type.Name;

    private void Refresh()
    {
        var version = _version();
        if (version == Volatile.Read(ref _builtFor))
        {
            return;
        }

        foreach (var type in PayloadPrimitives.Types)
        {
            Allow(type);
        }

        foreach (var root in _roots())
        {
            Allow(root);
        }

        Volatile.Write(ref _builtFor, version);
    }

    private void Allow(Type type)
    {
        if (type.IsArray)
        {
            // Jagged arrays name their element arrays on the wire (an int[][] is a typed array of System.Int32[]).
            _allowed.TryAdd(NameOf(type), type);
            Allow(type.GetElementType()!);
            return;
        }

        if (type == typeof(object) || type.ContainsGenericParameters || !_allowed.TryAdd(NameOf(type), type))
        {
            return;
        }

        foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
        {
            Allow(argument);
        }
    }
}
