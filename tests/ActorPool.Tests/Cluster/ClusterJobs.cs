namespace ActorPool.Tests.Cluster;

/// <summary>Functions for the cluster specs; every node in the test process has them.</summary>
public static class ClusterJobs
{
    /// <summary>Accepts anything, so the argument's own type decides whether it can cross.</summary>
    [PoolFunction]
    public static string Describe(object? value) => $"{value}";

    /// <summary>Returns a value no node can receive.</summary>
    [PoolFunction]
    public static Uri MakeUri(int port) => new($"http://example.invalid:{port}/");
}
