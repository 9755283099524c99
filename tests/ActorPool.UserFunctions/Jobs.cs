namespace ActorPool.UserFunctions;

/// <summary>Functions a user deploys to every node with <c>--functions ActorPool.UserFunctions.dll</c>.</summary>
public static class Jobs
{
    /// <summary><c>cube</c>: x³.</summary>
    /// <param name="x">The number.</param>
    /// <returns>x cubed.</returns>
    [PoolFunction("cube")]
    public static long Cube(long x) => x * x * x;

    /// <summary><c>join-words</c>: two words joined by a dash, for a function of two parameters read from stdin.</summary>
    /// <param name="left">The first word.</param>
    /// <param name="right">The second word.</param>
    /// <returns><c>left-right</c>.</returns>
    [PoolFunction("join-words")]
    public static string JoinWords(string left, string right) => $"{left}-{right}";
}
