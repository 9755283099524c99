namespace ActorPool.Internal;

/// <summary>
/// Decides when calls that found no worker at all give up: each after waiting the whole
/// <c>no-workers-timeout</c> since it was submitted or lost its last worker, so workers that join in time pick
/// the call up. The router schedules the checks; this holds the rule.
/// </summary>
internal sealed class NoWorkersWatchdog(TimeSpan timeout)
{
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>How long until the oldest of <paramref name="waitingSince"/> has waited the whole timeout.</summary>
    public TimeSpan DueIn(IEnumerable<DateTimeOffset> waitingSince, DateTimeOffset now)
    {
        var oldest = waitingSince.DefaultIfEmpty(now).Min();
        var due = oldest + Timeout - now;
        return due > TimeSpan.Zero ? due : TimeSpan.Zero;
    }

    /// <summary>Whether a call waiting since <paramref name="since"/> has waited long enough to fail.</summary>
    public bool HasExpired(DateTimeOffset since, DateTimeOffset now) => since <= now - Timeout;

    /// <summary>The failure of a call that found no worker.</summary>
    public PoolWorkerLostException Failure(string function) => new(
        $"No pool workers are left to run '{function}': none has been reachable for {Timeout}. " +
        "Start worker nodes (ActorPool.Node node --roles worker) or check the cluster's seed nodes.");
}
