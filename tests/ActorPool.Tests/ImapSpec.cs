using Xunit;

namespace ActorPool.Tests;

/// <summary>Imap and ImapUnordered: lazy streams of results, in input order or as they complete.</summary>
public sealed class ImapSpec
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(1000)]
    public async Task Imap_streams_the_sequential_results_in_input_order(int chunkSize)
    {
        await using var lease = PoolLease.Create(3);
        var items = Enumerable.Range(-20, 101).ToList();

        var results = await lease.Pool.Imap(TestJobs.Square, items, chunkSize).ToListAsync();

        Assert.Equal(items.Select(TestJobs.Square), results);
    }

    [Fact]
    public async Task Imap_keeps_input_order_when_chunks_finish_out_of_order()
    {
        await using var lease = PoolLease.Create(4);
        var sleeps = Enumerable.Range(0, 24).Select(i => (24 - i) * 3).ToList();

        var results = await lease.Pool.Imap(TestJobs.Sleep, sleeps).ToListAsync();

        Assert.Equal(sleeps, results);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public async Task ImapUnordered_gives_the_same_results_in_some_order(int chunkSize)
    {
        await using var lease = PoolLease.Create(3);
        var items = Enumerable.Range(0, 60).Select(i => (60 - i) % 7).ToList();

        var results = await lease.Pool.ImapUnordered(TestJobs.Sleep, items, chunkSize).ToListAsync();

        Assert.Equal(items.Order(), results.Order());
    }

    [Fact]
    public async Task ImapUnordered_yields_a_fast_item_before_a_slow_one()
    {
        await using var lease = PoolLease.Create(2);

        var results = await lease.Pool.ImapUnordered(TestJobs.Sleep, [600, 1]).ToListAsync();

        Assert.Equal([1, 600], results);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public async Task A_chunk_size_below_one_is_rejected_when_the_stream_is_asked_for(int chunkSize)
    {
        await using var lease = PoolLease.Create(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => lease.Pool.Imap(TestJobs.Square, [1, 2, 3], chunkSize));
        Assert.Throws<ArgumentOutOfRangeException>(() => lease.Pool.ImapUnordered(TestJobs.Square, [1, 2, 3], chunkSize));
    }

    [Fact]
    public async Task Imap_yields_the_results_before_an_input_failure_then_throws_it_as_itself()
    {
        await using var lease = PoolLease.Create(2);
        var seen = new List<int>();

        await Assert.ThrowsAsync<InputFailedException>(() => lease.Pool.Imap(TestJobs.Square, Inputs.ThrowingAfter(7)).CollectInto(seen));

        Assert.Equal([0, 1, 4, 9, 16, 25, 36], seen);
        Assert.Equal([0, 1, 4], await lease.Pool.Imap(TestJobs.Square, [0, 1, 2]).ToListAsync());
    }

    [Fact]
    public async Task ImapUnordered_yields_the_results_before_an_input_failure_then_throws_it_as_itself()
    {
        await using var lease = PoolLease.Create(2);
        var seen = new List<int>();

        await Assert.ThrowsAsync<InputFailedException>(() =>
            lease.Pool.ImapUnordered(TestJobs.Square, Inputs.ThrowingAfter(7), chunkSize: 2).CollectInto(seen));

        Assert.Equal([0, 1, 4, 9, 16, 25, 36], seen.Order());
        Assert.Equal(4, await lease.Pool.ApplyAsync(TestJobs.Square, 2).Within());
    }

    [Fact]
    public async Task Imap_yields_the_results_before_a_failing_item_then_throws_its_failure()
    {
        await using var lease = PoolLease.Create(2);
        var seen = new List<int>();
        int[] items = [0, 1, 2, 3, -4, 5, 6];

        var failure = await Assert.ThrowsAsync<PoolTaskException>(() => lease.Pool.Imap(TestJobs.ThrowIfNegative, items).CollectInto(seen));

        Assert.Equal([0, 1, 2, 3], seen);
        Assert.Equal("negative item -4", failure.OriginalMessage);
    }

    [Fact]
    public async Task Imap_reads_its_input_lazily()
    {
        await using var lease = PoolLease.Create(2);
        var read = 0;
        IEnumerable<int> Endless()
        {
            for (var i = 0; ; i++)
            {
                Interlocked.Increment(ref read);
                yield return i;
            }
        }

        var first = new List<int>();
        await foreach (var value in lease.Pool.Imap(TestJobs.Square, Endless()).WithCancellation(CancellationToken.None))
        {
            first.Add(value);
            if (first.Count == 10)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(TestJobs.Square), first);
        // A bounded window ahead of the consumer, not the whole (endless) input.
        Assert.InRange(Volatile.Read(ref read), 10, 1000);
    }

    [Fact]
    public async Task A_consumer_that_stops_early_leaves_the_pool_usable_and_joinable()
    {
        await using var lease = PoolLease.Create(2);

        await foreach (var value in lease.Pool.ImapUnordered(TestJobs.Sleep, Enumerable.Repeat(20, 200)))
        {
            Assert.Equal(20, value);
            break;
        }

        Assert.Equal(9, await lease.Pool.ApplyAsync(TestJobs.Square, 3).Within());
        lease.Pool.Close();
        await lease.Pool.JoinAsync().Within();
    }

    [Fact]
    public async Task Imap_by_wire_name_converts_loosely_typed_items()
    {
        await using var lease = PoolLease.Create(2);

        var results = await lease.Pool.Imap(TestJobs.WireName(nameof(TestJobs.Square)), new object?[] { 1, "2", 3L }).ToListAsync();

        Assert.Equal(new object?[] { 1, 4, 9 }, results);
    }
}
