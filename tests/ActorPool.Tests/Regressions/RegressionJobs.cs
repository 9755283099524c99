namespace ActorPool.Tests.Regressions;

/// <summary>Pool functions of the regression specs; every node in the test process has them.</summary>
public static class RegressionJobs
{
    /// <summary>A record-like result as a 4-tuple of mixed types.</summary>
    [PoolFunction]
    public static (int Id, string Name, decimal Amount, int Negated) Quad(int x) => (x, $"item {x}", x + 0.25m, -x);

    /// <summary>The largest tuple the codec carries: seven values.</summary>
    [PoolFunction]
    public static (int, long, double, string, bool, char, decimal) Septet(int x) => (x, x * 10L, x / 4.0, $"s{x}", x % 2 == 0, (char)('a' + x), x * 1.5m);

    /// <summary>Eight values: ValueTuple nests the eighth in another tuple, which cannot cross.</summary>
    [PoolFunction]
    public static (int, int, int, int, int, int, int, int) Octet(int x) => (x, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7);

    /// <summary>A tuple with a member left null for even items.</summary>
    [PoolFunction]
    public static (int Id, string? Name) MaybeNamed(int x) => (x, x % 2 == 0 ? null : $"odd {x}");
}
