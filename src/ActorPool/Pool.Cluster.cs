using ActorPool.Internal;
using Akka.Actor;

namespace ActorPool;

public sealed partial class Pool
{
    /// <summary>
    /// Joins a running cluster as a client member and returns a pool over the workers its nodes own, like Ray's
    /// <c>Pool(ray_address=...)</c>. The pool owns the member: disposing it leaves the cluster.
    /// </summary>
    /// <param name="cluster">Seeds (required), this member's address, roles (<c>client</c> by default) and function assemblies.</param>
    /// <param name="options">Call defaults (<see cref="PoolOptions.ChunkSize"/>, <see cref="PoolOptions.TaskTimeout"/>); the workers are the nodes'.</param>
    /// <param name="cancellationToken">Stops waiting to join; the member then leaves.</param>
    /// <returns>A pool whose router runs in this process and deals to every worker node.</returns>
    /// <exception cref="ArgumentException">No seeds, an invalid option, or options that shape in-process workers.</exception>
    /// <exception cref="PoolException">The member could not join within 30 seconds.</exception>
    /// <exception cref="PoolWorkerLostException">It joined, but no worker node was found within 30 seconds.</exception>
    public static async Task<Pool> ConnectAsync(ClusterOptions cluster, PoolOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        cluster.Validated();
        if (cluster.Seeds.Count == 0)
        {
            throw new ArgumentException("Give the cluster's seed nodes (ClusterOptions.Seeds) to join it, e.g. akka.tcp://actorpool@127.0.0.1:4053.", nameof(cluster));
        }

        options = (options ?? new PoolOptions()).Validated();
        RefuseWorkerOptionsForCluster(options);
        ClusterMembership.LoadFunctions(cluster);
        var system = ActorSystem.Create(cluster.SystemName, MemberConfig.Build(cluster, ["client"]));
        try
        {
            var pool = new Pool(system, ownsSystem: true, options);
            await ClusterMembership.JoinAsync(system, cluster, cancellationToken).ConfigureAwait(false);
            await pool.WorkersFoundAsync(cancellationToken).ConfigureAwait(false);
            return pool;
        }
        catch
        {
            await ClusterMembership.LeaveAsync(system).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits, within a bound, until the router deals to at least one worker.</summary>
    private async Task WorkersFoundAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ClusterMembership.Bound;
        while (await CountWorkersAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new PoolWorkerLostException(
                    $"Joined the cluster, but no node with the '{WorkerRole}' role offered workers within {ClusterMembership.Bound.TotalSeconds:0} s. Start worker nodes (ActorPool.Node node).");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }
}
