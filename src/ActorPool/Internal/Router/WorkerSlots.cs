using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>A worker the router deals to, and the chunks it holds now.</summary>
internal sealed class WorkerSlot(IActorRef worker, bool isRemote, IReadOnlySet<string>? functions)
{
    public IActorRef Ref { get; } = worker;

    /// <summary>On another node: what it is sent is encoded, and a closure cannot run there.</summary>
    public bool IsRemote { get; } = isRemote;

    /// <summary>The functions its node registers; null when unknown (it is sent anything, and says if it cannot run it).</summary>
    public IReadOnlySet<string>? Functions { get; set; } = functions;

    /// <summary>Whether its node has <paramref name="function"/>; closures run on in-process workers only.</summary>
    public bool CanRun(string function, FunctionInvoker? local) =>
        local is { IsLocalOnly: true } ? !IsRemote : Functions is null || Functions.Contains(function);

    /// <summary>(request key, chunk index) of every chunk it holds, with the timestamp it was sent at; one-item batch members count as chunk 0.</summary>
    public Dictionary<(long Key, int Index), long> InFlight { get; } = [];

    /// <summary>Whether it holds a chunk of the request <paramref name="key"/> of <paramref name="chunks"/> chunks; costs the smaller of the two counts.</summary>
    public bool Holds(long key, int chunks)
    {
        if (InFlight.Count <= chunks)
        {
            foreach (var held in InFlight.Keys)
            {
                if (held.Key == key)
                {
                    return true;
                }
            }

            return false;
        }

        for (var index = 0; index < chunks; index++)
        {
            if (InFlight.ContainsKey((key, index)))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// The workers a router knows and which chunk is at which. When a worker is lost its chunks are handed back to be
/// sent again; the router never has to ask a worker what it was doing.
/// </summary>
internal sealed class WorkerSlots
{
    private readonly List<WorkerSlot> _slots = [];
    private readonly Dictionary<IActorRef, WorkerSlot> _byRef = [];

    public IReadOnlyList<WorkerSlot> All => _slots;

    public int Count => _slots.Count;

    /// <summary>Some worker is on another node: chunks are sized for the frame budget.</summary>
    public bool AnyRemote { get; private set; }

    /// <summary>Every worker runs whatever it is sent (all in this process): no call needs a choice of worker.</summary>
    public bool AllRunAnything { get; private set; } = true;

    /// <summary>Adds a worker not known yet; false when it is (its functions are brought up to date).</summary>
    public bool TryAdd(IActorRef worker, bool isRemote, IReadOnlySet<string>? functions)
    {
        if (_byRef.TryGetValue(worker, out var known))
        {
            // Its node may have loaded more functions since it was first found.
            known.Functions = functions;
            AllRunAnything = _slots.TrueForAll(s => !s.IsRemote && s.Functions is null);
            return false;
        }

        var slot = new WorkerSlot(worker, isRemote, functions);
        _slots.Add(slot);
        _byRef.Add(worker, slot);
        AnyRemote |= isRemote;
        AllRunAnything &= !isRemote && functions is null;
        return true;
    }

    public WorkerSlot? Find(IActorRef worker) => _byRef.GetValueOrDefault(worker);

    /// <summary>Forgets a lost worker; the chunks it held, to be sent again (empty for a worker not known).</summary>
    public IReadOnlyCollection<(long Key, int Index)> Remove(IActorRef worker)
    {
        if (!_byRef.Remove(worker, out var slot))
        {
            return [];
        }

        _slots.Remove(slot);
        AnyRemote = _slots.Exists(s => s.IsRemote);
        AllRunAnything = _slots.TrueForAll(s => !s.IsRemote && s.Functions is null);
        return slot.InFlight.Keys;
    }
}
