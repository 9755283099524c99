using ActorPool.Internal;
using Akka.Actor;
using Akka.Cluster.Tools.Client;

namespace ActorPool;

/// <summary>
/// A worker node of an ActorPool cluster, in this process: what <c>ActorPool.Node node</c> runs. It joins the
/// cluster, starts exactly <see cref="ClusterOptions.Workers"/> workers (with the <c>worker</c> role) that every
/// client's pool deals to, and a router at <c>/user/pool</c> for clients outside the cluster
/// (<see cref="Pool.ConnectViaClusterClient"/>). Dispose it to leave the cluster gracefully.
/// </summary>
/// <example><code>await using var node = await PoolNode.StartAsync(new ClusterOptions { Port = 4053, Seeds = ["akka.tcp://actorpool@127.0.0.1:4053"], Workers = 4 });</code></example>
public sealed class PoolNode : IAsyncDisposable
{
    /// <summary>The path of every node's router, for ClusterClient callers.</summary>
    public const string RouterPath = "/user/pool";

    private PoolNode(ActorSystem system, IActorRef router, int workers)
    {
        System = system;
        Router = router;
        Workers = workers;
    }

    /// <summary>The node's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>The node's address, e.g. <c>akka.tcp://actorpool@127.0.0.1:4053</c>: what other members use as a seed.</summary>
    public string Address => Akka.Cluster.Cluster.Get(System).SelfAddress.ToString();

    /// <summary>The node's router at <see cref="RouterPath"/>, dealing to every worker of the cluster.</summary>
    public IActorRef Router { get; }

    /// <summary>The workers this node owns: 0 for a node without the <c>worker</c> role.</summary>
    public int Workers { get; }

    /// <summary>Completes when the node has stopped (left the cluster, been downed, or disposed).</summary>
    public Task WhenTerminated => System.WhenTerminated;

    /// <summary>Starts a node, joins the cluster and waits until it is up.</summary>
    /// <param name="options">Address, seeds, roles (<c>worker</c> by default), workers and function assemblies.</param>
    /// <param name="cancellationToken">Stops waiting to join; the node is then stopped.</param>
    /// <returns>The running node.</returns>
    /// <exception cref="ArgumentException">An option is invalid (a seed that is not an address, or spelled unlike <see cref="ClusterOptions.Host"/>).</exception>
    /// <exception cref="FileNotFoundException">A function assembly is missing.</exception>
    /// <exception cref="PoolException">The node could not join within 30 seconds.</exception>
    public static async Task<PoolNode> StartAsync(ClusterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        ClusterMembership.LoadFunctions(options);
        var system = ActorSystem.Create(options.SystemName, MemberConfig.Build(options, [Pool.WorkerRole]));
        try
        {
            ActorPoolSetup.Ensure(system);
            var workers = Akka.Cluster.Cluster.Get(system).SelfRoles.Contains(Pool.WorkerRole) ? options.Workers : 0;
            if (workers > 0)
            {
                var host = system.ActorOf(Props.Create(() => new WorkerHost(workers, new WorkerOptions(null, null))), WorkerHost.Name);
                await HostStartedAsync(host, cancellationToken).ConfigureAwait(false);
            }

            var router = Pool.StartRouter(system, new PoolOptions(), RouterPath[(RouterPath.LastIndexOf('/') + 1)..]);
            ClusterClientReceptionist.Get(system).RegisterService(router);
            await ClusterMembership.JoinAsync(system, options, cancellationToken).ConfigureAwait(false);
            return new PoolNode(system, router, workers);
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Asks the new worker host for its workers, so a node whose workers cannot start (a bad dispatcher setting, say)
    /// fails here, loudly, instead of joining as a node that offers nothing.
    /// </summary>
    private static async Task HostStartedAsync(IActorRef host, CancellationToken cancellationToken)
    {
        try
        {
            await host.Ask<WorkersOf>(ListWorkers.Instance, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException ex)
        {
            throw new PoolException($"The node's workers did not start (no answer from {host.Path} within 10 s); see the log for the cause.", ex);
        }
    }

    /// <summary>Leaves the cluster gracefully (the other members re-send what this node's workers held) and stops.</summary>
    public async ValueTask DisposeAsync() => await ClusterMembership.LeaveAsync(System).ConfigureAwait(false);
}
