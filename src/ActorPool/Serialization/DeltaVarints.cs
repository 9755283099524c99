using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ActorPool.Serialization;

/// <summary>
/// Integer arrays in fewer bytes: each item as its difference from the one before, zigzagged (so small negative
/// differences stay small) and written in 7-bit groups, the way columnar formats store integer columns. Ids,
/// counters, timestamps, ranges and small values, the integers most maps carry, shrink to one to three bytes an
/// item from four or eight. Every byte of a chunk for another node is copied several times on its way (the
/// serializer, Akka's envelope, the socket, and back) into freshly allocated memory, so on a cluster bytes cost CPU
/// on both sides: <see cref="PayloadCodec"/> writes an array this way only when it comes out at most three
/// quarters of its raw size, and raw otherwise (random 64-bit values would grow).
/// </summary>
internal static class DeltaVarints
{
    /// <summary>Whether the encoding applies to arrays of <paramref name="element"/>: <c>int</c> and <c>long</c>.</summary>
    public static bool Applies(Type element) => element == typeof(long) || element == typeof(int);

    /// <summary>
    /// Writes items [offset, offset + count) of a <c>long[]</c> or <c>int[]</c> after <paramref name="header"/> (the
    /// caller's tags): the count, the encoded size, the encoded items. False, with nothing written, when the
    /// encoding would not be at most three quarters of the raw size.
    /// </summary>
    public static bool TryWrite(BinaryWriter writer, Array array, int offset, int count, ReadOnlySpan<byte> header)
    {
        if (!TryEncode(array, offset, count, out var encoded, out var size))
        {
            return false;
        }

        try
        {
            writer.Write(header);
            writer.Write(count);
            writer.Write(size);
            writer.Write(encoded, 0, size);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(encoded);
        }
    }

    /// <summary>Reads what <see cref="TryWrite"/> wrote after its header, given the count already read.</summary>
    /// <exception cref="InvalidDataException">The bytes do not hold exactly that many items of that type.</exception>
    public static Array Read(BinaryReader reader, Type element, int count)
    {
        var size = reader.ReadInt32();
        var stream = reader.BaseStream;
        if (size < count || size > stream.Length - stream.Position)
        {
            throw new InvalidDataException($"A delta-coded array of {count} items cannot take {size} bytes.");
        }

        if (stream is MemoryStream memory && memory.TryGetBuffer(out var buffer))
        {
            // Decoded where the message lies, without copying it out first.
            var values = Read(buffer.AsSpan((int)memory.Position, size), element, count);
            memory.Position += size;
            return values;
        }

        return Read(reader.ReadBytes(size), element, count);
    }

    /// <summary>
    /// Encodes into a buffer rented from the shared pool, in one pass that gives up as soon as the encoding passes
    /// three quarters of the raw size; false then, and nothing is left rented.
    /// </summary>
    private static bool TryEncode(Array array, int offset, int count, out byte[] encoded, out int size)
    {
        var limit = (int)Math.Min(int.MaxValue - MaxBytes, (long)count * (array is long[] ? sizeof(long) : sizeof(int)) * 3 / 4);
        encoded = ArrayPool<byte>.Shared.Rent(limit + MaxBytes);
        ref var start = ref MemoryMarshal.GetArrayDataReference(encoded);
        var at = 0;
        var previous = 0L;
        if (array is long[] longs)
        {
            foreach (var value in longs.AsSpan(offset, count))
            {
                at = Put(ref start, at, ZigZag(unchecked(value - previous)));
                previous = value;
                if (at > limit)
                {
                    break;
                }
            }
        }
        else
        {
            foreach (var value in ((int[])array).AsSpan(offset, count))
            {
                at = Put(ref start, at, ZigZag(value - previous));
                previous = value;
                if (at > limit)
                {
                    break;
                }
            }
        }

        if (at > limit)
        {
            ArrayPool<byte>.Shared.Return(encoded);
            (encoded, size) = (null!, 0);
            return false;
        }

        size = at;
        return true;
    }

    /// <summary>Reads <paramref name="count"/> items of <paramref name="element"/> from exactly <paramref name="bytes"/>.</summary>
    private static Array Read(ReadOnlySpan<byte> bytes, Type element, int count)
    {
        var at = 0;
        var previous = 0L;
        if (element == typeof(long))
        {
            var longs = new long[count];
            for (var i = 0; i < longs.Length; i++)
            {
                previous = unchecked(previous + UnZigZag(Take(bytes, ref at)));
                longs[i] = previous;
            }

            return Done(longs, bytes, at);
        }

        var ints = new int[count];
        for (var i = 0; i < ints.Length; i++)
        {
            previous += UnZigZag(Take(bytes, ref at));
            ints[i] = previous is >= int.MinValue and <= int.MaxValue
                ? (int)previous
                : throw new InvalidDataException("An encoded int[] holds a value out of range.");
        }

        return Done(ints, bytes, at);
    }

    private static Array Done(Array values, ReadOnlySpan<byte> bytes, int at) =>
        at == bytes.Length ? values : throw new InvalidDataException($"An encoded integer array has {bytes.Length - at} bytes left over.");

    /// <summary>The most bytes one value takes: 64 bits in 7-bit groups.</summary>
    private const int MaxBytes = 10;

    private static ulong ZigZag(long value) => unchecked((ulong)((value << 1) ^ (value >> 63)));

    private static long UnZigZag(ulong value) => unchecked((long)(value >> 1) ^ -(long)(value & 1));

    /// <summary>Writes a value at <paramref name="at"/>; the caller leaves <see cref="MaxBytes"/> of room, so no bounds are checked.</summary>
    private static int Put(ref byte start, int at, ulong value)
    {
        while (value >= 0x80)
        {
            Unsafe.Add(ref start, at++) = (byte)(value | 0x80);
            value >>= 7;
        }

        Unsafe.Add(ref start, at++) = (byte)value;
        return at;
    }

    private static ulong Take(ReadOnlySpan<byte> bytes, ref int at)
    {
        if (at <= bytes.Length - MaxBytes)
        {
            // Room for the longest value: no bounds to check byte by byte.
            ref var next = ref Unsafe.Add(ref MemoryMarshal.GetReference(bytes), at);
            ulong value = 0;
            for (var i = 0; i < MaxBytes; i++)
            {
                ulong part = Unsafe.Add(ref next, i);
                value |= (part & 0x7F) << (7 * i);
                if (part < 0x80)
                {
                    at += i + 1;
                    return value;
                }
            }

            throw new InvalidDataException("An encoded integer array holds a value longer than 64 bits.");
        }

        return TakeNearTheEnd(bytes, ref at);
    }

    private static ulong TakeNearTheEnd(ReadOnlySpan<byte> bytes, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (at >= bytes.Length)
            {
                throw new InvalidDataException("An encoded integer array ends in the middle of a value.");
            }

            var next = bytes[at++];
            value |= (ulong)(next & 0x7F) << shift;
            if (next < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("An encoded integer array holds a value longer than 64 bits.");
    }
}
