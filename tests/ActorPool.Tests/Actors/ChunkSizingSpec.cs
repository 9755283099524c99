using ActorPool.Internal;
using Xunit;

namespace ActorPool.Tests.Actors;

/// <summary><see cref="ChunkSizing"/>: CPython's default chunk size, capped for chunks bound for another node.</summary>
public sealed class ChunkSizingSpec
{
    private const int Budget = 1_000_000;

    [Theory]
    [InlineData(100, 4, 7)]      // ceil(100 / 16)
    [InlineData(16, 4, 1)]       // exactly one per slot
    [InlineData(17, 4, 2)]       // one more item rounds up
    [InlineData(1, 8, 1)]        // never below 1
    [InlineData(10_000, 1, 2_500)]
    [InlineData(40, 0, 10)]      // no workers known yet: sized as for one
    public void The_default_follows_CPython_ceil_of_items_over_four_times_workers(int items, int workers, int expected) =>
        Assert.Equal(expected, ChunkSizing.Default(items, workers, remoteBytesPerItem: null, Budget));

    [Fact]
    public void Chunks_for_another_node_are_capped_to_fill_half_the_frame_budget()
    {
        // CPython's rule gives 250; 1,000-byte items fill half of a 100,000-byte budget at 50.
        Assert.Equal(50, ChunkSizing.Default(1_000, 1, remoteBytesPerItem: 1_000, budget: 100_000));
    }

    [Fact]
    public void The_cap_only_lowers_the_size()
    {
        Assert.Equal(7, ChunkSizing.Default(100, 4, remoteBytesPerItem: 8, Budget));
    }

    [Theory]
    [InlineData(1_000.0, 100_000, 50)]
    [InlineData(3.0, 1_000, 166)]
    [InlineData(1e9, 1_000, 1)]     // one item larger than the budget still makes a chunk of one
    [InlineData(0.0, 1_000, 500)]   // an estimate of zero counts as one byte
    public void FitInFrame_is_half_the_budget_over_the_item_size_and_at_least_one(double bytesPerItem, int budget, int expected) =>
        Assert.Equal(expected, ChunkSizing.FitInFrame(bytesPerItem, budget));
}
