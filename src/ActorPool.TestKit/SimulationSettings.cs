namespace ActorPool.TestKit;

/// <summary>How a <see cref="PoolSimulation"/>'s members are configured, on top of a production node's configuration.</summary>
public static class SimulationSettings
{
    /// <summary>How long one step (start, kill, partition, heal) may take, before the TestKit's time factor.</summary>
    public static readonly TimeSpan StepBound = TimeSpan.FromSeconds(30);

    /// <summary>How long a node must stay unreachable before the split-brain resolver downs it.</summary>
    public static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The HOCON every member of a simulation has, with <paramref name="extra"/> (the spec's own) laid over it. A
    /// member you start yourself to join a simulation's cluster (<see cref="Pool.ConnectAsync"/>,
    /// <see cref="PoolNode.StartAsync"/>) needs it as its <see cref="ClusterOptions.Config"/>: the nodes' transport
    /// carries Akka's throttler, so their addresses read <c>akka.trttl.tcp://…</c>.
    /// </summary>
    /// <param name="extra">HOCON of your own, laid over the simulation's.</param>
    /// <returns>The configuration text.</returns>
    public static string MemberConfig(string? extra = null) => $$"""
        akka.loglevel = WARNING
        # Partitions: Akka's throttler transport can blackhole traffic between two nodes.
        akka.remote.dot-netty.tcp.applied-adapters = [trttl]
        # A killed node leaves without a word: Terminate does not run the cluster-leaving phases.
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        akka.cluster.run-coordinated-shutdown-when-down = off
        akka.cluster.split-brain-resolver.stable-after = {{(int)StableAfter.TotalSeconds}}s
        # Specs see where work went.
        actorpool.publish-chunk-events = on
        {{extra}}
        """;
}
