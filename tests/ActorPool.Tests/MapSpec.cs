using Xunit;

namespace ActorPool.Tests;

/// <summary>Map, MapAsync, StarMap and StarMapAsync: results in input order, empty inputs, chunk sizes, input failures.</summary>
public sealed class MapSpec
{
    [Fact]
    public async Task Map_keeps_input_order_when_chunks_finish_out_of_order()
    {
        await using var lease = PoolLease.Create(4);
        // Later items sleep less, so they finish first.
        var sleeps = Enumerable.Range(0, 24).Select(i => (24 - i) * 3).ToList();

        var results = await Bounds.Blocking(() => lease.Pool.Map(TestJobs.Sleep, sleeps, chunkSize: 1));

        Assert.Equal(sleeps, results);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(100)]
    public async Task MapAsync_gives_the_sequential_results_for_any_chunk_size(int chunkSize)
    {
        await using var lease = PoolLease.Create(3);
        var items = Enumerable.Range(-10, 50).ToList();

        var results = await lease.Pool.MapAsync(TestJobs.Square, items, chunkSize).Within();

        Assert.Equal(items.Select(TestJobs.Square), results);
    }

    [Fact]
    public async Task Map_with_the_default_chunk_size_gives_the_sequential_results()
    {
        await using var lease = PoolLease.Create(2);
        var items = Enumerable.Range(0, 1001).ToList();

        var results = await Bounds.Blocking(() => lease.Pool.Map(TestJobs.Square, items));

        Assert.Equal(items.Select(TestJobs.Square), results);
    }

    [Fact]
    public async Task StarMap_calls_the_function_with_the_values_of_each_tuple()
    {
        await using var lease = PoolLease.Create(2);

        var products = await Bounds.Blocking(() => lease.Pool.StarMap(TestJobs.Multiply, [(1, 2), (3, 4), (5, 6)]));
        var sums = await Bounds.Blocking(() => lease.Pool.StarMap(TestJobs.Sum, [(1, 2, 3), (4, 5, 6)], chunkSize: 1));
        var asyncProducts = await lease.Pool.StarMapAsync(TestJobs.Multiply, [(7, 8)]).Within();
        var asyncSums = await lease.Pool.StarMapAsync(TestJobs.Sum, [(1, 1, 1), (2, 2, 2), (3, 3, 3)], chunkSize: 2).Within();

        Assert.Equal([2, 12, 30], products);
        Assert.Equal([6, 15], sums);
        Assert.Equal([56], asyncProducts);
        Assert.Equal([3, 6, 9], asyncSums);
    }

    [Fact]
    public async Task Empty_input_gives_an_empty_result_for_every_map()
    {
        await using var lease = PoolLease.Create(2);
        var pool = lease.Pool;

        Assert.Empty(await Bounds.Blocking(() => pool.Map(TestJobs.Square, Array.Empty<int>())));
        Assert.Empty(await Bounds.Blocking(() => pool.StarMap(TestJobs.Multiply, Array.Empty<(int, int)>())));
        Assert.Empty(await Bounds.Blocking(() => pool.StarMap(TestJobs.Sum, Array.Empty<(int, int, int)>())));

        // At once: the tasks are complete before anything is awaited.
        var map = pool.MapAsync(TestJobs.Square, Array.Empty<int>());
        var starMap = pool.StarMapAsync(TestJobs.Multiply, Array.Empty<(int, int)>());
        var starMap3 = pool.StarMapAsync(TestJobs.Sum, Array.Empty<(int, int, int)>());
        Assert.True(map.IsCompletedSuccessfully);
        Assert.True(starMap.IsCompletedSuccessfully);
        Assert.True(starMap3.IsCompletedSuccessfully);
        Assert.Empty(await map);
        Assert.Empty(await starMap);
        Assert.Empty(await starMap3);

        Assert.Empty(await pool.Imap(TestJobs.Square, Array.Empty<int>()).ToListAsync());
        Assert.Empty(await pool.ImapUnordered(TestJobs.Square, Array.Empty<int>()).ToListAsync());
    }

    [Fact]
    public async Task Empty_input_calls_the_callback_once_with_an_empty_result()
    {
        await using var lease = PoolLease.Create(1);
        var calls = 0;
        var errors = 0;
        IReadOnlyList<int>? seen = null;

        await lease.Pool.MapAsync(TestJobs.Square, Array.Empty<int>(), callback: r => { seen = r; Interlocked.Increment(ref calls); },
            errorCallback: _ => Interlocked.Increment(ref errors)).Within();

        Assert.Equal(1, calls);
        Assert.Equal(0, errors);
        Assert.NotNull(seen);
        Assert.Empty(seen);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Map_rejects_a_chunk_size_below_one(int chunkSize)
    {
        await using var lease = PoolLease.Create(1);
        var pool = lease.Pool;

        var map = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Bounds.Blocking(() => pool.Map(TestJobs.Square, [1, 2], chunkSize)));
        var mapAsync = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pool.MapAsync(TestJobs.Square, [1, 2], chunkSize).Within());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Bounds.Blocking(() => pool.StarMap(TestJobs.Multiply, [(1, 2)], chunkSize)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pool.StarMapAsync(TestJobs.Sum, [(1, 2, 3)], chunkSize).Within());

