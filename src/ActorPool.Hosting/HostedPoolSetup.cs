using Akka.Actor.Setup;

namespace ActorPool.Hosting;

/// <summary>
/// Carries the options of <see cref="ActorPoolHostingExtensions.WithActorPool"/> into the actor system, so the pool can
/// be made from the system alone: by the start-up hook, or earlier by the container when a service injects it.
/// </summary>
internal sealed class HostedPoolSetup(ActorPoolHostingOptions options) : Setup
{
    public ActorPoolHostingOptions Options { get; } = options;
}
