using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>Joining and leaving a cluster within bounds, for <see cref="PoolNode"/> and <see cref="Pool.ConnectAsync"/>.</summary>
internal static class ClusterMembership
{
    /// <summary>How long joining, finding workers and leaving may each take.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Loads the options' function assemblies, so this member can name and run their functions.</summary>
    public static void LoadFunctions(ClusterOptions options)
    {
        foreach (var path in options.FunctionAssemblies)
        {
            PoolFunctions.Load(path);
        }
    }

    /// <summary>
    /// Joins through the seeds (or forms a cluster of one when there are none) and waits, within
    /// <see cref="Bound"/>, until this member is up.
    /// </summary>
    /// <exception cref="PoolException">The member was not let in within the bound, or was shut down before it was.</exception>
    public static async Task JoinAsync(ActorSystem system, ClusterOptions options, CancellationToken cancellationToken)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        if (options.Seeds.Count == 0)
        {
            cluster.Join(cluster.SelfAddress);
        }
        else
        {
            cluster.JoinSeedNodes(options.Seeds.Select(Address.Parse));
        }

        try
        {
            // Akka may shut a joining member down (an outbound TLS handshake that failed, say): it will never be up,
            // so say why now rather than when the bound runs out.
            var first = await Task.WhenAny(up.Task, system.WhenTerminated).WaitAsync(Bound, cancellationToken).ConfigureAwait(false);
            if (first != up.Task)
            {
                var reason = CoordinatedShutdown.Get(system).ShutdownReason?.ToString() ?? "its actor system was terminated";
                throw new PoolException(
                    $"{cluster.SelfAddress} was shut down before it joined the cluster at {string.Join(", ", options.Seeds)}: {reason}. See the log for the cause.");
            }
        }
        catch (TimeoutException ex)
        {
            throw new PoolException(
                $"Could not join the cluster at {string.Join(", ", options.Seeds)} within {Bound.TotalSeconds:0} s as {cluster.SelfAddress}. " +
                "Are the seed nodes running, and is every address spelled exactly as the nodes advertise it?", ex);
        }
    }

    /// <summary>Leaves the cluster gracefully and waits, within <see cref="Bound"/>, for the system to stop; terminates it otherwise.</summary>
    public static async Task LeaveAsync(ActorSystem system)
    {
        var left = CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
        if (await Task.WhenAny(left, Task.Delay(Bound)).ConfigureAwait(false) != left)
        {
            await system.Terminate().ConfigureAwait(false);
        }

        await system.WhenTerminated.ConfigureAwait(false);
    }
}
