namespace ActorPool.Serialization;

/// <summary>
/// Marks every internal message of the pool's protocol. One HOCON line binds it to <see cref="ActorPoolSerializer"/>
/// (<c>actorpool.conf</c>), so no internal message can ever travel through another serializer.
/// </summary>
internal interface IPoolMessage;
