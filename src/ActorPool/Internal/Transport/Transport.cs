using System.Runtime.CompilerServices;
using ActorPool.Serialization;
using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>
/// The one place that knows whether a message leaves this process. Local messages are told as they are (typed
/// arrays, in-place results, closures). A message to another node is encoded here, once, by the pool's serializer,
/// so its size is known before it is sent: one too large for a frame is split when it can be, and refused with a
/// <see cref="PoolPayloadException"/> when it cannot, so the sender can fail the call instead of Akka dropping the
/// message with a log line. A <see cref="Status.Failure"/> crosses as a <see cref="FailureReply"/>.
/// </summary>
internal sealed class Transport
{
    private static readonly ConditionalWeakTable<ActorSystem, Transport> PerSystem = new();

    private readonly ExtendedActorSystem _system;
    private readonly Address _self;
    private ActorPoolSerializer? _serializer;

    private Transport(ExtendedActorSystem system)
    {
        _system = system;
        _self = system.Provider.DefaultAddress;
        // Akka drops a frame larger than maximum-frame-size without a word: the budget never exceeds it, less room for headers.
        var frame = system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size", null) ?? long.MaxValue;
        Budget = (int)Math.Min(PoolSettings.Of(system).MaxRemotePayloadBytes, Math.Max(1024, (frame * 3 / 4) - 1024));
    }

    /// <summary>The largest encoded message sent to another node (<c>actorpool.max-remote-payload-bytes</c>).</summary>
    public int Budget { get; }

    private ActorPoolSerializer Serializer => _serializer ??= (ActorPoolSerializer)_system.Serialization.FindSerializerForType(typeof(IPoolMessage));

    /// <summary>The transport of an actor system.</summary>
    public static Transport Of(ActorSystem system) => PerSystem.GetValue(system, s => new Transport((ExtendedActorSystem)s));

    /// <summary>Whether messages to <paramref name="actor"/> leave this actor system, and so are encoded.</summary>
    public bool IsRemote(IActorRef actor) => actor.Path.Address.HasGlobalScope && !actor.Path.Address.Equals(_self);

    /// <summary>Sends a message; see the class summary for what happens when it leaves this process.</summary>
    /// <exception cref="PoolPayloadException">The message leaves this process and a value in it cannot cross, or it is too large and cannot be split.</exception>
    public void Send(IActorRef target, object message, IActorRef? sender = null)
    {
        if (IsRemote(target))
        {
            Encode(message, encoded => target.Tell(encoded, sender));
        }
        else
        {
            target.Tell(message, sender);
        }
    }

    /// <summary>Encoded bytes per item of an argument array, to size chunks for other nodes.</summary>
    public double BytesPerItem(Array items) => Serializer.Codec.BytesPerItem(items);

    /// <summary>
    /// Encodes a message for another process, as <see cref="Send"/> does for a remote target, and hands each piece
    /// to <paramref name="send"/>: for a message that travels inside another (a ClusterClient's <c>Send</c>).
    /// </summary>
    /// <exception cref="PoolPayloadException">A value in the message cannot cross, or it is too large and cannot be split.</exception>
    public void Encode(object message, Action<Encoded> send) =>
        EncodeAcross(message is Status.Failure failure ? FailureReply.From(failure) : message, send);

    private void EncodeAcross(object message, Action<Encoded> send)
    {
        byte[] bytes;
        try
        {
            bytes = Serializer.ToBinary(message);
        }
        catch (Exception ex) when (ex is not PoolException)
        {
            // Whatever a value throws while it is written fails its call; it must never escape into an actor.
            throw new PoolPayloadException($"{Describe(message)} could not be written for another node: {ex.Message}", ex);
        }

        if (bytes.Length <= Budget)
        {
            send(new Encoded(Serializer.Manifest(message), bytes));
        }
        else if (message is ISplittable { Count: > 1 } splittable)
        {
            var (first, second) = splittable.Split(splittable.Count / 2);
            EncodeAcross(first, send);
            EncodeAcross(second, send);
        }
        else
        {
            throw new PoolPayloadException($"{Describe(message)} takes {bytes.Length:N0} bytes, more than actorpool.max-remote-payload-bytes ({Budget:N0}), " +
                $"and cannot be sent to another node. {Advice(message)}");
        }
    }

    private static string Describe(object message) => message switch
    {
        Chunk chunk => $"A chunk of {chunk.Count} items of '{chunk.Function}'",
        Submit submit => $"A call of '{submit.Function}' with {submit.Arguments.Length} items",
        MapResult result => $"The {result.Values.Count:N0} results of a map",
        ISplittable => "A single value",
        _ => $"A {message.GetType().Name} message",
    };

    private static string Advice(object message) => message switch
    {
        Chunk => "Use a smaller chunk size, or raise that setting together with akka.remote.dot-netty.tcp.maximum-frame-size.",
        Submit => "Stream the items with Imap, or raise that setting together with akka.remote.dot-netty.tcp.maximum-frame-size.",
        MapResult => "Stream them with Imap, or raise that setting together with akka.remote.dot-netty.tcp.maximum-frame-size.",
        _ => "Send smaller values, or raise that setting together with akka.remote.dot-netty.tcp.maximum-frame-size.",
    };
}
