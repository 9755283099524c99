using ActorPool.Serialization;
using Xunit;

namespace ActorPool.Tests.Cluster;

/// <summary>
/// <c>int[]</c> and <c>long[]</c> on the wire (<see cref="DeltaVarints"/>): small differences go in a byte or
/// three, anything else raw, every value back exactly, and bytes that do not hold what they claim are refused.
/// </summary>
public sealed class IntegerArrayEncodingSpec
{
    private static readonly PayloadCodec Codec = new(new TypeAllowList());

    [Fact]
    public void A_range_of_longs_takes_about_a_byte_an_item_and_comes_back_exactly()
    {
        var values = Enumerable.Range(0, 100_000).Select(i => (long)i * 3).ToArray();

        var (back, bytes) = RoundTrip(values);

        Assert.Equal(values, back);
        Assert.True(bytes < values.Length * 1.1, $"{bytes:N0} bytes for {values.Length:N0} items");
    }

    [Fact]
    public void Squares_of_a_range_of_ints_take_at_most_three_bytes_an_item()
    {
        var values = Enumerable.Range(0, 1_000).Select(i => i * i).ToArray();

        var (back, bytes) = RoundTrip(values);

        Assert.Equal(values, back);
        Assert.True(bytes < values.Length * 3, $"{bytes:N0} bytes for {values.Length:N0} items");
    }

    [Fact]
    public void Extreme_values_among_small_ones_come_back_exactly()
    {
        // Mostly small differences, so the array is delta-coded, with jumps across the whole range in between.
        var longs = Enumerable.Range(0, 1_000).Select(i => (long)i).ToArray();
        (longs[10], longs[11], longs[500], longs[501], longs[999]) = (long.MaxValue, long.MinValue, -1, long.MinValue + 1, long.MaxValue - 1);
        var ints = Enumerable.Range(0, 1_000).ToArray();
        (ints[3], ints[4], ints[5], ints[998]) = (int.MinValue, int.MaxValue, int.MinValue, -7);

        var (longsBack, longBytes) = RoundTrip(longs);
        var (intsBack, intBytes) = RoundTrip(ints);

        Assert.Equal(longs, longsBack);
        Assert.Equal(ints, intsBack);
        Assert.True(longBytes < longs.Length * sizeof(long) * 3 / 4 && intBytes < ints.Length * sizeof(int) * 3 / 4, "the arrays went raw");
    }

    [Fact]
    public void Random_longs_go_raw_and_never_grow()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 10_000).Select(_ => random.NextInt64(long.MinValue, long.MaxValue)).ToArray();

        var (back, bytes) = RoundTrip(values);

        Assert.Equal(values, back);
        Assert.InRange(bytes, values.Length * sizeof(long), (values.Length * sizeof(long)) + 16);
    }

    [Fact]
    public void A_slice_and_an_empty_array_come_back_as_written()
    {
        var values = Enumerable.Range(0, 1_000).Select(i => (long)i).ToArray();

        Assert.Equal(values[100..350], RoundTrip(values, 100, 250).Values);
        Assert.Empty((long[])RoundTrip(values, 0, 0).Values);
        Assert.Empty((int[])RoundTrip(Array.Empty<int>()).Values);
    }

    [Theory]
    [InlineData("truncated", "ends in the middle of a value")]
    [InlineData("left over", "bytes left over")]
    [InlineData("too long", "cannot take")]
    [InlineData("int out of range", "out of range")]
    public void Bytes_that_do_not_hold_what_they_claim_are_refused(string damage, string reason)
    {
        var values = Enumerable.Range(0, 100).ToArray();
        var stream = new MemoryStream();
        Codec.WriteArray(new BinaryWriter(stream), values, 0, values.Length);
        var bytes = stream.ToArray();
        // Layout: tag, element tag, count (4 bytes), size (4 bytes), then the encoded items.
        const int SizeAt = 6;
        var size = BitConverter.ToInt32(bytes, SizeAt);
        switch (damage)
        {
            case "truncated":
                // The last item's byte claims another follows, which is not there.
                bytes[^1] |= 0x80;
                break;
            case "left over":
                BitConverter.GetBytes(size).CopyTo(bytes, SizeAt);
                BitConverter.GetBytes(values.Length - 1).CopyTo(bytes, 2);
                break;
            case "too long":
                BitConverter.GetBytes(size + 1).CopyTo(bytes, SizeAt);
                break;
            case "int out of range":
                // A first difference of 2^40 (zigzagged, in 7-bit groups) where an int[] is expected.
                var huge = new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x04 };
                bytes = [.. bytes[..SizeAt], .. BitConverter.GetBytes(size + huge.Length - 1), .. huge, .. bytes[(SizeAt + 5)..]];
                break;
        }

        var refused = Assert.Throws<InvalidDataException>(() => Codec.ReadArray(new BinaryReader(new MemoryStream(bytes, 0, bytes.Length, false, true))));
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    private static (Array Values, long Bytes) RoundTrip(Array values) => RoundTrip(values, 0, values.Length);

    private static (Array Values, long Bytes) RoundTrip(Array values, int offset, int count)
    {
        var stream = new MemoryStream();
        Codec.WriteArray(new BinaryWriter(stream), values, offset, count);
        var bytes = stream.ToArray();
        // Read in place (as the serializer does) and through a stream that hides its buffer: the same values.
        var read = Codec.ReadArray(new BinaryReader(new MemoryStream(bytes, 0, bytes.Length, false, true)));
        Assert.Equal(read, Codec.ReadArray(new BinaryReader(new MemoryStream(bytes))));
        return (read, bytes.Length);
    }
}
