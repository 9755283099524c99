using Akka.Actor;
using Akka.Cluster;

namespace ActorPool.Node.Hosting;

/// <summary>Logs the cluster's membership changes to stderr: who joined, who became unreachable, who left.</summary>
public sealed class MembershipLogger : UntypedActor
{
    private readonly Cluster _cluster = Cluster.Get(Context.System);

    /// <inheritdoc />
    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    /// <inheritdoc />
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        var line = message switch
        {
            ClusterEvent.MemberUp up => $"member up: {up.Member.Address} roles [{string.Join(",", up.Member.Roles)}]",
            ClusterEvent.MemberJoined joined => $"member joining: {joined.Member.Address}",
            ClusterEvent.MemberLeft left => $"member leaving: {left.Member.Address}",
            ClusterEvent.MemberExited exited => $"member exited: {exited.Member.Address}",
            ClusterEvent.MemberRemoved removed => $"member removed: {removed.Member.Address} (was {removed.PreviousStatus})",
            ClusterEvent.UnreachableMember unreachable => $"member unreachable: {unreachable.Member.Address}",
            ClusterEvent.ReachableMember reachable => $"member reachable again: {reachable.Member.Address}",
            _ => null,
        };
        if (line is not null)
        {
            Console.Error.WriteLine($"[cluster] {line}");
        }
    }
}
