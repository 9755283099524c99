using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>
/// The remote actors holding a facade's calls (aggregators, or a router answering one-chunk calls itself) and the
/// calls each holds, so that whoever watches the holders knows which calls one took with it when it died.
/// </summary>
internal sealed class CallHolders(PendingCalls calls)
{
    /// <summary>Past this many calls a holder's set is pruned of the calls answered since.</summary>
    private const int PruneAt = 1024;

    private readonly Dictionary<IActorRef, HashSet<long>> _held = [];

    /// <summary>Notes that <paramref name="holder"/> holds call <paramref name="id"/>.</summary>
    /// <returns>True for a holder not seen before, which the caller must watch.</returns>
    public bool Add(IActorRef holder, long id)
    {
        var added = false;
        if (!_held.TryGetValue(holder, out var held))
        {
            _held[holder] = held = [];
            added = true;
        }

        if (held.Count >= PruneAt)
        {
            // Forget calls answered since; only those still waiting matter when the holder dies.
            held.RemoveWhere(id => calls.Peek(id) is null);
        }

        held.Add(id);
        return added;
    }

    /// <summary>Forgets a holder that is gone, and gives the calls it held (some may be answered already).</summary>
    public bool TryRemove(IActorRef holder, out IReadOnlyCollection<long> held)
    {
        var found = _held.Remove(holder, out var ids);
        held = ids ?? [];
        return found;
    }
}
