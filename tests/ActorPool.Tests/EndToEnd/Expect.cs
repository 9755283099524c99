using Xunit;

namespace ActorPool.Tests.EndToEnd;

/// <summary>Assertions on a finished process that show its stderr when they fail.</summary>
internal static class Expect
{
    /// <summary>The process exited with <paramref name="expected"/>.</summary>
    public static void ExitCode(int expected, int actual, NodeProcess process)
    {
        if (actual != expected)
        {
            Assert.Fail($"{process.Name} exited with {actual}, expected {expected}.{Environment.NewLine}{process.Describe()}");
        }
    }

    /// <summary>The demo printed the Python tutorial's results, in order, however it was run (built or installed as a tool).</summary>
    public static void DemoResults(NodeProcess demo) => StdoutInOrder(
    [
        "All workers finished",
        "Results: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]",
        "Synchronous Result: 100",
        "Result: 400",
        "Synchronous Results: [2, 12, 30]",
        "Results: [2, 12, 30]",
    ], demo);

    /// <summary>Stdout is exactly <paramref name="expected"/>, line for line, in order.</summary>
    public static void Stdout(IEnumerable<string> expected, NodeProcess process)
    {
        var wanted = expected.ToList();
        var actual = process.Stdout;
        var firstDifference = Enumerable.Range(0, Math.Min(wanted.Count, actual.Count)).FirstOrDefault(i => wanted[i] != actual[i], -1);
        if (firstDifference >= 0)
        {
            Assert.Fail($"{process.Name}: stdout line {firstDifference} is '{actual[firstDifference]}', expected '{wanted[firstDifference]}'.{Environment.NewLine}{process.Describe()}");
        }

        if (actual.Count != wanted.Count)
        {
            Assert.Fail($"{process.Name}: {actual.Count} stdout lines, expected {wanted.Count}.{Environment.NewLine}{process.Describe()}");
        }
    }

    /// <summary>Stdout holds <paramref name="expected"/> as a subsequence: each line, in this order, possibly with others between.</summary>
    public static void StdoutInOrder(IEnumerable<string> expected, NodeProcess process)
    {
        var actual = process.Stdout;
        var at = 0;
        foreach (var line in expected)
        {
            var found = Enumerable.Range(at, actual.Count - at).FirstOrDefault(i => actual[i] == line, -1);
            if (found < 0)
            {
                Assert.Fail($"{process.Name}: stdout has no line '{line}' after line {at}.{Environment.NewLine}{string.Join(Environment.NewLine, actual)}{Environment.NewLine}{process.Describe()}");
            }

            at = found + 1;
        }
    }

    /// <summary>Stderr has a line containing every one of <paramref name="fragments"/>.</summary>
    public static void StderrLine(NodeProcess process, params string[] fragments)
    {
        if (!process.Stderr.Any(line => fragments.All(f => line.Contains(f, StringComparison.Ordinal))))
        {
            Assert.Fail($"{process.Name}: no stderr line contains all of [{string.Join(" | ", fragments)}].{Environment.NewLine}{process.Describe()}");
        }
    }
}
