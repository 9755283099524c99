using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using Akka.Remote.Transport;

namespace ActorPool.TestKit;

/// <summary>Cuts and heals the connection between two nodes with Akka's throttler transport adapter.</summary>
internal static class Partitions
{
    public static Task CutAsync(PoolNode a, PoolNode b, TimeSpan bound) => SetAsync(a, b, Blackhole.Instance, bound);

    public static Task HealAsync(PoolNode a, PoolNode b, TimeSpan bound) => SetAsync(a, b, Unthrottled.Instance, bound);

    /// <summary>Both sides throttle traffic to and from the other: a cut one way only would still let heartbeats through.</summary>
    private static async Task SetAsync(PoolNode a, PoolNode b, ThrottleMode mode, TimeSpan bound)
    {
        await Throttle(a.System, Cluster.Get(b.System).SelfAddress, mode).WaitAsync(bound).ConfigureAwait(false);
        await Throttle(b.System, Cluster.Get(a.System).SelfAddress, mode).WaitAsync(bound).ConfigureAwait(false);
    }

    private static Task<bool> Throttle(ActorSystem system, Address other, ThrottleMode mode) =>
        ((RemoteActorRefProvider)((ExtendedActorSystem)system).Provider).Transport
            .ManagementCommand(new SetThrottle(other, ThrottleTransportAdapter.Direction.Both, mode));
}
