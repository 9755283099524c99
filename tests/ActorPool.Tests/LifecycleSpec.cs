using System.Diagnostics;
using Xunit;

namespace ActorPool.Tests;

/// <summary>Close, Join, Terminate and Dispose, as <c>pool.close()</c>, <c>pool.join()</c> and <c>pool.terminate()</c>.</summary>
public sealed class LifecycleSpec
{
    [Fact]
    public async Task Every_submission_after_Close_throws_PoolClosedException()
    {
        await using var lease = PoolLease.Create(1);
        var pool = lease.Pool;

        pool.Close();

        await AssertRefusesWork(pool);
    }

    [Fact]
    public async Task Every_submission_after_Terminate_throws_PoolClosedException()
    {
        var pool = Pool.Create(1);

        pool.Terminate();

        await AssertRefusesWork(pool);
        await pool.JoinAsync().Within();
    }

    [Fact]
    public async Task Join_before_Close_throws_InvalidOperationException()
    {
        await using var lease = PoolLease.Create(1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Bounds.Blocking(lease.Pool.Join));
        await Assert.ThrowsAsync<InvalidOperationException>(() => lease.Pool.JoinAsync().Within());
    }

    [Fact]
    public async Task Close_then_Join_waits_for_outstanding_work_which_completes()
    {
        var pool = Pool.Create(2);
        var calls = Enumerable.Range(0, 6).Select(i => pool.ApplyAsync(TestJobs.Sleep, 50 + i)).ToList();

        pool.Close();
        await Bounds.Blocking(pool.Join);

        Assert.All(calls, call => Assert.True(call.IsCompletedSuccessfully));
        Assert.Equal(Enumerable.Range(50, 6), calls.Select(c => c.Result));
    }

    [Fact]
    public async Task DisposeAsync_closes_the_pool_and_waits_for_outstanding_work()
    {
        var pool = Pool.Create(2);
        var map = pool.MapAsync(TestJobs.Sleep, Enumerable.Repeat(20, 10), chunkSize: 1);

        await pool.DisposeAsync().AsTask().Within();

        Assert.True(map.IsCompletedSuccessfully);
        await Assert.ThrowsAsync<PoolClosedException>(() => pool.ApplyAsync(TestJobs.Square, 1).Within());
    }

    [Fact]
    public async Task Dispose_closes_the_pool_and_waits_for_outstanding_work()
    {
        var pool = Pool.Create(1);
        var calls = Enumerable.Range(0, 3).Select(_ => pool.ApplyAsync(TestJobs.Sleep, 30)).ToList();

        await Bounds.Blocking(pool.Dispose);

        Assert.All(calls, call => Assert.True(call.IsCompletedSuccessfully));
        await Assert.ThrowsAsync<PoolClosedException>(() => Bounds.Blocking(() => pool.Map(TestJobs.Square, [1])));
    }

    [Fact]
    public async Task Close_twice_and_Join_twice_are_harmless()
    {
        var pool = Pool.Create(1);
        var call = pool.ApplyAsync(TestJobs.Square, 5);

        pool.Close();
        pool.Close();
        await pool.JoinAsync().Within();
        await pool.JoinAsync().Within();

        Assert.Equal(25, await call.Within());
    }

