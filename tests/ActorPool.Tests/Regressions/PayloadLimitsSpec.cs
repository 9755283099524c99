using ActorPool.Serialization;
using Xunit;

namespace ActorPool.Tests.Regressions;

/// <summary>
/// What the codec refuses instead of dying: a cyclic or absurdly deep graph on the way out, arrays nested without
/// end on the way in, a subclass hidden in a member, and what a generic user type is built of.
/// </summary>
public sealed class PayloadLimitsSpec
{
    [Fact]
    public void A_cyclic_graph_is_refused_with_a_PoolPayloadException_not_a_stack_overflow()
    {
        var codec = Codec(typeof(Link));
        var first = new Link { Name = "a" };
        first.Next = new Link { Name = "b", Next = first };

        var refused = Assert.Throws<PoolPayloadException>(() => codec.Write(new BinaryWriter(new MemoryStream()), first));

        Assert.Contains("is there a cycle?", refused.Message, StringComparison.Ordinal);
        // The codec still works afterwards: the depth is counted per write, not left behind.
        Assert.Equal("x", ((Link)RoundTrip(codec, new Link { Name = "x" })!).Name);
    }

    [Fact]
    public void Arrays_nested_without_end_are_refused_on_reading()
    {
        var codec = Codec();
        var crafted = new MemoryStream();
        var writer = new BinaryWriter(crafted);
        for (var i = 0; i < 10_000; i++)
        {
            writer.Write((byte)43); // an object array ...
            writer.Write(1);        // ... of one item, which is another
        }

        writer.Write((byte)0);
        crafted.Position = 0;

        var refused = Assert.Throws<InvalidDataException>(() => codec.Read(new BinaryReader(crafted)));
        Assert.Contains("levels deep", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_subclass_in_a_member_declared_as_its_base_is_refused_not_cut_down()
    {
        var codec = Codec(typeof(Pen));

        var refused = Assert.Throws<PoolPayloadException>(() => codec.Write(new BinaryWriter(new MemoryStream()), new Pen(new Dog { Name = "rex", Barks = true })));

        Assert.Contains(typeof(Dog).FullName!, refused.Message, StringComparison.Ordinal);
        Assert.Equal("cat", ((Pen)RoundTrip(codec, new Pen(new Pet { Name = "cat" }))!).Animal.Name);
    }

    [Fact]
    public void A_generic_user_type_allows_its_members_types_and_its_type_arguments()
    {
        var list = new TypeAllowList();
        list.Include(typeof(Page<Pet>));

        Assert.True(list.IsAllowed(typeof(List<Pet>)));
        Assert.True(list.IsAllowed(typeof(Pet)));
        Assert.True(list.IsAllowed(typeof(Cursor)));
        var page = new Page<Pet>([new Pet { Name = "a" }], new Cursor(3));
        var copy = (Page<Pet>)RoundTrip(Codec(typeof(Page<Pet>)), page)!;
        Assert.Equal(("a", 3), (copy.Items[0].Name, copy.Next.At));
    }

    [Fact]
    public void Dictionaries_keyed_by_decimal_and_DateTime_kinds_cross_as_written()
    {
        var codec = Codec(typeof(Ledger));
        var local = new DateTime(2026, 11, 25, 10, 0, 0, DateTimeKind.Local);

        var copy = (Ledger)RoundTrip(codec, new Ledger(new Dictionary<decimal, string> { [1.5m] = "x" }, local))!;

        Assert.Equal("x", copy.ByAmount[1.5m]);
        Assert.Equal((local, DateTimeKind.Local), (copy.At, copy.At.Kind));
    }

    [Fact]
    public void Members_declared_as_your_own_interface_cross_as_their_concrete_types()
    {
        Assert.Null(WireTypes.Problem(typeof(Drawing)));
        Assert.NotNull(WireTypes.Problem(typeof(IComparable)));
        var codec = Codec(typeof(Drawing));

        var copy = (Drawing)RoundTrip(codec, new Drawing([new Circle(1), new Square(2), null], new Square(3)))!;

        Assert.Equal([new Circle(1), new Square(2), null], copy.Shapes);
        Assert.Equal(new Square(3), copy.Main);
    }

    private static PayloadCodec Codec(params Type[] roots)
    {
        var list = new TypeAllowList();
        foreach (var root in roots)
        {
            list.Include(root);
        }

        return new PayloadCodec(list);
    }

    private static object? RoundTrip(PayloadCodec codec, object value)
    {
        var stream = new MemoryStream();
        codec.Write(new BinaryWriter(stream), value);
        stream.Position = 0;
        return codec.Read(new BinaryReader(stream));
    }
}

/// <summary>A linked list that can close on itself.</summary>
public sealed class Link
{
    public string Name { get; set; } = "";

    public Link? Next { get; set; }
}

/// <summary>An unsealed class.</summary>
public class Pet
{
    public string Name { get; init; } = "";
}

/// <summary>A subclass no signature names.</summary>
public sealed class Dog : Pet
{
    public bool Barks { get; init; }
}

/// <summary>A record holding a <see cref="Pet"/>.</summary>
/// <param name="Animal">The pet.</param>
public sealed record Pen(Pet Animal);

/// <summary>A generic user type.</summary>
/// <param name="Items">The page's items.</param>
/// <param name="Next">Where the next page starts.</param>
public sealed record Page<T>(List<T> Items, Cursor Next);

/// <summary>A position.</summary>
/// <param name="At">The index.</param>
public sealed record Cursor(int At);

/// <summary>A dictionary keyed by a type MessagePack has no hash-resistant comparer for, and a local time.</summary>
/// <param name="ByAmount">Names by amount.</param>
/// <param name="At">When.</param>
public sealed record Ledger(Dictionary<decimal, string> ByAmount, DateTime At);

/// <summary>A user's interface: its concrete types are <see cref="Circle"/> and <see cref="Square"/>, declared beside it.</summary>
public interface IShape
{
    double Area { get; }
}

/// <summary>A circle.</summary>
/// <param name="R">Its radius.</param>
public sealed record Circle(double R) : IShape
{
    public double Area => Math.PI * R * R;
}

/// <summary>A square.</summary>
/// <param name="S">Its side.</param>
public sealed record Square(double S) : IShape
{
    public double Area => S * S;
}

/// <summary>Shapes declared by their interface.</summary>
/// <param name="Shapes">Any shapes.</param>
/// <param name="Main">The main one.</param>
public sealed record Drawing(IShape?[] Shapes, IShape Main);
