using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActorPool.Internal;

namespace ActorPool.Serialization;

/// <summary>
/// Writes the values that cross the wire: arguments, results, whole chunks. Primitive arrays go as raw bytes
/// (an <c>int[]</c> of a million items is one copy, no reflection, no boxing); strings, tuples, enums, nullable and
/// boxed values and arrays of them are tagged. A type name on the wire is only ever looked up in the allow-list:
/// the primitives below and the types in registered pool functions' signatures.
/// </summary>
internal static class PayloadCodec
{
    private enum Tag : byte
    {
        Null = 0, Int32, Int64, Double, String, Boolean, Single, Decimal, Int16, Byte, Char, DateTime, Guid, TimeSpan, SByte, UInt16, UInt32, UInt64,
        UnitTuple = 40, Tuple, Enum, ObjectArray, TypedArray, PrimitiveArray,
    }

    private static readonly Type[] Primitives =
    [
        typeof(int), typeof(long), typeof(double), typeof(string), typeof(bool), typeof(float), typeof(decimal), typeof(short), typeof(byte),
        typeof(char), typeof(DateTime), typeof(Guid), typeof(TimeSpan), typeof(sbyte), typeof(ushort), typeof(uint), typeof(ulong),
    ];

    private static readonly Dictionary<Type, Tag> TagOf = Primitives.Select((t, i) => (t, (Tag)(i + 1))).ToDictionary(p => p.t, p => p.Item2);
    private static readonly Dictionary<Tag, Type> TypeOf = TagOf.ToDictionary(p => p.Value, p => p.Key);
    private static readonly ConcurrentDictionary<string, Type> Allowed = new(StringComparer.Ordinal);
    private static int _registeredFunctions = -1;

