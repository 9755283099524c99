using Xunit;

namespace ActorPool.Tests;

/// <summary><see cref="WorkerContext.Current"/>, and delegates that are not pool functions, in an in-process pool.</summary>
public sealed class WorkerContextSpec
{
    [Fact]
    public void Current_outside_a_worker_throws_InvalidOperationException()
    {
        Assert.Throws<InvalidOperationException>(() => WorkerContext.Current);
    }

    [Fact]
    public async Task Current_inside_a_worker_names_the_worker_and_its_node()
    {
        await using var lease = PoolLease.Create(1);

        var (id, node) = await lease.Pool.ApplyAsync(() => (WorkerContext.Current.WorkerId, WorkerContext.Current.Node)).Within();

        Assert.False(string.IsNullOrWhiteSpace(id));
        Assert.False(string.IsNullOrWhiteSpace(node));
        Assert.StartsWith(node, id, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_ids_differ_between_pools()
    {
        await using var first = PoolLease.Create(1);
        await using var second = PoolLease.Create(1);

        var a = await first.Pool.ApplyAsync(TestJobs.WorkerId).Within();
        var b = await second.Pool.ApplyAsync(TestJobs.WorkerId).Within();

        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task Closures_and_lambdas_run_in_an_in_process_pool()
    {
        await using var lease = PoolLease.Create(2);
        var pool = lease.Pool;
        var offset = 1000;
        var calls = 0;

        var mapped = await pool.MapAsync(x => { Interlocked.Increment(ref calls); return x + offset; }, [1, 2, 3]).Within();
        var applied = await pool.ApplyAsync(() => offset * 2).Within();
        var applied3 = await Bounds.Blocking(() => pool.Apply((int a, int b, int c) => a * b * c + offset, 2, 3, 4));
        var starred = await pool.StarMapAsync((string s, int n) => string.Concat(Enumerable.Repeat(s, n)), [("ab", 2), ("c", 3)]).Within();
        var streamed = await pool.Imap((int x) => $"#{x + offset}", [1, 2]).ToListAsync();

        Assert.Equal([1001, 1002, 1003], mapped);
        Assert.Equal(3, calls);
        Assert.Equal(2000, applied);
        Assert.Equal(1024, applied3);
        Assert.Equal(["abab", "ccc"], starred);
        Assert.Equal(["#1001", "#1002"], streamed);
    }

    [Fact]
    public async Task A_static_method_without_the_attribute_runs_in_an_in_process_pool()
    {
        await using var lease = PoolLease.Create(1);

        var results = await lease.Pool.MapAsync(Math.Abs, [-1, 2, -3]).Within();

        Assert.Equal([1, 2, 3], results);
    }
}