    [Fact]
    public async Task Terminate_with_ten_thousand_queued_applies_returns_promptly_and_fails_them_all()
    {
        var pool = Pool.Create(2);
        var errors = 0;
        var calls = Enumerable.Range(0, 10_000)
            .Select(_ => pool.ApplyAsync(TestJobs.Sleep, 200, errorCallback: _ => Interlocked.Increment(ref errors)))
            .ToList();

        var clock = Stopwatch.StartNew();
        pool.Terminate();
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Terminate took {clock.Elapsed}");
        await Task.WhenAny(Task.WhenAll(calls)).WaitAsync(TimeSpan.FromSeconds(10));
        // The first few may have finished before Terminate; every other one failed, none is left hanging.
        Assert.All(calls, call => Assert.True(call.IsCompletedSuccessfully || call.Exception?.InnerException is PoolClosedException,
            $"a call ended {call.Status} with {call.Exception?.InnerException}"));
        var failed = calls.Count(call => call.IsFaulted);
        Assert.True(failed > 9_000, $"only {failed} of 10,000 calls were outstanding at Terminate");
        Assert.Equal(failed, Volatile.Read(ref errors));
        await pool.JoinAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Terminate_with_a_map_of_ten_thousand_chunks_returns_promptly_and_fails_it()
    {
        var pool = Pool.Create(2);
        var map = pool.MapAsync(TestJobs.Sleep, Enumerable.Repeat(200, 10_000), chunkSize: 1);
        var stream = pool.Imap(TestJobs.Sleep, Enumerable.Repeat(200, 10_000)).ToListAsync();

        var clock = Stopwatch.StartNew();
        pool.Terminate();
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Terminate took {clock.Elapsed}");
        await Assert.ThrowsAsync<PoolClosedException>(() => map.WaitAsync(TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAsync<PoolClosedException>(() => stream.WaitAsync(TimeSpan.FromSeconds(10)));
        await pool.JoinAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Terminate_fails_every_call_even_when_an_error_callback_throws()
    {
        var pool = Pool.Create(1);
        var calls = Enumerable.Range(0, 5)
            .Select(i => pool.ApplyAsync(TestJobs.Sleep, 200, errorCallback: _ => throw new InvalidOperationException($"error callback {i} broke")))
            .ToList();

        // The user's callback failing is the user's problem; it must not stop the pool from stopping.
        var terminate = Record.Exception(pool.Terminate);

        await Task.WhenAny(Task.WhenAll(calls)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(calls, call => Assert.True(call.IsFaulted, $"a call is still {call.Status} after Terminate"));
        await pool.JoinAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(terminate);
    }

    [Fact]
    public async Task Terminate_twice_and_Close_after_Terminate_are_harmless()
    {
        var pool = Pool.Create(1);

        pool.Terminate();
        pool.Terminate();
        pool.Close();

        await pool.JoinAsync().Within();
        await pool.DisposeAsync().AsTask().Within();
    }

    [Fact]
    public async Task Imap_started_before_Close_streams_to_its_end()
    {
        await using var lease = PoolLease.Create(2);
        var pool = lease.Pool;
        var results = new List<int>();

        // A lazy input longer than the stream's window: it is still being read when the pool closes.
        await using var stream = pool.Imap(TestJobs.Square, Enumerable.Range(0, 50)).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync().AsTask().Within());
        results.Add(stream.Current);
        pool.Close();
        while (await stream.MoveNextAsync().AsTask().Within())
        {
            results.Add(stream.Current);
        }

        // close() refuses new calls; a call made before it, imap included, runs to its end.
        Assert.Equal(Enumerable.Range(0, 50).Select(TestJobs.Square), results);
    }

    private static async Task AssertRefusesWork(Pool pool)
    {
        await Assert.ThrowsAsync<PoolClosedException>(() => Bounds.Blocking(() => pool.Apply(TestJobs.FortyTwo)));
        await Assert.ThrowsAsync<PoolClosedException>(() => Bounds.Blocking(() => pool.Apply(TestJobs.Square, 1)));
        await Assert.ThrowsAsync<PoolClosedException>(() => pool.ApplyAsync(TestJobs.FortyTwo).Within());
        await Assert.ThrowsAsync<PoolClosedException>(() => pool.ApplyAsync(TestJobs.Multiply, 1, 2).Within());
        await Assert.ThrowsAsync<PoolClosedException>(() => pool.ApplyAsync(TestJobs.Sum, 1, 2, 3).Within());
        await Assert.ThrowsAsync<PoolClosedException>(() => Bounds.Blocking(() => pool.Map(TestJobs.Square, [1, 2])));
        await Assert.ThrowsAsync<PoolClosedException>(() => pool.MapAsync(TestJobs.Square, [1, 2]).Within());
        await Assert.ThrowsAsync<PoolClosedException>(() => Bounds.Blocking(() => pool.StarMap(TestJobs.Multiply, [(1, 2)])));
        await Assert.ThrowsAsync<PoolClosedException>(() => pool.StarMapAsync(TestJobs.Sum, [(1, 2, 3)]).Within());
        // Streams refuse at the call, before anything is enumerated.
        Assert.Throws<PoolClosedException>(() => pool.Imap(TestJobs.Square, [1, 2]));
        Assert.Throws<PoolClosedException>(() => pool.ImapUnordered(TestJobs.Square, [1, 2]));
    }
}
