using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ActorPool.Serialization;

/// <summary>
/// Writes and reads the values that cross the wire: arguments, results, whole chunks. Primitive arrays go as raw
/// bytes (an <c>int[]</c> of a million items is one copy, no reflection, no boxing); strings, value tuples, enums,
/// nullable and boxed values and arrays of them are tagged; every other value (records, classes, structs,
/// collections) is packed by MessagePack under its declared type, through an <see cref="AllowListResolver"/>, an
/// array of them in one piece. A type name on the wire is only ever looked up in the <see cref="TypeAllowList"/> it
/// is handed. The writer refuses, with a <see cref="PoolPayloadException"/>, every
/// value its reader could not rebuild exactly, so nothing is sent that the other side must drop.
/// </summary>
internal sealed class PayloadCodec
{
    /// <summary>How deep tagged values may nest (arrays of arrays, tuples of arrays): far beyond real data, far below the stack's limit.</summary>
    private const int MaxDepth = 64;

    /// <summary>The most values a value tuple may hold on the wire (ValueTuple's eighth slot nests another tuple).</summary>
    private const int MaxTupleLength = 7;

    /// <summary>Tags 1 to 17 are <see cref="PayloadPrimitives.Types"/>, in order.</summary>
    private enum Tag : byte
    {
        Null = 0, Int32, Int64, Double, String, Boolean, Single, Decimal, Int16, Byte, Char, DateTime, Guid, TimeSpan, SByte, UInt16, UInt32, UInt64,
        UnitTuple = 40, Tuple, Enum, ObjectArray, TypedArray, PrimitiveArray, Packed, PackedArray, DeltaArray,

        // Type descriptors only (see WriteType): a type by its allow-listed name, a nullable, an array, object.
        NamedType = 50, NullableType, ArrayType, ObjectType,
    }

    private static readonly Type[] TupleDefinitions =
    [
        typeof(ValueTuple<>), typeof(ValueTuple<,>), typeof(ValueTuple<,,>), typeof(ValueTuple<,,,>), typeof(ValueTuple<,,,,>), typeof(ValueTuple<,,,,,>), typeof(ValueTuple<,,,,,,>),
    ];

    private static readonly Dictionary<Type, byte> TagOf = PayloadPrimitives.Types.Select((t, i) => (t, (byte)(i + 1))).ToDictionary(p => p.t, p => p.Item2);
    private static readonly Dictionary<byte, Type> TypeOf = TagOf.ToDictionary(p => p.Value, p => p.Key);

    private readonly PackedValues _packed;

    /// <summary>Creates a codec that names only the types of <paramref name="allowList"/> on the wire.</summary>
    public PayloadCodec(TypeAllowList allowList)
    {
        AllowList = allowList;
        _packed = new PackedValues(allowList);
    }

    /// <summary>The types this codec may name.</summary>
    public TypeAllowList AllowList { get; }

    /// <summary>The message for a value whose type is not on the allow-list.</summary>
    public static string NotAllowed(Type type) =>
        $"Values of type {TypeAllowList.NameOf(type)} cannot be sent to another node: only primitives, strings and the types in registered [PoolFunction] signatures "
        + "(with the types of their members) may cross. Use the type in a [PoolFunction] signature on both nodes, or run the pool in-process.";

    /// <summary>Writes any supported value, or throws <see cref="PoolPayloadException"/> saying what cannot cross.</summary>
    public void Write(BinaryWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.Write((byte)Tag.Null);
                return;
            case Array array:
                WriteArray(writer, array, 0, array.Length);
                return;
            case ValueTuple:
                writer.Write((byte)Tag.UnitTuple);
                return;
        }

