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
}
