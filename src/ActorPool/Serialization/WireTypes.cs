using System.Numerics;
using System.Reflection;

namespace ActorPool.Serialization;

/// <summary>
/// Which types can cross to another node, and what each is built of. A type crosses when every type reachable
/// from it does: primitives and a few framework values, enums, nullables, value tuples, one-dimensional arrays,
/// <c>List</c>/<c>Dictionary</c>/<c>HashSet</c> (and their sorted kin), and user records, classes and structs
/// through their public properties and fields. A user's own interface or abstract class crosses as one of the
/// concrete types its assembly declares for it, each on the allow-list. Anything else whose concrete type a reader
/// could not know from the declared type alone (<see cref="object"/>, framework interfaces) is refused: naming any
/// type on the wire is exactly what lets a payload make a node build a type of its choosing.
/// </summary>
internal static class WireTypes
{
    /// <summary>Framework values besides <see cref="PayloadPrimitives"/> that cross as they are.</summary>
    private static readonly HashSet<Type> FrameworkValues =
    [
        typeof(DateTimeOffset), typeof(DateOnly), typeof(TimeOnly), typeof(BigInteger), typeof(Half), typeof(Uri), typeof(Version),
    ];

    /// <summary>Framework collections that cross with their type arguments.</summary>
    private static readonly HashSet<Type> Collections =
    [
        typeof(List<>), typeof(Dictionary<,>), typeof(HashSet<>), typeof(SortedDictionary<,>), typeof(SortedSet<>), typeof(KeyValuePair<,>),
        typeof(Nullable<>),
    ];

    /// <summary>Whether a value of this type goes through the binary serializer rather than a tag of its own.</summary>
    public static bool IsPacked(Type type) =>
        !PayloadPrimitives.Types.Contains(type) && !type.IsEnum && type != typeof(object) && !type.IsArray && !IsValueTuple(type)
        && Nullable.GetUnderlyingType(type) is null;

    public static bool IsValueTuple(Type type) =>
        type.IsValueType && type.IsGenericType && type.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal);

    /// <summary>Why values of <paramref name="root"/> cannot cross to another node (naming the member that stops it), or null when they can.</summary>
    public static string? Problem(Type root)
    {
        var seen = new HashSet<Type>();
        return Check(root, TypeName(root), seen);
    }

    /// <summary>The types a value of <paramref name="type"/> is built of: array elements, type arguments, a user type's members.</summary>
    public static IEnumerable<Type> Parts(Type type)
    {
        if (type.IsArray)
        {
            return [type.GetElementType()!];
        }

        if (IsUserType(type) && (type.IsInterface || type.IsAbstract))
        {
            // A polymorphic member is any of the concrete types its assembly declares for it.
            return Implementations(type);
        }

        if (IsUserType(type))
        {
            // A generic user type (Page<T>) is built of its members' types, its type arguments among them.
            return Members(type).Select(m => m.Type).Concat(type.IsGenericType ? type.GetGenericArguments() : []);
        }

        return type.IsGenericType ? type.GetGenericArguments() : [];
    }

    /// <summary>A readable name for messages: <c>List&lt;Order&gt;</c>, not the CLR's backtick form.</summary>
    public static string TypeName(Type type)
    {
        if (type.IsArray)
        {
            return TypeName(type.GetElementType()!) + "[]";
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return TypeName(underlying) + "?";
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
    }

    private static string? Check(Type type, string path, HashSet<Type> seen)
    {
        if (!seen.Add(type) || PayloadPrimitives.Types.Contains(type) || FrameworkValues.Contains(type) || type.IsEnum)
        {
            return null;
        }

        if (type == typeof(object) || (type.IsInterface || type.IsAbstract) && !IsUserType(type))
        {
            return $"{path} is {TypeName(type)}, which could hold a value of any type. Declare a concrete type (a record, List<T>, T[], Dictionary<K, V>): "
                + "a node reads only the types it can see in pool function signatures.";
        }

        if (type.IsInterface || type.IsAbstract)
        {
            // Your own interface or abstract class: it crosses as one of its concrete types from the same assembly, named on
            // the wire and looked up in the allow-list like any other.
            var concrete = Implementations(type);
            return concrete.Length == 0
                ? $"{path} is {TypeName(type)}, and its assembly declares no concrete type of it. Declare the implementations beside it, or a concrete type."
                : concrete.Select(t => Check(t, $"{path} (as {TypeName(t)})", seen)).FirstOrDefault(p => p is not null);
        }

        if (type.IsArray)
        {
            return type.GetArrayRank() != 1
                ? $"{path} is a multi-dimensional array ({TypeName(type)}); use a jagged array (T[][])."
                : Check(type.GetElementType()!, path + "[]", seen);
        }

        if (type.IsPointer || type.IsByRefLike || type.ContainsGenericParameters || typeof(Delegate).IsAssignableFrom(type))
        {
            return $"{path} is {TypeName(type)}, which is not data.";
        }

        if (type.IsGenericType && (IsValueTuple(type) || Collections.Contains(type.GetGenericTypeDefinition())))
        {
            if (IsValueTuple(type) && type.GetGenericArguments() is { Length: > 7 } members)
            {
                // ValueTuple's eighth slot nests the rest: (a, …, h) is a tuple of 8 values to the user, 8 arguments to the CLR.
                return $"{path} is a tuple of {members.Length} values ({type.Name}); tuples of up to 7 values can cross to another node. Return a record or an array instead.";
            }

            return type.GetGenericArguments().Select((t, i) => Check(t, $"{path}<{i}>", seen)).FirstOrDefault(p => p is not null);
        }

        if (!IsUserType(type))
        {
            return $"{path} is {type.FullName}, a framework type ActorPool does not send. Send its data in a record instead.";
        }

        return Members(type).Select(m => Check(m.Type, $"{TypeName(type)}.{m.Name}", seen)).FirstOrDefault(p => p is not null);
    }

    /// <summary>The concrete, non-generic types of <paramref name="type"/>'s own assembly that are a <paramref name="type"/>.</summary>
    public static Type[] Implementations(Type type)
    {
        Type?[] candidates;
        try
        {
            candidates = type.Assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            candidates = ex.Types;
        }

        return candidates.OfType<Type>().Where(t => t is { IsAbstract: false, IsInterface: false, ContainsGenericParameters: false } && type.IsAssignableFrom(t)).ToArray();
    }

    /// <summary>A type of the user's (not the framework's) whose public members are its data.</summary>
    private static bool IsUserType(Type type) =>
        type.Namespace is not { } ns || !(ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns.StartsWith("Microsoft.", StringComparison.Ordinal));

    /// <summary>What the serializer writes of a user type: public instance properties that can be read, and public fields.</summary>
    private static IEnumerable<(string Name, Type Type)> Members(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .Select(p => (p.Name, p.PropertyType))
            .Concat(type.GetFields(BindingFlags.Public | BindingFlags.Instance).Select(f => (f.Name, f.FieldType)));
}