        var type = value.GetType();
        if (TagOf.TryGetValue(type, out var tag))
        {
            writer.Write(tag);
            WritePrimitive(writer, tag, value);
        }
        else if (type.IsEnum)
        {
            writer.Write((byte)Tag.Enum);
            writer.Write(AllowedName(type));
            // Unsigned enums may exceed long's range: their bits go as they are.
            writer.Write(Type.GetTypeCode(Enum.GetUnderlyingType(type)) is TypeCode.UInt64
                ? unchecked((long)Convert.ToUInt64(value, System.Globalization.CultureInfo.InvariantCulture))
                : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (value is ITuple tuple && IsValueTuple(type))
        {
            if (tuple.Length > MaxTupleLength)
            {
                throw new PoolPayloadException(
                    $"A tuple of {tuple.Length} values ({type.Name}) cannot be sent to another node: tuples of up to {MaxTupleLength} values can. Return a record or an array instead.");
            }

            // The tuple's declared type goes with it, so a null member (a string? left empty) reads back as the same type.
            writer.Write((byte)Tag.Tuple);
            WriteType(writer, type);
            for (var i = 0; i < tuple.Length; i++)
            {
                Write(writer, tuple[i]);
            }
        }
        else
        {
            writer.Write((byte)Tag.Packed);
            WriteType(writer, type);
            _packed.Write(writer, type, value);
        }
    }

    /// <summary>Writes items [offset, offset + count) of an array, keeping its element type.</summary>
    public void WriteArray(BinaryWriter writer, Array array, int offset, int count)
    {
        if (array.Rank != 1)
        {
            throw new PoolPayloadException($"A multi-dimensional array ({array.GetType().Name}) cannot be sent to another node; send a jagged array (T[][]) instead.");
        }

        var element = array.GetType().GetElementType()!;
        if (element.IsPrimitive && TagOf.TryGetValue(element, out var tag))
        {
            if (DeltaVarints.Applies(element) && DeltaVarints.TryWrite(writer, array, offset, count, [(byte)Tag.DeltaArray, tag]))
            {
                return;
            }

            writer.Write((byte)Tag.PrimitiveArray);
            writer.Write(tag);
            writer.Write(count);
            WriteRaw(writer, array, offset, count);
            return;
        }

        if (WireTypes.IsPacked(element) && PackedValues.OnlyExactly(element, array, offset, count))
        {
            // Records and collections go in one piece: MessagePack writes the whole slice under its declared type.
            // (Items of a subclass would lose what the subclass adds, so an array holding any goes item by item.)
            writer.Write((byte)Tag.PackedArray);
            WriteType(writer, element);
            _packed.Write(writer, array.GetType(), offset == 0 && count == array.Length ? array : PackedValues.Slice(array, offset, count));
            return;
        }

        if (element == typeof(object))
        {
            writer.Write((byte)Tag.ObjectArray);
        }
        else
        {
            writer.Write((byte)Tag.TypedArray);
            WriteType(writer, element);
        }

        writer.Write(count);
        for (var i = offset; i < offset + count; i++)
        {
            Write(writer, array.GetValue(i));
        }
    }

    /// <summary>Reads one value; throws <see cref="InvalidDataException"/> for anything malformed or not on the allow-list.</summary>
    public object? Read(BinaryReader reader) => Read(reader, 0);

    private object? Read(BinaryReader reader, int depth)
    {
        if (depth > MaxDepth)
        {
            // Arrays in arrays in arrays: a few bytes each, so a crafted message could otherwise overflow the stack.
            throw new InvalidDataException($"A value nests more than {MaxDepth} levels deep.");
        }

        var tag = reader.ReadByte();
        switch ((Tag)tag)
        {
            case Tag.Null:
                return null;
            case Tag.UnitTuple:
                return default(ValueTuple);
            case Tag.Enum:
                {
                    var type = Resolve(reader.ReadString());
                    if (!type.IsEnum)
                    {
                        throw new InvalidDataException($"{type} is not an enum.");
                    }

                    var bits = reader.ReadInt64();
                    return Type.GetTypeCode(Enum.GetUnderlyingType(type)) is TypeCode.UInt64 ? Enum.ToObject(type, unchecked((ulong)bits)) : Enum.ToObject(type, bits);
                }

            case Tag.Tuple:
                {
                    var type = ReadType(reader);
                    var members = IsValueTuple(type) ? type.GetGenericArguments() : [];
                    if (members.Length is 0 or > MaxTupleLength)
                    {
                        throw new InvalidDataException($"{type} is not a value tuple of up to {MaxTupleLength} values.");
                    }

                    var values = new object?[members.Length];
                    for (var i = 0; i < values.Length; i++)
                    {
                        values[i] = Fit(Read(reader, depth + 1), members[i]);
                    }

                    return Activator.CreateInstance(type, values)!;
                }

            case Tag.ObjectArray:
                {
                    var values = new object?[ReadCount(reader, 1)];
                    for (var i = 0; i < values.Length; i++)
                    {
                        values[i] = Read(reader, depth + 1);
                    }

                    return values;
                }

            case Tag.TypedArray:
                {
                    var element = ReadType(reader);
                    var values = Array.CreateInstance(element, ReadCount(reader, 1));
                    for (var i = 0; i < values.Length; i++)
                    {
                        values.SetValue(Fit(Read(reader, depth + 1), element), i);
                    }

                    return values;
                }

            case Tag.Packed:
                return _packed.Read(reader, ReadType(reader), ReadCount(reader, 1));
            case Tag.PackedArray:
                return _packed.Read(reader, ReadType(reader).MakeArrayType(), ReadCount(reader, 1));
            case Tag.PrimitiveArray:
                {
                    var element = TypeOf.GetValueOrDefault(reader.ReadByte()) ?? throw new InvalidDataException("Unknown primitive array element tag.");
                    return ReadRaw(reader, element, ReadCount(reader, Marshal.SizeOf(element == typeof(bool) ? typeof(byte) : element)));
                }

            case Tag.DeltaArray:
                {
                    var element = TypeOf.GetValueOrDefault(reader.ReadByte()) is { } type && DeltaVarints.Applies(type)
                        ? type
                        : throw new InvalidDataException("Unknown delta-coded array element tag.");
                    return DeltaVarints.Read(reader, element, ReadCount(reader, 1));
                }

            default:
                return TypeOf.ContainsKey(tag) ? ReadPrimitive(reader, tag) : throw new InvalidDataException($"Unknown payload tag {tag}.");
        }
    }

    /// <summary>Reads a value that was written as an array.</summary>
    public Array ReadArray(BinaryReader reader) =>
        Read(reader) as Array ?? throw new InvalidDataException("Expected an array payload.");

    /// <summary>Encoded bytes per item, measured on the first items; primitive arrays are exact. 1 when the items cannot be encoded.</summary>
    public double BytesPerItem(Array items)
    {
        var sample = Math.Min(items.Length, 64);
        if (sample == 0)
        {
            return 1;
        }

        try
        {
            using var stream = new MemoryStream();
            using var writer = new BinaryWriter(stream);
            WriteArray(writer, items, 0, sample);
            writer.Flush();
            return Math.Max(1.0, stream.Length / (double)sample);
        }
        catch (PoolPayloadException)
        {
            // Sending will fail the call with this error; sizing need not.
            return 1;
        }
    }

    /// <summary>A value read from the wire, checked against the slot it goes into (a typed array element, a tuple member).</summary>
    private static object? Fit(object? value, Type slot)
    {
        if (value is null)
        {
            return !slot.IsValueType || Nullable.GetUnderlyingType(slot) is not null
                ? null
                : throw new InvalidDataException($"null arrived for a value of type {slot}.");
        }

        return slot.IsInstanceOfType(value) ? value : throw new InvalidDataException($"A {value.GetType()} arrived for a value of type {slot}.");
    }

    private static void WriteRaw(BinaryWriter writer, Array array, int offset, int count)
    {
        switch (array)
        {
            case int[] a: writer.Write(MemoryMarshal.AsBytes(a.AsSpan(offset, count))); break;
            case long[] a: writer.Write(MemoryMarshal.AsBytes(a.AsSpan(offset, count))); break;
            case double[] a: writer.Write(MemoryMarshal.AsBytes(a.AsSpan(offset, count))); break;
            case float[] a: writer.Write(MemoryMarshal.AsBytes(a.AsSpan(offset, count))); break;
            case bool[] a: writer.Write(MemoryMarshal.AsBytes(a.AsSpan(offset, count))); break;
            case short[] a: writer.Write(MemoryMarshal.AsBytes(a.AsSpan(offset, count))); break;
            case byte[] a: writer.Write(a.AsSpan(offset, count)); break;
            case char[] a: writer.Write(MemoryMarshal.AsBytes(a.AsSpan(offset, count))); break;
            case sbyte[] a: writer.Write(MemoryMarshal.AsBytes(a.AsSpan(offset, count))); break;
            case ushort[] a: writer.Write(MemoryMarshal.AsBytes(a.AsSpan(offset, count))); break;
            case uint[] a: writer.Write(MemoryMarshal.AsBytes(a.AsSpan(offset, count))); break;
            case ulong[] a: writer.Write(MemoryMarshal.AsBytes(a.AsSpan(offset, count))); break;
            default: throw new PoolPayloadException($"{array.GetType()} is not a primitive array.");
        }
    }

    private static Array ReadRaw(BinaryReader reader, Type element, int count)
    {
        var stream = reader.BaseStream;
        Array Fill<T>(T[] values) where T : unmanaged
        {
            stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            return values;
        }

        return Type.GetTypeCode(element) switch
        {
            TypeCode.Int32 => Fill(new int[count]),
            TypeCode.Int64 => Fill(new long[count]),
            TypeCode.Double => Fill(new double[count]),
            TypeCode.Single => Fill(new float[count]),
            TypeCode.Boolean => Fill(new bool[count]),
            TypeCode.Int16 => Fill(new short[count]),
            TypeCode.Byte => Fill(new byte[count]),
            TypeCode.Char => Fill(new char[count]),
            TypeCode.SByte => Fill(new sbyte[count]),
            TypeCode.UInt16 => Fill(new ushort[count]),
            TypeCode.UInt32 => Fill(new uint[count]),
            TypeCode.UInt64 => Fill(new ulong[count]),
            _ => throw new InvalidDataException($"{element} is not a primitive element type."),
        };
    }

    /// <summary>An array length that the rest of the message can hold (at least <paramref name="bytesPerItem"/> each), so garbage cannot make us allocate gigabytes.</summary>
    private static int ReadCount(BinaryReader reader, int bytesPerItem)
    {
        var count = reader.ReadInt32();
        return count >= 0 && (long)count * bytesPerItem <= reader.BaseStream.Length - reader.BaseStream.Position
            ? count
            : throw new InvalidDataException($"Payload array length {count} does not fit the message.");
    }

    private static void WritePrimitive(BinaryWriter writer, byte tag, object value)
    {
        switch (value)
        {
            case int v: writer.Write(v); break;
            case long v: writer.Write(v); break;
            case double v: writer.Write(v); break;
            case string v: writer.Write(v); break;
            case bool v: writer.Write(v); break;
            case float v: writer.Write(v); break;
            case decimal v: writer.Write(v); break;
            case short v: writer.Write(v); break;
            case byte v: writer.Write(v); break;
            case char v: writer.Write(v); break;
            case DateTime v: writer.Write(v.ToBinary()); break;
            case Guid v: writer.Write(v.ToByteArray()); break;
            case TimeSpan v: writer.Write(v.Ticks); break;
            case sbyte v: writer.Write(v); break;
            case ushort v: writer.Write(v); break;
            case uint v: writer.Write(v); break;
            case ulong v: writer.Write(v); break;
            default: throw new PoolPayloadException($"No primitive writer for tag {tag}.");
        }
    }

    private static object ReadPrimitive(BinaryReader reader, byte tag) => (Tag)tag switch
    {
        Tag.Int32 => reader.ReadInt32(),
        Tag.Int64 => reader.ReadInt64(),
        Tag.Double => reader.ReadDouble(),
        Tag.String => reader.ReadString(),
        Tag.Boolean => reader.ReadBoolean(),
        Tag.Single => reader.ReadSingle(),
        Tag.Decimal => reader.ReadDecimal(),
        Tag.Int16 => reader.ReadInt16(),
        Tag.Byte => reader.ReadByte(),
        Tag.Char => reader.ReadChar(),
        Tag.DateTime => DateTime.FromBinary(reader.ReadInt64()),
        Tag.Guid => new Guid(reader.ReadBytes(16)),
        Tag.TimeSpan => new TimeSpan(reader.ReadInt64()),
        Tag.SByte => reader.ReadSByte(),
        Tag.UInt16 => reader.ReadUInt16(),
        Tag.UInt32 => reader.ReadUInt32(),
        Tag.UInt64 => reader.ReadUInt64(),
        _ => throw new InvalidDataException($"Unknown primitive tag {tag}."),
    };

    private static bool IsValueTuple(Type type) => WireTypes.IsValueTuple(type);

    /// <summary>
    /// Describes a type on the wire: primitives by tag, value tuples, nullables and arrays by their parts, any other
    /// type by its allow-listed name. The reader rebuilds only these shapes, over primitives and allowed types.
    /// </summary>
    private void WriteType(BinaryWriter writer, Type type)
    {
        if (TagOf.TryGetValue(type, out var tag))
        {
            writer.Write(tag);
        }
        else if (type == typeof(object))
        {
            writer.Write((byte)Tag.ObjectType);
        }
        else if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            writer.Write((byte)Tag.NullableType);
            WriteType(writer, underlying);
        }
        else if (type.IsArray && type.GetArrayRank() == 1)
        {
            writer.Write((byte)Tag.ArrayType);
            WriteType(writer, type.GetElementType()!);
        }
        else if (IsValueTuple(type) && type.GetGenericArguments() is { Length: <= MaxTupleLength } members)
        {
            writer.Write((byte)Tag.Tuple);
            writer.Write((byte)members.Length);
            foreach (var member in members)
            {
                WriteType(writer, member);
            }
        }
        else
        {
            writer.Write((byte)Tag.NamedType);
            writer.Write(AllowedName(type));
        }
    }

