using System.Threading.Channels;

namespace ActorPool.Internal;

/// <summary>One event of a streamed map segment: values, the end, or a failure.</summary>
internal readonly record struct StreamEvent<T>(long Segment, T[]? Values, Exception? Failure)
{
    public bool IsEnd => Values is null && Failure is null;
}

/// <summary>A streamed map segment: writes its parts, then its end or failure, to the stream's channel.</summary>
internal sealed class StreamCall<T>(ChannelWriter<StreamEvent<T>> writer) : PendingCall
{
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
                writer.TryWrite(new StreamEvent<T>(Id, part.Values as T[] ?? TypedItems.ToArray<T>(TypedItems.Wrap(part.Values)), null));
                break;
            case MapResult result:
                // A streamed request ends with an empty result; one answered whole (by a router that streams
                // nothing) still yields its values rather than ending empty.
                if (result.Values.Count > 0)
                {
                    writer.TryWrite(new StreamEvent<T>(Id, TypedItems.ToArray<T>(result.Values), null));
                }

                writer.TryWrite(new StreamEvent<T>(Id, null, null));
                break;
        }
    }

    public override void Fail(Exception failure) => writer.TryWrite(new StreamEvent<T>(Id, null, failure));
}
