using System.Collections.Concurrent;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace ActorPool.Serialization;

/// <summary>
/// MessagePack's contractless resolver (records, classes and structs need no attributes), limited to the type
/// allow-list: every type the serializer meets while writing or reading, down to each member's type, must be on
/// it. MessagePack itself never reads a type name from the wire here (no typeless resolver), so the allow-list is
/// the whole of what a payload can make a node build. Each formatter is guarded (<see cref="Guarded{T}"/>).
/// </summary>
internal sealed class AllowListResolver : IFormatterResolver
{
    private readonly TypeAllowList _allowList;

    // Only types found allowed are remembered: the list grows as assemblies of functions load, never shrinks.
    private readonly ConcurrentDictionary<Type, object> _formatters = new();

    public AllowListResolver(TypeAllowList allowList)
    {
        _allowList = allowList;
        Options = MessagePackSerializerOptions.Standard.WithResolver(this).WithSecurity(PoolSecurity.Instance);
    }

    /// <summary>Options that resolve through this resolver, hardened for data from another machine.</summary>
    public MessagePackSerializerOptions Options { get; }

    public IMessagePackFormatter<T>? GetFormatter<T>()
    {
        if (_formatters.TryGetValue(typeof(T), out var known))
        {
            return (IMessagePackFormatter<T>)known;
        }

        if (!_allowList.IsAllowed(typeof(T)))
        {
            throw new PoolPayloadException(PayloadCodec.NotAllowed(typeof(T)));
        }

        // DateTime keeps its Kind (MessagePack's default converts to UTC), as the codec's own tag does. A polymorphic
        // member goes as its concrete type's allow-listed name and value.
        var inner = typeof(T).IsInterface || typeof(T).IsAbstract ? new Polymorphic<T>(_allowList)
            : typeof(T) == typeof(DateTime) ? (IMessagePackFormatter<T>)(object)NativeDateTimeFormatter.Instance
            : typeof(T) == typeof(DateTime[]) ? (IMessagePackFormatter<T>)(object)NativeDateTimeArrayFormatter.Instance
            : ContractlessStandardResolver.Instance.GetFormatter<T>();
        if (inner is null)
        {
            return null;
        }

        // Leaves (numbers, strings, enums) hold nothing that nests or subclasses: they need no guard on the per-member path.
        var formatter = typeof(T).IsPrimitive || typeof(T).IsEnum || typeof(T) == typeof(string) || typeof(T) == typeof(decimal) ? inner : new Guarded<T>(inner);
        _formatters.TryAdd(typeof(T), formatter);
        return formatter;
    }

    /// <summary>
    /// A formatter that refuses, while writing, what the reader could not rebuild: an object graph deeper than the
    /// reader accepts (a cycle would otherwise overflow the stack and kill the process), and a subclass where its base
    /// is declared (MessagePack would silently write only the base's members).
    /// </summary>
    private sealed class Guarded<T>(IMessagePackFormatter<T> inner) : IMessagePackFormatter<T>
    {
        // Interfaces and abstract classes are polymorphic by design (Polymorphic<T> names the concrete type).
        private static readonly bool MayHoldSubclass = !typeof(T).IsValueType && !typeof(T).IsSealed && !typeof(T).IsArray && !typeof(T).IsInterface && !typeof(T).IsAbstract;

        public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
        {
            if (MayHoldSubclass && value is not null && value.GetType() != typeof(T))
            {
                throw new PoolPayloadException(
                    $"A {TypeAllowList.NameOf(value.GetType())} was given where {TypeAllowList.NameOf(typeof(T))} is declared: only the declared type can cross to another node. "
                    + "Declare the concrete type in the record or signature, or run the pool in-process.");
            }

            if (++WriteDepth.Value > options.Security.MaximumObjectGraphDepth)
            {
                WriteDepth.Value = 0;
                throw new PoolPayloadException(
                    $"A {WireTypes.TypeName(typeof(T))} nests more than {options.Security.MaximumObjectGraphDepth} objects deep (is there a cycle?) and cannot be sent to another node.");
            }

            try
            {
                inner.Serialize(ref writer, value, options);
            }
            finally
            {
                WriteDepth.Value = Math.Max(0, WriteDepth.Value - 1);
            }
        }

        // Reading is bounded by MessagePack itself: its formatters step the security's depth on every object.
        public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => inner.Deserialize(ref reader, options);
    }

    /// <summary>
    /// A value declared as one of the user's interfaces or abstract classes: written as [the concrete type's wire name,
    /// the value as that type]; read back only when the name is on the allow-list and names a concrete type of T.
    /// </summary>
    private sealed class Polymorphic<T>(TypeAllowList allowList) : IMessagePackFormatter<T>
    {
        public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
        {
            if (value is null)
            {
                writer.WriteNil();
                return;
            }

            var type = value.GetType();
            if (!allowList.IsAllowed(type))
            {
                throw new PoolPayloadException(PayloadCodec.NotAllowed(type));
            }

            writer.WriteArrayHeader(2);
            writer.Write(TypeAllowList.NameOf(type));
            MessagePackSerializer.Serialize(type, ref writer, value, options);
        }

        public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            if (reader.TryReadNil())
            {
                return default!;
            }

            if (reader.ReadArrayHeader() != 2)
            {
                throw new MessagePackSerializationException($"A {typeof(T).Name} must arrive as [type, value].");
            }

            var name = reader.ReadString() ?? "";
            if (!allowList.TryResolve(name, out var type) || !typeof(T).IsAssignableFrom(type) || type.IsAbstract || type.IsInterface)
            {
                throw new MessagePackSerializationException($"Type '{name}' arrived as a {typeof(T).Name} but is not one of its concrete types on this node's allow-list.");
            }

            options.Security.DepthStep(ref reader);
            try
            {
                return (T)MessagePackSerializer.Deserialize(type, ref reader, options)!;
            }
            finally
            {
                reader.Depth--;
            }
        }
    }

    /// <summary>How deep the write on this thread is, across every formatter.</summary>
    private static class WriteDepth
    {
        [ThreadStatic]
        public static int Value;
    }

    /// <summary>
    /// MessagePack's settings for untrusted data (depth limit, hash-collision-resistant dictionaries), except that a
    /// key type it has no resistant comparer for (decimal, TimeSpan, a record) falls back to the default comparer
    /// instead of failing the call on arrival after the sender accepted it.
    /// </summary>
    private sealed class PoolSecurity : MessagePackSecurity
    {
        public static readonly PoolSecurity Instance = new();

        private PoolSecurity() : base(UntrustedData) { }

        private PoolSecurity(PoolSecurity copyFrom) : base(copyFrom) { }

        protected override IEqualityComparer<T> GetHashCollisionResistantEqualityComparer<T>()
        {
            try
            {
                return base.GetHashCollisionResistantEqualityComparer<T>();
            }
            catch (TypeAccessException)
            {
                return EqualityComparer<T>.Default;
            }
        }

        protected override MessagePackSecurity Clone() => new PoolSecurity(this);
    }
}
