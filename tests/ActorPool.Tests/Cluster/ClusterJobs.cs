namespace ActorPool.Tests.Cluster;

/// <summary>Functions for the cluster specs; every node in the test process has them.</summary>
public static class ClusterJobs
{
    /// <summary>Accepts anything, so the argument's own type decides whether it can cross.</summary>
    [PoolFunction]
    public static string Describe(object? value) => $"{value}";

    /// <summary>Two large results among small ones: a chunk's results must be split by bytes, not by count.</summary>
    [PoolFunction]
    public static string Skewed(int x) => x < 2 ? new string((char)('a' + x), 600_000) : "s";

    /// <summary>A result larger than any message to another node may be.</summary>
    [PoolFunction]
    public static string Huge(int x) => new('h', 2_000_000 + x);

    /// <summary>Returns a value no node can receive.</summary>
    [PoolFunction]
    public static Uri MakeUri(int port) => new($"http://example.invalid:{port}/");

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
