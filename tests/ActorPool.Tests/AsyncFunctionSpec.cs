using Akka.Actor;
using Xunit;

namespace ActorPool.Tests;

/// <summary>
/// Functions returning tasks are awaited on the workers, not handed back; a worker keeps many such calls running at
/// once, and a function taking a <see cref="CancellationToken"/> is cancelled with its call. Overlap is counted by
/// the functions themselves, never timed.
/// </summary>
public sealed class AsyncFunctionSpec
{
    [Fact]
    public async Task A_map_of_an_async_function_returns_the_awaited_values_in_order()
    {
        await using var lease = PoolLease.Create(2);
        var run = AsyncJobs.NewRun();

        var results = await lease.Pool.MapAsync(AsyncJobs.Wait, Enumerable.Range(0, 50).Select(i => new WaitItem(run, 5, i))).Within();

        Assert.Equal(Enumerable.Range(0, 50).Select(i => i * 2), results);
    }

    [Fact]
    public async Task Two_workers_keep_far_more_than_two_async_calls_running_at_once()
    {
        await using var lease = PoolLease.Create(2);
        var run = AsyncJobs.NewRun();

        // 100 calls that each wait 200 ms: blocked on, two workers would run two at a time (10 s); awaited, they overlap.
        var results = await lease.Pool.MapAsync(AsyncJobs.Wait, Enumerable.Range(0, 100).Select(i => new WaitItem(run, 200, i))).Within();

        Assert.Equal(100, results.Count);
        Assert.True(AsyncJobs.MostAtOnce(run) > 20, $"at most {AsyncJobs.MostAtOnce(run)} calls ran at once on 2 workers");
    }

    [Fact]
    public async Task A_burst_of_ApplyAsync_calls_of_an_async_function_overlaps_too()
    {
        await using var lease = PoolLease.Create(2);
        var run = AsyncJobs.NewRun();

        var calls = Enumerable.Range(0, 100).Select(i => lease.Pool.ApplyAsync(AsyncJobs.Wait, new WaitItem(run, 200, i))).ToList();
        var results = await Task.WhenAll(calls).Within();

        Assert.Equal(Enumerable.Range(0, 100).Select(i => i * 2), results);
        Assert.True(AsyncJobs.MostAtOnce(run) > 20, $"at most {AsyncJobs.MostAtOnce(run)} calls ran at once on 2 workers");
    }

