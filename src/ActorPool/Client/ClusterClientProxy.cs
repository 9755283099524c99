using Akka.Actor;
using Akka.Cluster.Tools.Client;

namespace ActorPool.Internal;

/// <summary>
/// Stands in for a router inside the cluster: wraps every message in <see cref="ClusterClient.Send"/> with local
/// affinity, so every message goes to the router of the node whose receptionist the client is connected to, never to
/// a random node's: a call and its cancel reach the same router, and a node that serves none of this pool's calls
/// can die without failing any. It stops
/// when its ClusterClient stops (after the client's reconnect timeout with no contact point answering), so the
/// facade, which watches it, fails its calls instead of waiting for ever.
/// </summary>
internal sealed class ClusterClientProxy(IActorRef client, string routerPath) : UntypedActor
{
    protected override void PreStart() => Context.Watch(client);

    protected override void OnReceive(object message)
    {
        if (message is Terminated terminated && terminated.ActorRef.Equals(client))
        {
            Context.Stop(Self);
            return;
        }

        client.Forward(new ClusterClient.Send(routerPath, message, localAffinity: true));
    }
}
