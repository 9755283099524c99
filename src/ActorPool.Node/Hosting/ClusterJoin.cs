using Akka.Actor;
using Akka.Cluster;

namespace ActorPool.Node.Hosting;

/// <summary>Joining a cluster as a client member, within a bound.</summary>
internal static class ClusterJoin
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Waits until this member is up and some member with the 'worker' role is up.</summary>
    public static async Task UntilWorkersUpAsync(ActorSystem system, CancellationToken cancellationToken)
    {
        var cluster = Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        try
        {
            await up.Task.WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw Failed(cluster, "no seed node let this member in", ex);
        }

        var deadline = DateTime.UtcNow + Timeout;
        while (!cluster.State.Members.Any(m => m.Status == MemberStatus.Up && m.HasRole("worker")))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw Failed(cluster, "it joined, but no member with the 'worker' role is up", null);
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private static InvalidOperationException Failed(Cluster cluster, string reason, Exception? inner) => new(
        $"Could not join the cluster through the seed nodes {string.Join(", ", cluster.Settings.SeedNodes)} within {Timeout.TotalSeconds:0} s "
        + $"({reason}; this member is {cluster.SelfAddress}). "
        + "Are the nodes running, and is each seed spelled exactly as the node advertises it (its 'node up: …' line)?", inner);
}
