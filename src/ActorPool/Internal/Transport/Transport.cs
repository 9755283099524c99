using ActorPool.Serialization;
using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>What the actors need to know about messages that leave this process.</summary>
internal static class Remoting
{
    /// <summary>Whether messages to <paramref name="actor"/> leave this actor system (and so get serialized).</summary>
    public static bool IsRemote(IActorRef actor, ActorSystem system) =>
        actor.Path.Address.HasGlobalScope && !actor.Path.Address.Equals(((ExtendedActorSystem)system).Provider.DefaultAddress);

    /// <summary>Encodes items [offset, offset + count) as the serializer will, so failures and sizes are known before sending.</summary>
    public static byte[] Encode(Array items, int offset, int count)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            PayloadCodec.WriteArray(writer, items, offset, count);
        }

        return stream.ToArray();
    }

    /// <summary>
    /// Splits values into consecutive parts whose encoding fits in <paramref name="maxBytes"/>, by their actual
    /// encoded size (one huge value among small ones gets a part of its own). Throws <see cref="NotSupportedException"/>
    /// when a single value is too large or cannot cross at all. Each part comes with its encoding.
    /// </summary>
    public static IReadOnlyList<(int Offset, int Length, byte[] Encoded)> Split(Array values, int maxBytes, string function)
    {
        var parts = new List<(int, int, byte[])>();
        var pending = new Stack<(int Offset, int Length)>();
        pending.Push((0, values.Length));
        while (pending.TryPop(out var range))
        {
            var encoded = Encode(values, range.Offset, range.Length);
            if (range.Length == 0 || encoded.Length <= maxBytes)
            {
                // Kept, so the serializer sends these bytes instead of encoding the values again.
                parts.Add((range.Offset, range.Length, encoded));
            }
            else if (range.Length == 1)
            {
                throw new NotSupportedException(
                    $"A value of '{function}' takes more than actorpool.max-remote-payload-bytes ({maxBytes:N0} bytes) and cannot be sent to another node. " +
                    "Return smaller values, or raise that setting together with akka.remote.dot-netty.tcp.maximum-frame-size.");
            }
            else
            {
                // The second half first, so parts come off the stack in order.
                var half = range.Length / 2;
                pending.Push((range.Offset + half, range.Length - half));
                pending.Push((range.Offset, half));
            }
        }

        return parts;
    }

    /// <summary>Items [offset, offset + length) as an array of their own.</summary>
    public static Array Slice(Array values, int offset, int length)
    {
        var slice = Array.CreateInstance(values.GetType().GetElementType()!, length);
        Array.Copy(values, offset, slice, 0, length);
        return slice;
    }

    /// <summary>Encoded bytes per item, measured on the first items; primitive arrays are exact.</summary>
    public static double BytesPerItem(Array items)
    {
        var sample = Math.Min(items.Length, 64);
        try
        {
            return sample == 0 ? 1 : Math.Max(1.0, Encode(items, 0, sample).Length / (double)sample);
        }
        catch (NotSupportedException)
        {
            // Sending the chunk will fail its call with this error; sizing need not.
            return 1;
        }
    }

    /// <summary>
    /// The exception as it may travel to another node: the original user exception is dropped (its type may not
    /// exist there, and Akka drops a message it cannot rebuild); its type, message and stack text stay.
    /// </summary>
    public static Exception Portable(Exception failure) => failure switch
    {
        PoolTaskException { InnerException: not null } task =>
            new PoolTaskException(task.Function, task.ItemIndex, task.OriginalType, task.OriginalMessage, task.RemoteStackTrace),
        PoolTaskException or PoolFunctionException or PoolClosedException => failure,
        TimeoutException or OperationCanceledException or ArgumentException or InvalidOperationException or NotSupportedException
            when failure.InnerException is null && failure.GetType().Namespace == "System" => failure,
        _ => new InvalidOperationException($"{failure.GetType().FullName}: {failure.Message}"),
    };
}
