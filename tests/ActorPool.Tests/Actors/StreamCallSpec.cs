using System.Threading.Channels;
using ActorPool.Internal;
using Xunit;

namespace ActorPool.Tests.Actors;

/// <summary>
/// <see cref="StreamCall{T}"/> on its own: a segment sent again after its serving node was lost streams from its
/// first item again, and no item reaches the stream twice, ordered or not.
/// </summary>
public sealed class StreamCallSpec
{
    private readonly Channel<StreamEvent<int>> _events = Channel.CreateUnbounded<StreamEvent<int>>();
    private readonly List<StreamEvent<int>> _seen = [];

    [Fact]
    public void An_ordered_segment_streamed_again_yields_only_the_items_after_its_written_prefix()
    {
        var call = new StreamCall<int>(_events.Writer, items: 6, ordered: true);

        call.Deliver(new MapPart(1, 0, new[] { 0, 1 }));
        call.Deliver(new MapPart(1, 2, new[] { 2, 3 }));
        // The node was lost; the segment runs again from its start, in other chunks.
        call.Deliver(new MapPart(1, 0, new[] { 0, 1, 2 }));
        call.Deliver(new MapPart(1, 3, new[] { 3, 4, 5 }));
        call.Deliver(new MapResult(1, Array.Empty<object?>()));

        Assert.Equal([0, 1, 2, 3, 4, 5], Values());
        Assert.True(Last().IsEnd);
    }

    [Fact]
    public void An_unordered_segment_streamed_again_yields_only_the_items_no_part_brought()
    {
        var call = new StreamCall<int>(_events.Writer, items: 6, ordered: false);

        call.Deliver(new MapPart(1, 4, new[] { 4, 5 }));
        call.Deliver(new MapPart(1, 0, new[] { 0, 1 }));
        call.Deliver(new MapPart(1, 2, new[] { 2, 3 }));
        call.Deliver(new MapPart(1, 4, new[] { 4, 5 }));
        call.Deliver(new MapPart(1, 0, new[] { 0, 1 }));

        Assert.Equal([0, 1, 2, 3, 4, 5], Values().Order());
    }

    [Fact]
    public void An_ordered_part_that_skips_items_fails_the_stream_instead_of_yielding_out_of_order()
    {
        var call = new StreamCall<int>(_events.Writer, items: 6, ordered: true);

        call.Deliver(new MapPart(1, 0, new[] { 0, 1 }));
        call.Deliver(new MapPart(1, 4, new[] { 4, 5 }));

        Assert.Equal([0, 1], Values());
        Assert.IsType<PoolException>(Last().Failure);
    }

    private List<int> Values()
    {
        var values = new List<int>();
        foreach (var e in Drain())
        {
            values.AddRange(e.Values ?? []);
        }

        return values;
    }

    private StreamEvent<int> Last() => Drain().Last();

    private List<StreamEvent<int>> Drain()
    {
        while (_events.Reader.TryRead(out var next))
        {
            _seen.Add(next);
        }

        return _seen;
    }
}
