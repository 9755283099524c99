using System.Collections.Concurrent;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace ActorPool.Serialization;

/// <summary>
/// MessagePack's contractless resolver (records, classes and structs need no attributes), limited to the type
/// allow-list: every type the serializer meets while writing or reading, down to each member's type, must be on
/// it. MessagePack itself never reads a type name from the wire here (no typeless resolver), so the allow-list is
/// the whole of what a payload can make a node build.
/// </summary>
internal sealed class AllowListResolver : IFormatterResolver
{
    private readonly TypeAllowList _allowList;

    // Only types found allowed are remembered: the list grows as assemblies of functions load, never shrinks.
    private readonly ConcurrentDictionary<Type, bool> _allowed = new();

    public AllowListResolver(TypeAllowList allowList)
    {
        _allowList = allowList;
        Options = MessagePackSerializerOptions.Standard.WithResolver(this).WithSecurity(MessagePackSecurity.UntrustedData);
    }

    /// <summary>Options that resolve through this resolver, hardened for data from another machine.</summary>
    public MessagePackSerializerOptions Options { get; }

    public IMessagePackFormatter<T>? GetFormatter<T>()
    {
        var type = typeof(T);
        if (!_allowed.ContainsKey(type))
        {
            if (!_allowList.IsAllowed(type))
            {
                throw new PoolPayloadException(PayloadCodec.NotAllowed(type));
            }

            _allowed.TryAdd(type, true);
        }

        return ContractlessStandardResolver.Instance.GetFormatter<T>();
    }
}
