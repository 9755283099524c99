namespace ActorPool.Tests.Cluster;

/// <summary>How a parcel ships.</summary>
public enum Speed
{
    /// <summary>Slow.</summary>
    Standard,

    /// <summary>Fast.</summary>
    Express,
}

/// <summary>A positional record with an array member.</summary>
/// <param name="Id">Its number.</param>
/// <param name="Customer">Who ordered.</param>
/// <param name="Amount">What it costs.</param>
/// <param name="Tags">Labels.</param>
public sealed record Order(int Id, string Customer, decimal Amount, string[] Tags)
{
    /// <summary>Records compare arrays by reference; this compares what the wire carries.</summary>
    public bool Same(Order other) => Id == other.Id && Customer == other.Customer && Amount == other.Amount && Tags.SequenceEqual(other.Tags);
}

/// <summary>What an order comes to.</summary>
/// <param name="Id">Its number.</param>
/// <param name="Amount">What it costs.</param>
public sealed record Total(int Id, decimal Amount);

/// <summary>A struct.</summary>
/// <param name="X">Across.</param>
/// <param name="Y">Down.</param>
public readonly record struct Spot(double X, double Y);

/// <summary>A class with init-only properties holding every collection family, nested records, offsets and nullables.</summary>
public sealed class Parcel
{
    public int Id { get; init; }

    public Speed Speed { get; init; }

    public DateTimeOffset SentAt { get; init; }

    public DateTimeOffset? ArrivedAt { get; init; }

    public decimal? Insured { get; init; }

    public List<Order> Orders { get; init; } = [];

    public Dictionary<string, int> Counts { get; init; } = [];

    public HashSet<string> Stops { get; init; } = [];

    public Spot[] Route { get; init; } = [];

    /// <summary>Not data (a method); the wire carries properties only.</summary>
    public string Describe() => $"{Id} {Speed} {SentAt:O} {ArrivedAt:O} {Insured} [{string.Join(";", Orders.Select(o => $"{o.Id},{o.Customer},{o.Amount},{string.Join("|", o.Tags)}"))}] "
        + $"[{string.Join(";", Counts.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}"))}] [{string.Join(";", Stops.Order())}] [{string.Join(";", Route)}]";
}

/// <summary>An unsealed class: a value of it crosses, a value of a subclass no signature names does not.</summary>
public class Animal
{
    public string Name { get; init; } = "";
}

/// <summary>Named by no pool function signature.</summary>
public sealed class Dog : Animal
{
    public bool Barks { get; init; }
}

/// <summary>A record whose member could hold anything.</summary>
/// <param name="Id">Its number.</param>
/// <param name="Payload">Anything.</param>
public sealed record Envelope(int Id, object Payload);

/// <summary>Pool functions over user types, run by nodes of this process.</summary>
public static class UserTypeJobs
{
    [PoolFunction]
    public static Total Sum(Order o) => new(o.Id, o.Amount);

    /// <summary>Changes every member, so each is seen to cross both ways.</summary>
    [PoolFunction]
    public static Parcel Forward(Parcel p) => new()
    {
        Id = p.Id + 1,
        Speed = p.Speed == Speed.Standard ? Speed.Express : Speed.Standard,
        SentAt = p.SentAt.AddDays(1),
        ArrivedAt = p.ArrivedAt?.AddHours(1),
        Insured = p.Insured * 2,
        Orders = [.. p.Orders, new Order(p.Orders.Count, "next", p.Orders.Sum(o => o.Amount), ["forwarded"])],
        Counts = new Dictionary<string, int>(p.Counts) { ["forwarded"] = p.Counts.Count },
        Stops = [.. p.Stops, "hub"],
        Route = [.. p.Route, new Spot(p.Route.Length, -0.5)],
    };

    [PoolFunction]
    public static Dictionary<string, List<int>> ByTag(List<Order> orders, string customer) =>
        orders.Where(o => o.Customer == customer).SelectMany(o => o.Tags.Select(t => (t, o.Id)))
            .GroupBy(p => p.t).ToDictionary(g => g.Key, g => g.Select(p => p.Id).ToList());

    [PoolFunction]
    public static decimal? Distance(Spot? s, Speed speed) =>
        s is { } spot ? (decimal)Math.Sqrt(spot.X * spot.X + spot.Y * spot.Y) * (speed == Speed.Express ? 2 : 1) : null;

    [PoolFunction]
    public static string NameOf(Animal a) => a.Name;

    [PoolFunction]
    public static int Open(Envelope e) => e.Id;

    [PoolFunction]
    public static async Task<Total> FetchTotal(Order o)
    {
        await Task.Delay(10).ConfigureAwait(false);
        return new Total(o.Id, o.Amount);
    }

    /// <summary>Echoes any object it is given; it cannot be called across nodes (its parameter could be anything).</summary>
    [PoolFunction]
    public static int Echo(object value) => value.GetHashCode();
}
