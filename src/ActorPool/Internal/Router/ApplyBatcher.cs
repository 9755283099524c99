namespace ActorPool.Internal;

/// <summary>
/// Deals a burst of one-item requests of the same function (typically applies) to one worker as one
/// <see cref="Batch"/>: a fair share of what is waiting, so a thousand applies in flight cost a few messages, not
/// thousands.
/// </summary>
internal static class ApplyBatcher
{
    /// <summary>
    /// Gathers the requests waiting behind <paramref name="first"/> that can share its batch; null when none can
    /// (the first then goes alone, as a chunk).
    /// </summary>
    /// <param name="first">The request whose turn it is, with the attempt of its only chunk.</param>
    /// <param name="scheduler">The line the others wait in; those gathered leave it.</param>
    /// <param name="limit">The most members: the setting, a fair share per worker, and what fits a frame.</param>
    public static Batch? Gather((PendingRequest Request, int Attempt) first, DispatchScheduler<PendingRequest> scheduler, int limit)
    {
        if (limit <= 1 || !first.Request.IsBatchable || scheduler.Waiting == 0)
        {
            return null;
        }

        var leader = first.Request;
        var members = new List<(PendingRequest Request, int Attempt)> { first };
        foreach (var candidate in scheduler.TakeWhere(SameCall, limit - 1))
        {
            candidate.TryTake(out _, out var attempt);
            members.Add((candidate, attempt));
        }

        if (members.Count == 1)
        {
            return null;
        }

        var items = Array.CreateInstance(leader.Arguments.GetType().GetElementType()!, members.Count);
        for (var i = 0; i < members.Count; i++)
        {
            Array.Copy(members[i].Request.Arguments, 0, items, i, 1);
        }

        var keys = new long[members.Count];
        var attempts = new int[members.Count];
        for (var i = 0; i < members.Count; i++)
        {
            (keys[i], attempts[i]) = (members[i].Request.Info.Key, members[i].Attempt);
        }

        return new Batch(leader.Info.Function, keys, attempts, items)
        {
            LocalFunction = leader.Local,
        };

        bool SameCall(PendingRequest candidate) =>
            candidate.IsBatchable && candidate.HasPending && candidate.Info.Function == leader.Info.Function
            && ReferenceEquals(candidate.Local, leader.Local) && candidate.Arguments.GetType() == leader.Arguments.GetType();
    }

    /// <summary>The most members of a batch for one of <paramref name="workers"/>: a fair share of the <paramref name="waiting"/> requests.</summary>
    public static int Limit(int maxBatch, int waiting, int workers) => Math.Min(maxBatch, Math.Max(1, (waiting + 1) / Math.Max(1, workers)));
}
