using Xunit;

namespace ActorPool.Tests;

/// <summary>A <see cref="CancellationToken"/> cancels a call: its task is cancelled and its error callback told once.</summary>
public sealed class CancellationSpec
{
    [Fact]
    public async Task Cancelling_a_MapAsync_cancels_its_task_and_calls_the_error_callback_once()
    {
        await using var lease = PoolLease.Create(2);
        var run = TestJobs.NewRun();
        using var cancellation = new CancellationTokenSource();
        var errors = new List<Exception>();
        var callbacks = 0;
        var items = Enumerable.Range(0, 200).Select(i => new TallyItem(run, i, SleepMs: 20));

        var map = lease.Pool.MapAsync(TestJobs.Tally, items, chunkSize: 1, callback: _ => Interlocked.Increment(ref callbacks),
            errorCallback: e => { lock (errors) { errors.Add(e); } }, cancellationToken: cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => map.Within());
        Assert.True(map.IsCanceled);
        await lease.DisposeAsync();
        Assert.IsAssignableFrom<OperationCanceledException>(Assert.Single(errors));
        Assert.Equal(0, callbacks);
        // The chunks not yet dealt were never run.
        Assert.True(TestJobs.CallsOf(run) < 200, $"all {TestJobs.CallsOf(run)} items ran after the map was cancelled");
    }

    [Fact]
    public async Task Cancelling_an_ApplyAsync_cancels_its_task_and_calls_the_error_callback_once()
    {
        await using var lease = PoolLease.Create(1);
        using var cancellation = new CancellationTokenSource();
        var errors = 0;
        var callbacks = 0;

        var apply = lease.Pool.ApplyAsync(TestJobs.Sleep, 300, callback: _ => Interlocked.Increment(ref callbacks),
            errorCallback: e => { Assert.IsAssignableFrom<OperationCanceledException>(e); Interlocked.Increment(ref errors); },
            cancellationToken: cancellation.Token);
        await cancellation.CancelAsync();

        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => apply.Within());
        Assert.Equal(cancellation.Token, cancelled.CancellationToken);
        await lease.DisposeAsync();
        Assert.Equal(1, errors);
        Assert.Equal(0, callbacks);
    }

    [Fact]
    public async Task A_call_with_a_token_cancelled_before_it_is_cancelled_at_once()
    {
        await using var lease = PoolLease.Create(1);
        var errors = 0;

        var apply = lease.Pool.ApplyAsync(TestJobs.Square, 2, errorCallback: _ => Interlocked.Increment(ref errors),
            cancellationToken: new CancellationToken(canceled: true));
        var map = lease.Pool.MapAsync(TestJobs.Square, [1, 2], errorCallback: _ => Interlocked.Increment(ref errors),
            cancellationToken: new CancellationToken(canceled: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => apply.Within());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => map.Within());
        Assert.Equal(2, Volatile.Read(ref errors));
    }

    [Fact]
    public async Task Cancelling_an_Imap_stops_the_stream_and_the_pool_stays_usable()
    {
        await using var lease = PoolLease.Create(2);
        using var cancellation = new CancellationTokenSource();
        var seen = new List<int>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var value in lease.Pool.Imap(TestJobs.Sleep, Enumerable.Repeat(30, 1000), cancellationToken: cancellation.Token))
            {
                seen.Add(value);
                if (seen.Count == 3)
                {
                    await cancellation.CancelAsync();
                }
            }
        }).Within();

        Assert.Equal(3, seen.Count);
        Assert.Equal(16, await lease.Pool.ApplyAsync(TestJobs.Square, 4).Within());
    }

    [Fact]
    public async Task A_cancelled_call_does_not_hold_up_Join()
    {
        var pool = Pool.Create(1);
        await using var lease = new PoolLease(pool);
        using var cancellation = new CancellationTokenSource();
        var map = pool.MapAsync(TestJobs.Sleep, Enumerable.Repeat(50, 100), chunkSize: 1, cancellationToken: cancellation.Token);

        await cancellation.CancelAsync();
        pool.Close();

        await pool.JoinAsync().Within();
        Assert.True(map.IsCanceled);
    }

    [Fact]
    public async Task An_error_callback_that_throws_does_not_escape_into_Cancel()
    {
        await using var lease = PoolLease.Create(1);
        using var cancellation = new CancellationTokenSource();
        var apply = lease.Pool.ApplyAsync(TestJobs.Sleep, 100, errorCallback: _ => throw new InvalidOperationException("error callback broke"),
            cancellationToken: cancellation.Token);

        // Whoever cancels is not the one to hear about the user's callback failing.
        var cancel = Record.Exception(cancellation.Cancel);

        await Assert.ThrowsAnyAsync<Exception>(() => apply.Within());
        Assert.Null(cancel);
    }
}
