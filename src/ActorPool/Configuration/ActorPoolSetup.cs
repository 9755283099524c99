using ActorPool.Internal;
using ActorPool.Serialization;
using Akka.Actor;

namespace ActorPool;

/// <summary>
/// Makes any actor system ready for ActorPool, even one created without ActorPool's HOCON (a plain TestKit's, a
/// host's): ActorPool's settings and worker dispatcher as a fallback, the serializer bound as <c>actorpool.conf</c>
/// binds it, and this process's functions registered (and so their types allowed on the wire).
/// </summary>
internal static class ActorPoolSetup
{
    public static void Ensure(ActorSystem system)
    {
        if (!system.Settings.Config.HasPath("actorpool.chunks-in-flight-per-worker") || !system.Settings.Config.HasPath(PoolSettings.RouterDispatcherPath))
        {
            system.Settings.InjectTopLevelFallback(PoolSettings.DefaultConfig);
        }

        if (system.Serialization.FindSerializerForType(typeof(IPoolMessage)) is not ActorPoolSerializer serializer)
        {
            // Bindings are read when a system starts; one started without ours gets the same ones, from the same file.
            serializer = new ActorPoolSerializer((ExtendedActorSystem)system);
            system.Serialization.AddSerializer("actorpool", serializer);
            foreach (var binding in PoolSettings.DefaultConfig.GetConfig("akka.actor.serialization-bindings").AsEnumerable())
            {
                system.Serialization.AddSerializationMap(Type.GetType(binding.Key, throwOnError: true)!, serializer);
            }
        }

        // The serializer reads TypeAllowList.Registered, which the registry fills as it registers functions: scan now,
        // so a node knows its functions' types before the first message arrives.
        _ = FunctionRegistry.Count;
    }
}
