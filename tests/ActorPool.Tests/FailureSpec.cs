using Xunit;

namespace ActorPool.Tests;

/// <summary>What a <see cref="PoolTaskException"/> tells about the item that failed, and that a failure never breaks the pool.</summary>
public sealed class FailureSpec
{
    [Fact]
    public async Task A_failing_item_names_its_type_message_index_and_stack()
    {
        await using var lease = PoolLease.Create(2);
        int[] items = [0, 1, 2, 3, 4, 5, 6, -7, 8, 9];

        var failure = await Assert.ThrowsAsync<PoolTaskException>(() => lease.Pool.MapAsync(TestJobs.ThrowIfNegative, items, chunkSize: 3).Within());

        Assert.Equal("System.InvalidOperationException", failure.OriginalType);
        Assert.Equal("negative item -7", failure.OriginalMessage);
        Assert.Equal(7, failure.ItemIndex);
        Assert.Equal(TestJobs.WireName(nameof(TestJobs.ThrowIfNegative)), failure.Function);
        Assert.Contains(nameof(TestJobs.ThrowIfNegative), failure.RemoteStackTrace);
        Assert.Contains("negative item -7", failure.Message);
        var inner = Assert.IsType<InvalidOperationException>(failure.InnerException);
        Assert.Equal("negative item -7", inner.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(50)]
    public async Task ItemIndex_is_the_index_in_the_whole_input_for_any_chunk_size(int chunkSize)
    {
        await using var lease = PoolLease.Create(3);
        var items = Enumerable.Range(0, 50).Select(i => i == 33 ? -1 : i).ToList();

        var failure = await Assert.ThrowsAsync<PoolTaskException>(() =>
            Bounds.Blocking(() => lease.Pool.Map(TestJobs.ThrowIfNegative, items, chunkSize)));

        Assert.Equal(33, failure.ItemIndex);
    }

    [Fact]
    public async Task ItemIndex_of_a_stream_is_the_index_in_the_whole_input()
    {
        await using var lease = PoolLease.Create(2);
        var items = Enumerable.Range(0, 30).Select(i => i == 21 ? -1 : i).ToList();

        var ordered = await Assert.ThrowsAsync<PoolTaskException>(() => lease.Pool.Imap(TestJobs.ThrowIfNegative, items).ToListAsync());
        var unordered = await Assert.ThrowsAsync<PoolTaskException>(() => lease.Pool.ImapUnordered(TestJobs.ThrowIfNegative, items).ToListAsync());

        Assert.Equal(21, ordered.ItemIndex);
        Assert.Equal(21, unordered.ItemIndex);
    }

    [Fact]
    public async Task Apply_failures_carry_the_exception_the_function_threw()
    {
        await using var lease = PoolLease.Create(1);
        var pool = lease.Pool;

        var divide = await Assert.ThrowsAsync<PoolTaskException>(() => pool.ApplyAsync(TestJobs.Divide, 1, 0).Within());
        var boom = await Assert.ThrowsAsync<PoolTaskException>(() => Bounds.Blocking(() => pool.Apply(TestJobs.Boom)));
        var clamp = await Assert.ThrowsAsync<PoolTaskException>(() => pool.ApplyAsync(TestJobs.Clamp, 1, 3, 2).Within());

        Assert.Equal("System.DivideByZeroException", divide.OriginalType);
        Assert.IsType<DivideByZeroException>(divide.InnerException);
        Assert.Equal(0, divide.ItemIndex);
        Assert.Equal("boom", boom.OriginalMessage);
        Assert.Contains(nameof(TestJobs.Boom), boom.RemoteStackTrace);
        Assert.Equal("System.ArgumentException", clamp.OriginalType);
    }

    [Fact]
    public async Task A_failing_closure_is_reported_like_a_pool_function()
    {
        await using var lease = PoolLease.Create(1);

        var failure = await Assert.ThrowsAsync<PoolTaskException>(() =>
            lease.Pool.MapAsync<int, int>(x => x == 2 ? throw new FormatException("two") : x, [0, 1, 2, 3]).Within());

        Assert.Equal("System.FormatException", failure.OriginalType);
        Assert.Equal(2, failure.ItemIndex);
        Assert.IsType<FormatException>(failure.InnerException);
    }

    [Fact]
    public async Task A_worker_survives_any_number_of_failures()
    {
        await using var lease = PoolLease.Create(1);
        var pool = lease.Pool;
        var before = await pool.ApplyAsync(TestJobs.WorkerId).Within();

        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<PoolTaskException>(() => pool.ApplyAsync(TestJobs.Boom).Within());
        }

        Assert.Equal(before, await pool.ApplyAsync(TestJobs.WorkerId).Within());
        Assert.Equal([0, 1, 4], await pool.MapAsync(TestJobs.Square, [0, 1, 2]).Within());
    }
}
