using ActorPool.Serialization;

namespace ActorPool.Internal;

/// <summary>
/// A message the transport already had the serializer encode, to learn its size before sending it to another
/// node. The serializer sends these bytes as they are under the message's own manifest, so the receiver gets the
/// original message and nothing is encoded twice.
/// </summary>
internal sealed record Encoded(string Manifest, byte[] Bytes) : IPoolMessage;