    [Fact]
    public async Task Apply_Imap_and_lambdas_returning_tasks_are_awaited()
    {
        await using var lease = PoolLease.Create(2);

        Assert.Equal(14, lease.Pool.Apply(AsyncJobs.Wait, new WaitItem(AsyncJobs.NewRun(), 1, 7)));
        var streamed = new List<int>();
        await foreach (var value in lease.Pool.Imap(AsyncJobs.Wait, Enumerable.Range(0, 10).Select(i => new WaitItem(AsyncJobs.NewRun(), 1, i)), chunkSize: 3))
        {
            streamed.Add(value);
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 2), streamed);
        var offset = 100;
        Assert.Equal([100, 101, 102], await lease.Pool.MapAsync(async (int x) => { await Task.Yield(); return x + offset; }, [0, 1, 2]).Within());
        Assert.Equal([3, 7], await lease.Pool.StarMapAsync(async (int a, int b) => { await Task.Yield(); return a + b; }, [(1, 2), (3, 4)]).Within());
    }

    [Fact]
    public async Task A_failing_async_call_fails_the_map_with_the_lowest_failing_item()
    {
        await using var lease = PoolLease.Create(2);

        var failure = await Assert.ThrowsAsync<PoolTaskException>(() => lease.Pool.MapAsync(AsyncJobs.FailOnThrees, Enumerable.Range(1, 20), chunkSize: 5).Within());

        Assert.Equal(typeof(InvalidOperationException).FullName, failure.OriginalType);
        Assert.Equal("three divides 3", failure.OriginalMessage);
        Assert.Equal(2, failure.ItemIndex);
        // The pool is still fine.
        Assert.Equal([1, 2], await lease.Pool.MapAsync(AsyncJobs.FailOnThrees, [1, 2]).Within());
    }

    [Fact]
    public async Task Cancelling_the_call_cancels_the_token_the_running_async_calls_were_given()
    {
        await using var lease = PoolLease.Create(2);
        var run = AsyncJobs.NewRun();
        using var cancellation = new CancellationTokenSource();

        var map = lease.Pool.MapAsync(AsyncJobs.WaitForCancel, Enumerable.Range(0, 10).Select(i => new WaitItem(run, 0, i)), chunkSize: 5,
            cancellationToken: cancellation.Token);
        await Until(() => AsyncJobs.MostAtOnce(run) == 10, "all ten calls to be running");
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => map.Within());
        await Until(() => AsyncJobs.CancelledCalls(run) == 10, "every running call to see its token cancelled");
    }

    [Fact]
    public async Task A_call_that_times_out_cancels_the_token_its_running_async_calls_were_given()
    {
        await using var lease = PoolLease.Create(new PoolOptions { Processes = 1, TaskTimeout = TimeSpan.FromMilliseconds(300) });
        var (mapRun, applyRun) = (AsyncJobs.NewRun(), AsyncJobs.NewRun());

        // Two chunks: both at the one worker (two credits), all four calls running when the map's deadline passes.
        var map = lease.Pool.MapAsync(AsyncJobs.WaitForCancel, Enumerable.Range(0, 4).Select(i => new WaitItem(mapRun, 0, i)), chunkSize: 2);
        await Assert.ThrowsAsync<TimeoutException>(() => map.Within());
        await Until(() => AsyncJobs.CancelledCalls(mapRun) == 4, "every call of the timed-out map to see its token cancelled");

        await Assert.ThrowsAsync<TimeoutException>(() => lease.Pool.ApplyAsync(AsyncJobs.WaitForCancel, new WaitItem(applyRun, 0, 1)).Within());
        await Until(() => AsyncJobs.CancelledCalls(applyRun) == 1, "the timed-out apply to see its token cancelled");
    }

    [Fact]
    public async Task Terminating_the_pool_cancels_the_token_of_running_async_calls()
    {
        var lease = PoolLease.Create(1);
        var run = AsyncJobs.NewRun();

        var apply = lease.Pool.ApplyAsync(AsyncJobs.WaitForCancel, new WaitItem(run, 0, 1));
        await Until(() => AsyncJobs.MostAtOnce(run) == 1, "the call to be running");
        lease.Pool.Terminate();

        await Assert.ThrowsAsync<PoolClosedException>(() => apply.Within());
        await Until(() => AsyncJobs.CancelledCalls(run) == 1, "the running call to see its token cancelled");
    }

    [Fact]
    public async Task WorkerContext_follows_an_async_call_across_its_awaits()
    {
        await using var lease = PoolLease.Create(2);

        var ids = await lease.Pool.MapAsync(AsyncJobs.WorkerAfterAwait, Enumerable.Repeat(5, 20), chunkSize: 1).Within();

        Assert.All(ids, id => Assert.False(string.IsNullOrEmpty(id)));
        Assert.InRange(ids.Distinct().Count(), 1, 2);
    }

    [Fact]
    public async Task An_async_function_returning_a_plain_task_is_awaited_and_gives_null_by_name()
    {
        await using var lease = PoolLease.Create(1);

        var result = await lease.Pool.Router.Ask<MapResult>(new Map("ActorPool.Tests.AsyncJobs.Nothing", new object?[] { 5, 5 }), TimeSpan.FromSeconds(20));

        Assert.Equal(new object?[] { null, null }, result.Values);
    }

    [Fact]
    public async Task A_registered_function_returning_a_ValueTask_is_awaited_when_called_by_name()
    {
        await using var lease = PoolLease.Create(2);

        var result = await lease.Pool.Router.Ask<MapResult>(new Map("ActorPool.Tests.AsyncJobs.Halve", new object?[] { 10L, 7L, 100L }) { ChunkSize = 1 }, TimeSpan.FromSeconds(20));

        Assert.Equal(new object?[] { 5L, 3L, 50L }, result.Values);
    }

    [Fact]
    public async Task A_delegate_returning_a_ValueTask_is_refused_with_the_fix_named()
    {
        await using var lease = PoolLease.Create(1);

        var refused = Assert.Throws<ArgumentException>(() => { _ = lease.Pool.Map((int x) => new ValueTask<int>(x), [1]); });

        Assert.Contains("AsTask()", refused.Message, StringComparison.Ordinal);
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Waited 20 s for {what}.");
            await Task.Delay(20);
        }
    }
}
