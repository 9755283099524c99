using ActorPool.Internal;
using ActorPool.Serialization;
using Akka.Actor;

namespace ActorPool;

/// <summary>
/// Makes any actor system ready for ActorPool, even one created without ActorPool's HOCON (a plain TestKit's, a
/// host's): ActorPool's settings and worker dispatcher as a fallback, the serializer bound as <c>actorpool.conf</c>
/// binds it, and the serializer handed this process's type allow-list.
/// </summary>
internal static class ActorPoolSetup
{
    /// <summary>The types of registered functions' signatures, growing as assemblies with pool functions load.</summary>
    private static readonly TypeAllowList RegisteredTypes = new(() => FunctionRegistry.SignatureTypes, () => FunctionRegistry.Count);

    public static void Ensure(ActorSystem system)
    {
        if (!system.Settings.Config.HasPath("actorpool.chunks-in-flight-per-worker"))
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

        serializer.Codec.AllowList = RegisteredTypes;
    }
}
