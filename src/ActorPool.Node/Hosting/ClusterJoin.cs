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
            var deadline = DateTime.UtcNow + Timeout;
            while (!cluster.State.Members.Any(m => m.Status == MemberStatus.Up && m.HasRole("worker")))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("no member with the 'worker' role is up");
                }

                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (TimeoutException ex)
        {
            throw new InvalidOperationException(
                $"Could not join the cluster at {string.Join(", ", cluster.Settings.SeedNodes)} within {Timeout.TotalSeconds:0} s ({ex.Message}). Are the nodes running?", ex);
        }
    }
}
