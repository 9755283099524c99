using System.Collections.Immutable;
using ActorPool.Internal;
using Akka.Actor;
using Akka.Cluster.Tools.Client;

namespace ActorPool;

public sealed partial class Pool
{
    /// <summary>How long a ClusterClient keeps trying its contact points when its HOCON sets no <c>reconnect-timeout</c>.</summary>
    private static readonly TimeSpan DefaultReconnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Submits to a cluster's pool from outside the cluster, through Akka's <c>ClusterClient</c>: requests go to the
    /// router registered at <paramref name="routerPath"/> with the <c>ClusterClientReceptionist</c> of the nodes
    /// (every <c>ActorPool.Node node</c> registers <c>/user/pool</c>).
    /// </summary>
    /// <param name="system">A remote-enabled actor system that is not a member of the cluster.</param>
    /// <param name="contacts">Receptionist paths, e.g. <c>akka.tcp://actorpool@127.0.0.1:4053/system/receptionist</c>.</param>
    /// <param name="options">Call defaults.</param>
    /// <param name="routerPath">The router's path on the nodes.</param>
    /// <exception cref="ArgumentException"><paramref name="contacts"/> is empty or holds a path that is not an actor path.</exception>
    /// <remarks>
    /// <para>
    /// All calls, and everything they send (an <c>Imap</c>'s segments, cancels), go to one router: the one on the node
    /// whose receptionist the client is connected to (<c>ClusterClient.Send</c> with local affinity). A call is never
    /// split across routers. That router deals to the workers of every node, so the death of any other node only
    /// sends the chunks its workers held to other workers, as for any pool.
    /// </para>
    /// <para>
    /// When the serving node itself is lost (killed, or shutting down), the calls it held, and those sent to it that
    /// it had not yet accepted, are sent again, whole, to the router of the node the client connects to next; calls
    /// made meanwhile wait for that router. A call is sent again at most 3 times; when its serving node is lost a
    /// fourth time it fails with <see cref="PoolWorkerLostException"/>, saying which node was lost and how many times
    /// the call was tried. Functions may therefore run more than once, as when a worker is lost; a call's
    /// <see cref="PoolOptions.TaskTimeout"/> starts again with each send. A streamed call (<c>Imap</c>,
    /// <c>ImapUnordered</c>) is sent a segment at a time: a segment sent again after part of it was streamed runs
    /// whole again, and the results already yielded are not yielded a second time, so every item is yielded once and
    /// an ordered stream stays in order. To send calls again the pool keeps each outstanding call's request (a
    /// reference to its arguments, not a copy) until the call is answered.
    /// </para>
    /// <para>
    /// How soon a dead node is noticed is set by <c>akka.remote.watch-failure-detector</c> and the client's
    /// <c>akka.cluster.client</c> heartbeat settings (the node executable's client allows a 5 s pause for both).
    /// When no contact point answers within the client's <c>akka.cluster.client.reconnect-timeout</c> (30 s unless
    /// set), or the client reaches a contact point but no router answers for twice that long, outstanding and later
    /// calls fail with <see cref="PoolWorkerLostException"/>.
    /// </para>
    /// </remarks>
    public static Pool ConnectViaClusterClient(ActorSystem system, IEnumerable<string> contacts, PoolOptions? options = null, string routerPath = "/user/pool")
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(contacts);
        var paths = contacts.Select(c => ActorPath.TryParse(c, out var path)
            ? path
            : throw new ArgumentException($"'{c}' is not an actor path such as akka.tcp://actorpool@127.0.0.1:4053/system/receptionist.", nameof(contacts))).ToImmutableHashSet();
        if (paths.IsEmpty)
        {
            throw new ArgumentException("At least one contact point is needed.", nameof(contacts));
        }

        var settings = ClusterClientSettings.Create(system).WithInitialContacts(paths);
        // A client that never gives up reaching its contacts would leave every call waiting for ever: bound it.
        settings = settings.ReconnectTimeout is null ? settings.WithReconnectTimeout(DefaultReconnectTimeout) : settings;
        var reconnectTimeout = settings.ReconnectTimeout!.Value;
        var client = system.ActorOf(ClusterClient.Props(settings), $"pool-client-{Guid.NewGuid():N}");
        var pool = new Pool(system, ownsSystem: false, (options ?? new PoolOptions()).Validated(), proxy: (calls, routerLost) => system.ActorOf(
            Props.Create(() => new ClusterClientProxy(client, routerPath, calls, routerLost, reconnectTimeout)), $"pool-proxy-{Guid.NewGuid():N}"));
        pool._companions = [pool.Router, client];
        return pool;
    }

    /// <summary>
    /// For a pool made by <see cref="ConnectViaClusterClient"/>: the node whose router serves its calls, once one has
    /// answered through the ClusterClient. It changes when that node is lost.
    /// </summary>
    /// <param name="timeout">How long to wait for a router to answer.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <exception cref="InvalidOperationException">The pool was not made by <see cref="ConnectViaClusterClient"/>.</exception>
    /// <exception cref="AskTimeoutException">No router answered within <paramref name="timeout"/>.</exception>
    internal async Task<Address> ServingNodeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!_inbox.Equals(Router))
        {
            throw new InvalidOperationException("Only a pool connected through ClusterClient has a serving node.");
        }

        return (await Router.Ask<ServingNode>(GetServingNode.Instance, timeout, cancellationToken).ConfigureAwait(false)).Address;
    }
}