        Assert.Equal("chunkSize", map.ParamName);
        Assert.Equal("chunkSize", mapAsync.ParamName);
    }

    [Fact]
    public async Task Map_without_fail_fast_runs_every_chunk_before_reporting_the_first_failure()
    {
        await using var lease = PoolLease.Create(2);
        var run = TestJobs.NewRun();
        // Item 0 fails at once; the rest take a while, so a fail-fast map would report before they ran.
        var items = Enumerable.Range(0, 20).Select(i => new TallyItem(run, i, SleepMs: i == 0 ? 0 : 20, Fail: i == 0)).ToList();
        var errors = new List<Exception>();

        var failure = await Assert.ThrowsAsync<PoolTaskException>(() =>
            lease.Pool.MapAsync(TestJobs.Tally, items, chunkSize: 1, errorCallback: e => { lock (errors) { errors.Add(e); } }).Within());

        Assert.Equal(20, TestJobs.CallsOf(run));
        Assert.Equal(0, failure.ItemIndex);
        var reported = Assert.Single(errors);
        Assert.Same(failure, reported);
    }

    [Fact]
    public async Task Map_reports_the_first_failure_when_several_items_fail()
    {
        await using var lease = PoolLease.Create(1);
        var run = TestJobs.NewRun();
        var items = Enumerable.Range(0, 10).Select(i => new TallyItem(run, i, Fail: i is 3 or 6)).ToList();

        var failure = await Assert.ThrowsAsync<PoolTaskException>(() => Bounds.Blocking(() => lease.Pool.Map(TestJobs.Tally, items, chunkSize: 1)));

        Assert.Equal(3, failure.ItemIndex);
        Assert.Equal(10, TestJobs.CallsOf(run));
    }

    [Fact]
    public async Task An_input_that_throws_surfaces_as_itself_and_the_pool_stays_usable()
    {
        await using var lease = PoolLease.Create(2);
        var pool = lease.Pool;

        await Assert.ThrowsAsync<InputFailedException>(() => Bounds.Blocking(() => pool.Map(TestJobs.Square, Inputs.ThrowingAfter(5))));
        await Assert.ThrowsAsync<InputFailedException>(() => pool.MapAsync(TestJobs.Square, Inputs.ThrowingAfter(5)).Within());
        await Assert.ThrowsAsync<InputFailedException>(() =>
            Bounds.Blocking(() => pool.StarMap(TestJobs.Multiply, Inputs.ThrowingAfter(3).Select(i => (i, i)))));
        await Assert.ThrowsAsync<InputFailedException>(() =>
            pool.StarMapAsync(TestJobs.Sum, Inputs.ThrowingAfter(3).Select(i => (i, i, i))).Within());

        Assert.Equal([0, 1, 4, 9], await Bounds.Blocking(() => pool.Map(TestJobs.Square, [0, 1, 2, 3])));
        Assert.Equal(49, await pool.ApplyAsync(TestJobs.Square, 7).Within());
    }

    [Fact]
    public async Task Map_runs_a_function_named_by_attribute()
    {
        await using var lease = PoolLease.Create(2);

        var cubes = await lease.Pool.MapAsync(TestJobs.Cube, [1, 2, 3]).Within();

        Assert.Equal([1, 8, 27], cubes);
    }

    [Fact]
    public async Task Map_reads_its_input_once()
    {
        await using var lease = PoolLease.Create(2);
        var input = new CountingEnumerable(Enumerable.Range(0, 10));

        var results = await lease.Pool.MapAsync(TestJobs.Square, input, chunkSize: 3).Within();

        Assert.Equal(Enumerable.Range(0, 10).Select(TestJobs.Square), results);
        Assert.Equal(1, input.Enumerations);
    }

    [Fact]
    public async Task Concurrent_maps_from_many_threads_each_get_their_own_results()
    {
        await using var lease = PoolLease.Create(3);

        var maps = Enumerable.Range(0, 16)
            .Select(n => Task.Run(() => lease.Pool.MapAsync(TestJobs.Square, Enumerable.Range(n * 100, 50 + n), chunkSize: 1 + (n % 4))))
            .ToList();
        var results = await Task.WhenAll(maps).Within();

        for (var n = 0; n < results.Length; n++)
        {
            Assert.Equal(Enumerable.Range(n * 100, 50 + n).Select(TestJobs.Square), results[n]);
        }
    }

    [Fact]
    public async Task A_later_call_is_not_stuck_behind_a_long_map()
    {
        var pool = Pool.Create(2);
        try
        {
            // Twenty seconds of work for two workers, dealt a few chunks at a time.
            var longMap = pool.MapAsync(TestJobs.Sleep, Enumerable.Repeat(40, 1000), chunkSize: 1);

            Assert.Equal(9, await pool.ApplyAsync(TestJobs.Square, 3).Within());

            Assert.False(longMap.IsCompleted);
        }
        finally
        {
            pool.Terminate();
        }
    }

    /// <summary>An input that counts how often it is enumerated.</summary>
    private sealed class CountingEnumerable(IEnumerable<int> items) : IEnumerable<int>
    {
        private int _enumerations;

        public int Enumerations => Volatile.Read(ref _enumerations);

        public IEnumerator<int> GetEnumerator()
        {
            Interlocked.Increment(ref _enumerations);
            return items.GetEnumerator();
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
