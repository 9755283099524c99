using System.Collections.Concurrent;

namespace ActorPool.Serialization;

/// <summary>
/// The types a payload may name on the wire: the primitives, and the closure of the root types included (the
/// parameter and result types of registered pool functions) through array elements, generic arguments, nullable
/// underlying types and the public members of user types (<see cref="WireTypes.Parts"/>). A type name read from the
/// wire is resolved only here, never by <see cref="Type.GetType(string)"/>, so a message cannot make a node load or
/// build a type of its choosing.
/// </summary>
internal sealed class TypeAllowList
{
    /// <summary>
    /// This process's list: the function registry includes each function's signature types as it registers it.
    /// Every serializer reads this one list, because Akka may build new serializer instances whenever configuration
    /// is injected into a running system (a TestKit, a plugin): a list handed to one instance would be lost.
    /// </summary>
    public static readonly TypeAllowList Registered = new();

    private readonly ConcurrentDictionary<string, Type> _allowed = new(StringComparer.Ordinal);
    private readonly Lock _including = new();

    /// <summary>A list of the primitives only, until roots are included.</summary>
    public TypeAllowList()
    {
        foreach (var type in PayloadPrimitives.Types)
        {
            _allowed.TryAdd(NameOf(type), type);
        }
    }

    /// <summary>Allows <paramref name="root"/> and every type it is built of.</summary>
    public void Include(Type root)
    {
        lock (_including)
        {
            // Parts are published before what they make up, so a reader that finds a type allowed finds its members too.
            var closure = new List<Type>();
            Walk(root, new HashSet<Type>(), closure);
            foreach (var type in closure)
            {
                _allowed.TryAdd(NameOf(type), type);
            }
        }
    }

    /// <summary>Whether values of <paramref name="type"/> may be named on the wire.</summary>
    public bool IsAllowed(Type type) =>
        // By name and identity: another type of the same full name (another assembly's) is not this one.
        _allowed.TryGetValue(NameOf(type), out var allowed) && allowed == type
        // An array of an allowed type is allowed: MessagePack asks for the array types it writes, signatures need not name them.
        || type.IsArray && type.GetArrayRank() == 1 && IsAllowed(type.GetElementType()!);

    /// <summary>The allowed type of a wire name; false for anything else.</summary>
    public bool TryResolve(string name, out Type type) => _allowed.TryGetValue(name, out type!);

    /// <summary>The name a type goes by on the wire.</summary>
    public static string NameOf(Type type) => type.FullName ?? type.Name;

    private void Walk(Type type, HashSet<Type> seen, List<Type> closure)
    {
        // Types that could hold anything are never named: a reader must know every concrete type from the signatures alone
        // (a user's interface or abstract class is listed with the concrete types its assembly declares for it).
        if (type == typeof(object) || type.ContainsGenericParameters || (type.IsInterface || type.IsAbstract) && WireTypes.Problem(type) is not null
            || _allowed.ContainsKey(NameOf(type)) || !seen.Add(type))
        {
            return;
        }

        // Jagged arrays name their element arrays on the wire (an int[][] is a typed array of System.Int32[]); a record names its members' types.
        foreach (var part in WireTypes.Parts(type))
        {
            Walk(part, seen, closure);
        }

        closure.Add(type);
    }
}
