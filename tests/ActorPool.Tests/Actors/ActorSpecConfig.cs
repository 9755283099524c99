using Akka.Configuration;

namespace ActorPool.Tests.Actors;

/// <summary>The actor system of every per-actor spec: local, quiet, ActorPool's defaults, bounded expectations.</summary>
internal static class ActorSpecConfig
{
    public static readonly Config Local = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.provider = local
        akka.test.single-expect-default = 10s
        """).WithFallback(PoolSettings.DefaultConfig);
}
