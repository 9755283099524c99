namespace ActorPool.Tests.Cluster;

/// <summary>Functions for the cluster specs; every node in the test process has them.</summary>
public static class ClusterJobs
{
    /// <summary>Accepts anything, so it cannot be called across nodes: registration reports its parameter.</summary>
    [PoolFunction]
    public static string Describe(object? value) => $"{value}";

    /// <summary>Two large results among small ones: a chunk's results must be split by bytes, not by count.</summary>
    [PoolFunction]
    public static string Skewed(int x) => x < 2 ? new string((char)('a' + x), 600_000) : "s";

    /// <summary>A result larger than any message to another node may be.</summary>
    [PoolFunction]
    public static string Huge(int x) => new('h', 2_000_000 + x);

    /// <summary>Declared to return a <see cref="Shape"/>, returns a <see cref="Circle"/>: a type no signature names, which no node may receive.</summary>
    [PoolFunction]
    public static Shape MakeShape(int radius) => new Circle { Radius = radius };

    /// <summary>Flips the top bit of an unsigned enum: values past long's range must cross both ways.</summary>
    [PoolFunction]
    public static Wide FlipTop(Wide value) => value ^ Wide.Top;
}

/// <summary>An unsigned enum using its top bit.</summary>
[Flags]
public enum Wide : ulong
{
    /// <summary>No bit.</summary>
    None = 0,

    /// <summary>The lowest bit.</summary>
    Low = 1,

    /// <summary>Bit 63, past long's range.</summary>
    Top = 1UL << 63,
}

/// <summary>An unsealed class a signature names.</summary>
public class Shape
{
    /// <summary>Its name.</summary>
    public string Name { get; init; } = "shape";
}

/// <summary>A subclass no signature names.</summary>
public sealed class Circle : Shape
{
    /// <summary>Its radius.</summary>
    public int Radius { get; init; }
}
