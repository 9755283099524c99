using MessagePack;

namespace ActorPool.Serialization;

/// <summary>
/// The values <see cref="PayloadCodec"/> has no tag for (records, classes, structs, collections): packed by
/// MessagePack under their declared type through an <see cref="AllowListResolver"/>, length first, an array of them
/// in one piece.
/// </summary>
internal sealed class PackedValues(TypeAllowList allowList)
{
    private readonly TypeAllowList _allowList = allowList;
    private readonly AllowListResolver _resolver = new(allowList);

    /// <summary>Writes a value, length first, under exactly <paramref name="type"/> (never a subtype: the reader knows only the type).</summary>
    public void Write(BinaryWriter writer, Type type, object value)
    {
        if (!_allowList.IsAllowed(type))
        {
            throw new PoolPayloadException(PayloadCodec.NotAllowed(type));
        }

        byte[] bytes;
        try
        {
            bytes = MessagePackSerializer.Serialize(type, value, _resolver.Options);
        }
        catch (MessagePackSerializationException ex)
        {
            throw ex.InnerException as PoolPayloadException
                ?? new PoolPayloadException($"A value of type {WireTypes.TypeName(type)} could not be written for another node: {(ex.InnerException ?? ex).Message}", ex);
        }

        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    /// <summary>Reads a value of <paramref name="type"/> from the next <paramref name="length"/> bytes.</summary>
    public object? Read(BinaryReader reader, Type type, int length)
    {
        ReadOnlyMemory<byte> bytes;
        if (reader.BaseStream is MemoryStream memory && memory.TryGetBuffer(out var buffer))
        {
            // No copy: MessagePack reads straight from the message's bytes.
            bytes = buffer.AsMemory((int)memory.Position, length);
            memory.Position += length;
        }
        else
        {
            bytes = reader.ReadBytes(length);
        }

        try
        {
            return MessagePackSerializer.Deserialize(type, bytes, _resolver.Options);
        }
        catch (MessagePackSerializationException ex)
        {
            throw new InvalidDataException($"A {WireTypes.TypeName(type)} arrived that cannot be read here: {(ex.InnerException ?? ex).Message}", ex);
        }
    }

    /// <summary>Whether items [offset, offset + count) are all exactly of <paramref name="element"/>, so the slice can go in one piece.</summary>
    public static bool OnlyExactly(Type element, Array array, int offset, int count)
    {
        if (element.IsValueType || element.IsSealed)
        {
            return true;
        }

        for (var i = offset; i < offset + count; i++)
        {
            if (array.GetValue(i) is { } item && item.GetType() != element)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Items [offset, offset + count) as an array of their own.</summary>
    public static Array Slice(Array array, int offset, int count)
    {
        var slice = Array.CreateInstance(array.GetType().GetElementType()!, count);
        Array.Copy(array, offset, slice, 0, count);
        return slice;
    }
}
