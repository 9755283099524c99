using ActorPool.Internal;
using ActorPool.Serialization;
using Akka.Actor;

namespace ActorPool;

/// <summary>
/// Makes an actor system ready for ActorPool even when it was created without <see cref="PoolSettings.DefaultConfig"/>
/// as a fallback: ActorPool's settings, the worker dispatcher and the protocol's serializer bindings.
/// </summary>
internal static class ActorPoolSetup
{
    private static readonly Type[] ProtocolTypes =
    [
        typeof(Map), typeof(Apply), typeof(MapResult), typeof(ApplyResult), typeof(MapPart), typeof(Chunk),
        typeof(ChunkResult), typeof(ChunkFailed), typeof(CancelRequest), typeof(WorkerOptions), typeof(RequestAccepted), typeof(Batch), typeof(BatchResult),
    ];

    public static void Ensure(ActorSystem system)
    {
        if (!system.Settings.Config.HasPath("actorpool.chunks-in-flight-per-worker"))
        {
            system.Settings.InjectTopLevelFallback(PoolSettings.DefaultConfig);
        }

        if (system.Serialization.FindSerializerForType(typeof(Map)) is not ActorPoolSerializer)
        {
            var serializer = new ActorPoolSerializer((ExtendedActorSystem)system);
            system.Serialization.AddSerializer("actorpool", serializer);
            foreach (var type in ProtocolTypes)
            {
                system.Serialization.AddSerializationMap(type, serializer);
            }
        }
    }
}
