using System.Collections;
using System.Threading.Channels;

namespace ActorPool.Internal;

/// <summary>One event of a streamed map segment: values, the end, or a failure.</summary>
internal readonly record struct StreamEvent<T>(long Segment, T[]? Values, Exception? Failure)
{
    public bool IsEnd => Values is null && Failure is null;
}

/// <summary>
/// A streamed map segment: writes its parts, then its end or failure, to the stream's channel. Each item is written
/// once: a segment sent again (its serving node was lost after streaming part of it) streams from its first item
/// again, and the items already written are skipped.
/// </summary>
/// <param name="writer">The stream's channel.</param>
/// <param name="items">The segment's items.</param>
/// <param name="ordered">Parts come as the ordered prefix grows (<c>Imap</c>), or a chunk at a time in any order.</param>
/// <param name="progress">The stream's reporter, if its caller asked for progress: every segment reports into it.</param>
internal sealed class StreamCall<T>(ChannelWriter<StreamEvent<T>> writer, int items, bool ordered, ProgressReporter? progress = null) : PendingCall
{
    /// <summary>Ordered: the items [0, _next) are written.</summary>
    private int _next;

    /// <summary>Unordered: which items are written; made when the first part comes.</summary>
    private BitArray? _written;

    public override void Deliver(object message)
    {
        try
        {
            Write(message);
        }
        catch (Exception ex)
        {
            // A part that cannot become the stream's type fails the stream; it must not vanish.
            writer.TryWrite(new StreamEvent<T>(Id, null, new PoolPayloadException($"A streamed result could not be read as {typeof(T).Name}: {ex.Message}", ex)));
        }
    }

    private void Write(object message)
    {
        switch (message)
        {
            case MapPart part:
                WriteNew(part.StartIndex, part.Values as T[] ?? TypedItems.ToArray<T>(TypedItems.Wrap(part.Values)));
                break;
            case MapResult result:
                // A streamed request ends with an empty result; one answered whole (by a router that streams
                // nothing) still yields its values rather than ending empty.
                if (result.Values.Count > 0)
                {
                    WriteNew(0, TypedItems.ToArray<T>(result.Values));
                }

                progress?.Settle(Id);
                writer.TryWrite(new StreamEvent<T>(Id, null, null));
                break;
        }
    }

    /// <summary>Writes the values for the items from <paramref name="start"/> on that are not written yet.</summary>
    private void WriteNew(int start, T[] values)
    {
        var fresh = ordered ? SkipWritten(start, values) : KeepUnwritten(start, values);
        if (fresh.Length > 0)
        {
            writer.TryWrite(new StreamEvent<T>(Id, fresh, null));
        }
    }

    /// <summary>An ordered segment streams its prefix: a part sent again overlaps the written prefix from its start.</summary>
    private T[] SkipWritten(int start, T[] values)
    {
        if (start > _next)
        {
            // Each attempt streams its prefix in order, so this cannot happen; yielding it would put results out of order.
            writer.TryWrite(new StreamEvent<T>(Id, null, new PoolException(
                $"The results of a streamed segment from item {start} on arrived before those from item {_next}; the stream stops rather than yield them out of order.")));
            return [];
        }

        var end = start + values.Length;
        if (end <= _next)
        {
            return [];
        }

        var fresh = start == _next ? values : values[(_next - start)..];
        _next = end;
        return fresh;
    }

    /// <summary>An unordered segment streams whole chunks in any order: keeps the items no part has brought yet.</summary>
    private T[] KeepUnwritten(int start, T[] values)
    {
        _written ??= new BitArray(items);
        var seen = 0;
        for (var i = 0; i < values.Length; i++)
        {
            seen += _written[start + i] ? 1 : 0;
        }

        var fresh = seen == 0 ? values : new T[values.Length - seen];
        for (int i = 0, kept = 0; i < values.Length; i++)
        {
            if (!_written[start + i])
            {
                _written[start + i] = true;
                if (seen > 0)
                {
                    fresh[kept++] = values[i];
                }
            }
        }

        return fresh;
    }

    public override void Progress(MapProgress report) => progress?.Report(report);

    public override void Fail(Exception failure)
    {
        progress?.Settle(Id);
        writer.TryWrite(new StreamEvent<T>(Id, null, failure));
    }
}