    private Type ReadType(BinaryReader reader, int depth = 0)
    {
        if (depth > 16)
        {
            throw new InvalidDataException("A type nests too deeply.");
        }

        var tag = reader.ReadByte();
        switch ((Tag)tag)
        {
            case Tag.ObjectType:
                return typeof(object);
            case Tag.NullableType:
                {
                    var underlying = ReadType(reader, depth + 1);
                    return underlying.IsValueType && Nullable.GetUnderlyingType(underlying) is null
                        ? typeof(Nullable<>).MakeGenericType(underlying)
                        : throw new InvalidDataException($"{underlying} cannot be nullable.");
                }

            case Tag.ArrayType:
                return ReadType(reader, depth + 1).MakeArrayType();
            case Tag.Tuple:
                {
                    var members = new Type[reader.ReadByte()];
                    if (members.Length is 0 or > MaxTupleLength)
                    {
                        throw new InvalidDataException($"A tuple of {members.Length} values.");
                    }

                    for (var i = 0; i < members.Length; i++)
                    {
                        members[i] = ReadType(reader, depth + 1);
                    }

                    return TupleDefinitions[members.Length - 1].MakeGenericType(members);
                }

            case Tag.NamedType:
                return Resolve(reader.ReadString());
            default:
                return TypeOf.GetValueOrDefault(tag) ?? throw new InvalidDataException($"Unknown type tag {tag}.");
        }
    }

    /// <summary>The wire name of a type that may cross: one on the allow-list.</summary>
    private string AllowedName(Type type) => AllowList.IsAllowed(type) ? TypeAllowList.NameOf(type) : throw new PoolPayloadException(NotAllowed(type));

    private Type Resolve(string name) => AllowList.TryResolve(name, out var type)
        ? type
        : throw new InvalidDataException($"Type '{name}' arrived from the wire but is not on this node's allow-list of pool function types.");
}