    /// <summary>Writes any supported value, or throws <see cref="NotSupportedException"/> saying what cannot cross.</summary>
    public static void Write(BinaryWriter writer, object? value)
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
            writer.Write((byte)tag);
            WritePrimitive(writer, tag, value);
        }
        else if (type.IsEnum)
        {
            writer.Write((byte)Tag.Enum);
            writer.Write(AllowedName(type));
            writer.Write(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (value is ITuple tuple && type.IsValueType && type.IsGenericType)
        {
            writer.Write((byte)Tag.Tuple);
            writer.Write((byte)tuple.Length);
            for (var i = 0; i < tuple.Length; i++)
            {
                Write(writer, tuple[i]);
            }
        }
        else
        {
            throw new NotSupportedException(
                $"A value of type {type.FullName} cannot be sent to another node: ActorPool sends primitives, strings, enums, DateTime, Guid, TimeSpan, " +
                "value tuples and arrays of these. Pass such values, or run the pool in-process.");
        }
    }

    /// <summary>Writes items [offset, offset + count) of an array, keeping its element type.</summary>
    public static void WriteArray(BinaryWriter writer, Array array, int offset, int count)
    {
        var element = array.GetType().GetElementType()!;
        if (element.IsPrimitive && TagOf.TryGetValue(element, out var tag))
        {
            writer.Write((byte)Tag.PrimitiveArray);
            writer.Write((byte)tag);
            writer.Write(count);
            WriteRaw(writer, array, offset, count);
            return;
        }

        if (element == typeof(object))
        {
            writer.Write((byte)Tag.ObjectArray);
        }
        else
        {
            writer.Write((byte)Tag.TypedArray);
            writer.Write(AllowedName(element));
        }

        writer.Write(count);
        for (var i = offset; i < offset + count; i++)
        {
            Write(writer, array.GetValue(i));
        }
    }

    public static object? Read(BinaryReader reader)
    {
        var tag = (Tag)reader.ReadByte();
        switch (tag)
        {
            case Tag.Null:
                return null;
            case Tag.UnitTuple:
                return default(ValueTuple);
            case Tag.Enum:
                {
                    var type = Resolve(reader.ReadString());
                    return Enum.ToObject(type, reader.ReadInt64());
                }

            case Tag.Tuple:
                {
                    var values = new object?[reader.ReadByte()];
                    for (var i = 0; i < values.Length; i++)
                    {
                        values[i] = Read(reader);
                    }

                    return MakeTuple(values);
                }

            case Tag.ObjectArray:
                {
                    var values = new object?[ReadCount(reader)];
                    for (var i = 0; i < values.Length; i++)
                    {
                        values[i] = Read(reader);
                    }

                    return values;
                }

            case Tag.TypedArray:
                {
                    var element = Resolve(reader.ReadString());
                    var values = Array.CreateInstance(element, ReadCount(reader));
                    for (var i = 0; i < values.Length; i++)
                    {
                        values.SetValue(Read(reader), i);
                    }

                    return values;
                }

            case Tag.PrimitiveArray:
                {
                    var element = TypeOf[(Tag)reader.ReadByte()];
                    return ReadRaw(reader, element, ReadCount(reader));
                }

            default:
                return TypeOf.ContainsKey(tag) ? ReadPrimitive(reader, tag) : throw new InvalidDataException($"Unknown payload tag {(byte)tag}.");
        }
    }

    /// <summary>Reads a value that was written as an array.</summary>
    public static Array ReadArray(BinaryReader reader) =>
        Read(reader) as Array ?? throw new InvalidDataException("Expected an array payload.");

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
            default: throw new NotSupportedException($"{array.GetType()} is not a primitive array.");
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

    private static int ReadCount(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        return count >= 0 && count <= reader.BaseStream.Length - reader.BaseStream.Position
            ? count
            : throw new InvalidDataException($"Payload array length {count} does not fit the message.");
    }

    private static void WritePrimitive(BinaryWriter writer, Tag tag, object value)
    {
        switch (tag)
        {
            case Tag.Int32: writer.Write((int)value); break;
            case Tag.Int64: writer.Write((long)value); break;
            case Tag.Double: writer.Write((double)value); break;
            case Tag.String: writer.Write((string)value); break;
            case Tag.Boolean: writer.Write((bool)value); break;
            case Tag.Single: writer.Write((float)value); break;
            case Tag.Decimal: writer.Write((decimal)value); break;
            case Tag.Int16: writer.Write((short)value); break;
            case Tag.Byte: writer.Write((byte)value); break;
            case Tag.Char: writer.Write((char)value); break;
            case Tag.DateTime: writer.Write(((DateTime)value).ToBinary()); break;
            case Tag.Guid: writer.Write(((Guid)value).ToByteArray()); break;
            case Tag.TimeSpan: writer.Write(((TimeSpan)value).Ticks); break;
            case Tag.SByte: writer.Write((sbyte)value); break;
            case Tag.UInt16: writer.Write((ushort)value); break;
            case Tag.UInt32: writer.Write((uint)value); break;
            case Tag.UInt64: writer.Write((ulong)value); break;
        }
    }

    private static object ReadPrimitive(BinaryReader reader, Tag tag) => tag switch
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
        _ => throw new InvalidDataException($"Unknown primitive tag {(byte)tag}."),
    };

    private static object MakeTuple(object?[] values)
    {
        var types = values.Select(v => v?.GetType() ?? typeof(object)).ToArray();
        var type = values.Length switch
        {
            2 => typeof(ValueTuple<,>).MakeGenericType(types),
            3 => typeof(ValueTuple<,,>).MakeGenericType(types),
            _ => throw new InvalidDataException($"Tuples of {values.Length} values are not supported."),
        };
        return Activator.CreateInstance(type, values)!;
    }

    /// <summary>The wire name of a type that may cross: a primitive, or a type named by a registered function's signature.</summary>
    private static string AllowedName(Type type)
    {
        var name = type.FullName ?? type.Name;
        return IsAllowed(type) ? name : throw new NotSupportedException(
            $"Values of type {name} cannot be sent to another node: only primitives, strings and the types in registered [PoolFunction] signatures may cross.");
    }

    private static Type Resolve(string name)
    {
        RefreshAllowList();
        return Allowed.TryGetValue(name, out var type)
            ? type
            : throw new InvalidDataException($"Type '{name}' arrived from the wire but is not on this node's allow-list of pool function types.");
    }

    private static bool IsAllowed(Type type)
    {
        RefreshAllowList();
        return Allowed.ContainsKey(type.FullName ?? type.Name);
    }

    /// <summary>Rebuilds the allow-list when functions were registered since it was last built.</summary>
    private static void RefreshAllowList()
    {
        if (FunctionRegistry.Count == Volatile.Read(ref _registeredFunctions))
        {
            return;
        }

        var functions = FunctionRegistry.All;
        foreach (var type in Primitives)
        {
            Allow(type);
        }

        foreach (var function in functions)
        {
            Allow(function.ArgumentType);
            Allow(function.ResultType);
            foreach (var parameter in function.ParameterTypes)
            {
                Allow(parameter);
            }
        }

        Volatile.Write(ref _registeredFunctions, functions.Count);
    }

    private static void Allow(Type type)
    {
        while (type.IsArray)
        {
            type = type.GetElementType()!;
        }

        if (type == typeof(object) || !Allowed.TryAdd(type.FullName ?? type.Name, type))
        {
            return;
        }

        foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
        {
            Allow(argument);
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            Allow(underlying);
        }
    }
}
