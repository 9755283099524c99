using Xunit;

namespace ActorPool.Tests;

/// <summary>
/// Every facade method runs each item once and answers once: its callback or its error callback, exactly one
/// of them, exactly once, as CPython's <c>apply_async</c> and <c>map_async</c> do.
/// </summary>
public sealed class CallbackSpec
{
    [Fact]
    public async Task Apply_runs_functions_of_zero_to_three_arguments()
    {
        await using var lease = PoolLease.Create(2);
        var pool = lease.Pool;
        var run = TestJobs.NewRun();

        Assert.Equal(42, await Bounds.Blocking(() => pool.Apply(TestJobs.FortyTwo)));
        Assert.Equal(100, await Bounds.Blocking(() => pool.Apply(TestJobs.Square, 10)));
        Assert.Equal(5, await Bounds.Blocking(() => pool.Apply(TestJobs.TallyPair, run, 5)));
        Assert.Equal(7, await Bounds.Blocking(() => pool.Apply(TestJobs.TallyTriple, run, 3, 4)));

        Assert.Equal(2, TestJobs.CallsOf(run));
    }

    [Fact]
    public async Task ApplyAsync_calls_its_callback_once_for_every_arity()
    {
        await using var lease = PoolLease.Create(2);
        var pool = lease.Pool;
        var run = TestJobs.NewRun();
        var callbacks = new Counter();
        var errors = new Counter();

        var results = await Task.WhenAll(
            pool.ApplyAsync(TestJobs.FortyTwo, callbacks.Of<int>(42), errors.OfError()),
            pool.ApplyAsync(TestJobs.Tally, new TallyItem(run, 1), callbacks.Of<int>(1), errors.OfError()),
            pool.ApplyAsync(TestJobs.TallyPair, run, 2, callbacks.Of<int>(2), errors.OfError()),
            pool.ApplyAsync(TestJobs.TallyTriple, run, 1, 2, callbacks.Of<int>(3), errors.OfError())).Within();
        await lease.DisposeAsync();

        Assert.Equal([42, 1, 2, 3], results);
        Assert.Equal(4, callbacks.Count);
        Assert.Equal(0, errors.Count);
        Assert.Equal(3, TestJobs.CallsOf(run));
    }

    [Fact]
    public async Task ApplyAsync_calls_its_error_callback_once_for_every_arity()
    {
        await using var lease = PoolLease.Create(2);
        var pool = lease.Pool;
        var callbacks = new Counter();
        var errors = new Counter();

        Task<int>[] calls =
        [
            pool.ApplyAsync(TestJobs.Boom, callbacks.Of<int>(), errors.OfError<PoolTaskException>()),
            pool.ApplyAsync(TestJobs.ThrowIfNegative, -1, callbacks.Of<int>(), errors.OfError<PoolTaskException>()),
            pool.ApplyAsync(TestJobs.Divide, 1, 0, callbacks.Of<int>(), errors.OfError<PoolTaskException>()),
            pool.ApplyAsync(TestJobs.Clamp, 1, 5, 0, callbacks.Of<int>(), errors.OfError<PoolTaskException>()),
        ];
        foreach (var call in calls)
        {
            await Assert.ThrowsAsync<PoolTaskException>(() => call.Within());
        }

        await lease.DisposeAsync();

        Assert.Equal(0, callbacks.Count);
        Assert.Equal(4, errors.Count);
    }

