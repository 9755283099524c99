namespace ActorPool.UserFunctions;

/// <summary>An order, as DESIGN.md's example has it: a positional record with an array member.</summary>
/// <param name="Id">The order's number.</param>
/// <param name="Customer">Who placed it.</param>
/// <param name="Amount">What it costs.</param>
/// <param name="Tags">Labels.</param>
public sealed record Order(int Id, string Customer, decimal Amount, string[] Tags);

/// <summary>What <see cref="Orders.Sum"/> makes of an order.</summary>
/// <param name="Id">The order's number.</param>
/// <param name="Amount">What it costs.</param>
public sealed record Total(int Id, decimal Amount);

/// <summary>How an order ships.</summary>
public enum Shipping
{
    /// <summary>The slow way.</summary>
    Standard,

    /// <summary>The fast way.</summary>
    Express,
}

/// <summary>A point: a struct crosses as well as a record.</summary>
/// <param name="X">Across.</param>
/// <param name="Y">Down.</param>
public readonly record struct Point(double X, double Y);

/// <summary>A class with init-only properties and every collection family: a record is not required.</summary>
public sealed class Shipment
{
    /// <summary>Its number.</summary>
    public int Id { get; init; }

    /// <summary>How it ships.</summary>
    public Shipping Shipping { get; init; }

    /// <summary>When it was sent, with the sender's offset.</summary>
    public DateTimeOffset SentAt { get; init; }

    /// <summary>When it arrived, if it has.</summary>
    public DateTimeOffset? ArrivedAt { get; init; }

    /// <summary>Its orders, nested records.</summary>
    public List<Order> Orders { get; init; } = [];

    /// <summary>Items per product code.</summary>
    public Dictionary<string, int> Counts { get; init; } = [];

    /// <summary>Where it stopped on the way.</summary>
    public HashSet<string> Stops { get; init; } = [];

    /// <summary>Its route.</summary>
    public Point[] Route { get; init; } = [];
}

/// <summary>A record with a member that could hold anything: it cannot cross, and registration says so.</summary>
/// <param name="Id">Its number.</param>
/// <param name="Payload">Anything at all.</param>
public sealed record Envelope(int Id, object Payload);

/// <summary>Functions over user types, deployed with <c>--functions ActorPool.UserFunctions.dll</c>.</summary>
public static class Orders
{
    /// <summary>An order's total: DESIGN.md's example.</summary>
    /// <param name="o">The order.</param>
    /// <returns>Its id and amount.</returns>
    [PoolFunction]
    public static Total Sum(Order o) => new(o.Id, o.Amount);

    /// <summary>Echoes a shipment with every member changed, so a test sees each one cross both ways.</summary>
    /// <param name="s">The shipment.</param>
    /// <returns>The shipment, one day later, with one more order, stop, count and route point.</returns>
    [PoolFunction]
    public static Shipment Forward(Shipment s) => new()
    {
        Id = s.Id + 1,
        Shipping = s.Shipping == Shipping.Standard ? Shipping.Express : Shipping.Standard,
        SentAt = s.SentAt.AddDays(1),
        ArrivedAt = s.ArrivedAt?.AddDays(1),
        Orders = [.. s.Orders, new Order(s.Orders.Count, "next", s.Orders.Sum(o => o.Amount), ["forwarded"])],
        Counts = new Dictionary<string, int>(s.Counts) { ["forwarded"] = s.Counts.Count },
        Stops = [.. s.Stops, "hub"],
        Route = [.. s.Route, new Point(s.Route.Length, -s.Route.Length)],
    };

    /// <summary>The orders of one customer from a list, keyed by tag: generic collections as parameter and result.</summary>
    /// <param name="orders">The orders.</param>
    /// <param name="customer">Whose orders to keep.</param>
    /// <returns>Order ids per tag.</returns>
    [PoolFunction]
    public static Dictionary<string, List<int>> ByTag(List<Order> orders, string customer) =>
        orders.Where(o => o.Customer == customer).SelectMany(o => o.Tags.Select(t => (t, o.Id)))
            .GroupBy(p => p.t).ToDictionary(g => g.Key, g => g.Select(p => p.Id).ToList());

    /// <summary>A nullable struct and an enum in, a nullable decimal out.</summary>
    /// <param name="p">A point, or none.</param>
    /// <param name="shipping">How it ships.</param>
    /// <returns>The distance from the origin (doubled for express), or null.</returns>
    [PoolFunction]
    public static decimal? Distance(Point? p, Shipping shipping) =>
        p is { } point ? (decimal)Math.Sqrt(point.X * point.X + point.Y * point.Y) * (shipping == Shipping.Express ? 2 : 1) : null;

    /// <summary>Awaited on the worker: the result of the task, not the task, comes back.</summary>
    /// <param name="id">An id.</param>
    /// <returns>The id, after a short wait.</returns>
    [PoolFunction]
    public static async Task<int> Fetch(int id)
    {
        await Task.Delay(50).ConfigureAwait(false);
        return id;
    }

    /// <summary>Waits <paramref name="milliseconds"/> without holding a thread, and returns a record.</summary>
    /// <param name="id">An id.</param>
    /// <param name="milliseconds">How long to wait.</param>
    /// <param name="cancellationToken">The call's token: the wait ends early when the call is cancelled.</param>
    /// <returns>The id with the time waited.</returns>
    [PoolFunction]
    public static async ValueTask<Total> Wait(int id, int milliseconds, CancellationToken cancellationToken)
    {
        await Task.Delay(milliseconds, cancellationToken).ConfigureAwait(false);
        return new Total(id, milliseconds);
    }

    /// <summary>Cannot cross: <see cref="Envelope.Payload"/> could hold any type. It still runs in-process.</summary>
    /// <param name="e">The envelope.</param>
    /// <returns>Its id.</returns>
    [PoolFunction]
    public static int Open(Envelope e) => e.Id;
}
