using Akka.Actor;
using Akka.Cluster.Tools.Client;

namespace ActorPool.Internal;

/// <summary>Stands in for a router inside the cluster: wraps every message in <see cref="ClusterClient.Send"/>.</summary>
internal sealed class ClusterClientProxy(IActorRef client, string routerPath) : UntypedActor
{
    protected override void OnReceive(object message) => client.Forward(new ClusterClient.Send(routerPath, message, localAffinity: false));
}