    [Fact]
    public async Task MapAsync_calls_its_callback_once_with_all_results()
    {
        await using var lease = PoolLease.Create(3);
        var run = TestJobs.NewRun();
        var callbacks = new Counter();
        var errors = new Counter();
        var items = Enumerable.Range(0, 40).Select(i => new TallyItem(run, i)).ToList();

        var results = await lease.Pool.MapAsync(TestJobs.Tally, items, chunkSize: 3,
            callback: callbacks.Of<IReadOnlyList<int>>(r => Assert.Equal(Enumerable.Range(0, 40), r)), errorCallback: errors.OfError()).Within();
        await lease.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 40), results);
        Assert.Equal(1, callbacks.Count);
        Assert.Equal(0, errors.Count);
        Assert.Equal(40, TestJobs.CallsOf(run));
    }

    [Fact]
    public async Task MapAsync_calls_its_error_callback_once_when_several_chunks_fail()
    {
        await using var lease = PoolLease.Create(3);
        var callbacks = new Counter();
        var errors = new Counter();
        int[] items = [1, -1, 2, -2, 3, -3, 4];

        await Assert.ThrowsAsync<PoolTaskException>(() => lease.Pool.MapAsync(TestJobs.ThrowIfNegative, items, chunkSize: 1,
            callback: callbacks.Of<IReadOnlyList<int>>(), errorCallback: errors.OfError<PoolTaskException>()).Within());
        await lease.DisposeAsync();

        Assert.Equal(0, callbacks.Count);
        Assert.Equal(1, errors.Count);
    }

    [Fact]
    public async Task StarMapAsync_calls_its_callback_once_for_two_and_three_arguments()
    {
        await using var lease = PoolLease.Create(2);
        var pool = lease.Pool;
        var run = TestJobs.NewRun();
        var callbacks = new Counter();
        var errors = new Counter();

        var pairs = await pool.StarMapAsync(TestJobs.TallyPair, Enumerable.Range(0, 10).Select(i => (run, i)), chunkSize: 2,
            callback: callbacks.Of<IReadOnlyList<int>>(), errorCallback: errors.OfError()).Within();
        var triples = await pool.StarMapAsync(TestJobs.TallyTriple, Enumerable.Range(0, 10).Select(i => (run, i, i)), chunkSize: 3,
            callback: callbacks.Of<IReadOnlyList<int>>(), errorCallback: errors.OfError()).Within();
        await lease.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 10), pairs);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => 2 * i), triples);
        Assert.Equal(2, callbacks.Count);
        Assert.Equal(0, errors.Count);
        Assert.Equal(20, TestJobs.CallsOf(run));
    }

    [Fact]
    public async Task StarMapAsync_calls_its_error_callback_once_for_two_and_three_arguments()
    {
        await using var lease = PoolLease.Create(2);
        var pool = lease.Pool;
        var callbacks = new Counter();
        var errors = new Counter();

        await Assert.ThrowsAsync<PoolTaskException>(() => pool.StarMapAsync(TestJobs.Divide, [(1, 1), (1, 0), (2, 0)], chunkSize: 1,
            callback: callbacks.Of<IReadOnlyList<int>>(), errorCallback: errors.OfError<PoolTaskException>()).Within());
        await Assert.ThrowsAsync<PoolTaskException>(() => pool.StarMapAsync(TestJobs.Clamp, [(1, 0, 2), (1, 2, 0)],
            callback: callbacks.Of<IReadOnlyList<int>>(), errorCallback: errors.OfError<PoolTaskException>()).Within());
        await lease.DisposeAsync();

        Assert.Equal(0, callbacks.Count);
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public async Task Map_and_StarMap_run_every_item_once()
    {
        await using var lease = PoolLease.Create(3);
        var pool = lease.Pool;
        var run = TestJobs.NewRun();

        var map = await Bounds.Blocking(() => pool.Map(TestJobs.Tally, Enumerable.Range(0, 25).Select(i => new TallyItem(run, i))));
        var pairs = await Bounds.Blocking(() => pool.StarMap(TestJobs.TallyPair, Enumerable.Range(0, 25).Select(i => (run, i))));
        var triples = await Bounds.Blocking(() => pool.StarMap(TestJobs.TallyTriple, Enumerable.Range(0, 25).Select(i => (run, i, 1))));

        Assert.Equal(Enumerable.Range(0, 25), map);
        Assert.Equal(Enumerable.Range(0, 25), pairs);
        Assert.Equal(Enumerable.Range(1, 25), triples);
        Assert.Equal(75, TestJobs.CallsOf(run));
    }

    [Fact]
    public async Task Imap_and_ImapUnordered_run_every_item_once()
    {
        await using var lease = PoolLease.Create(3);
        var pool = lease.Pool;
        var run = TestJobs.NewRun();

        var ordered = await pool.Imap(TestJobs.Tally, Enumerable.Range(0, 30).Select(i => new TallyItem(run, i))).ToListAsync();
        var unordered = await pool.ImapUnordered(TestJobs.Tally, Enumerable.Range(0, 30).Select(i => new TallyItem(run, i)), chunkSize: 4).ToListAsync();

        Assert.Equal(Enumerable.Range(0, 30), ordered);
        Assert.Equal(Enumerable.Range(0, 30), unordered.Order());
        Assert.Equal(60, TestJobs.CallsOf(run));
    }

    [Fact]
    public async Task Callbacks_run_before_the_task_completes()
    {
        await using var lease = PoolLease.Create(1);
        var applyTask = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        var mapTask = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        var failTask = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool? applyDoneInCallback = null, mapDoneInCallback = null, failDoneInCallback = null;

        // Each callback waits (bounded) to be handed its own task, then looks at it.
        var apply = lease.Pool.ApplyAsync(TestJobs.Square, 2, callback: _ => applyDoneInCallback = CompletedWhenCalled(applyTask));
        var map = lease.Pool.MapAsync(TestJobs.Square, [1, 2], callback: _ => mapDoneInCallback = CompletedWhenCalled(mapTask));
        var fail = lease.Pool.ApplyAsync(TestJobs.Boom, errorCallback: _ => failDoneInCallback = CompletedWhenCalled(failTask));
        applyTask.SetResult(apply);
        mapTask.SetResult(map);
        failTask.SetResult(fail);

        await apply.Within();
        await map.Within();
        await Assert.ThrowsAsync<PoolTaskException>(() => fail.Within());
        Assert.False(applyDoneInCallback);
        Assert.False(mapDoneInCallback);
        Assert.False(failDoneInCallback);
    }

    private static bool CompletedWhenCalled(TaskCompletionSource<Task> handOver) =>
        handOver.Task.Wait(Bounds.Call) ? handOver.Task.Result.IsCompleted : throw new TimeoutException("the task was never handed over");

    /// <summary>Counts callback calls from any thread, and checks what each call received.</summary>
    private sealed class Counter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Action<T> Of<T>() => _ => Interlocked.Increment(ref _count);

        public Action<T> Of<T>(T expected) => value =>
        {
            Assert.Equal(expected, value);
            Interlocked.Increment(ref _count);
        };

        public Action<T> Of<T>(Action<T> check) => value =>
        {
            check(value);
            Interlocked.Increment(ref _count);
        };

        public Action<Exception> OfError() => _ => Interlocked.Increment(ref _count);

        public Action<Exception> OfError<TException>() where TException : Exception => error =>
        {
            Assert.IsType<TException>(error);
            Interlocked.Increment(ref _count);
        };
    }
}
