using Akka.Actor;
using Akka.Cluster;
using Akka.Routing;

namespace ActorPool.Internal;

/// <summary>
/// A cluster router's view of the cluster's workers: follows membership, asks every member with the
/// <c>worker</c> role for its <see cref="WorkerHost"/>'s workers (again, until it answers: a node may be up before
/// its host is), and answers the router's <see cref="GetRoutees"/> with all of them and what each can run. A
/// node that leaves or dies is forgotten here; its workers' deaths reach the router through DeathWatch. Workers of
/// a node that is unreachable (dead but not yet downed, or cut off by a partition) are left out while it is: remote
/// delivery is at most once, so chunks sent there may be lost, and the router sends them again elsewhere at once
/// instead of waiting for the node to be downed. When the node is reachable again its workers are dealt to again.
/// </summary>
internal sealed class ClusterWorkers : ReceiveActor, IWithTimers
{
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly string _role;
    private readonly Dictionary<UniqueAddress, WorkersOf?> _hosts = [];
    private readonly HashSet<UniqueAddress> _unreachable = [];
    private readonly TimeSpan _askInterval;

    public ClusterWorkers(string role, TimeSpan askInterval)
    {
        _role = role;
        Receive<ClusterEvent.MemberUp>(up => Joined(up.Member));
        // A node that joins while another is unreachable is only weakly up until that one is downed: deal to it anyway.
        Receive<ClusterEvent.MemberWeaklyUp>(up => Joined(up.Member));
        Receive<ClusterEvent.MemberJoined>(_ => { });
        Receive<ClusterEvent.IMemberEvent>(e => e.Member.Status is MemberStatus.Removed or MemberStatus.Exiting or MemberStatus.Leaving or MemberStatus.Down, e =>
        {
            _hosts.Remove(e.Member.UniqueAddress);
            _unreachable.Remove(e.Member.UniqueAddress);
        });
        Receive<ClusterEvent.UnreachableMember>(e => Reachability(e.Member, reachable: false));
        Receive<ClusterEvent.ReachableMember>(e => Reachability(e.Member, reachable: true));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<WorkersOf>(found =>
        {
            // Asked again and again: only a changed answer is news to the router.
            // A node restarted on the same address is a new member: the answer belongs to the one asked most recently.
            // This node's own host answers with a local address.
            var from = Sender.Path.Address.HasLocalScope ? _cluster.SelfAddress : Sender.Path.Address;
            if (_hosts.Keys.LastOrDefault(member => member.Address.Equals(from)) is { } member && !Same(_hosts[member], found))
            {
                _hosts[member] = found;
                // Told at once rather than at the router's next look, so a node that joins mid-map gets work within moments.
                Context.Parent.Tell(Found());
            }
        });
        Receive<AskHosts>(_ => AskUnanswered());
        Receive<GetRoutees>(_ => Sender.Tell(Found()));
        _askInterval = askInterval;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer(nameof(AskHosts), AskHosts.Instance, _askInterval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Joined(Member member)
    {
        if (member.HasRole(_role) && !_hosts.ContainsKey(member.UniqueAddress))
        {
            _hosts[member.UniqueAddress] = null;
            Ask(member.Address);
        }
    }

    /// <summary>Asks every worker node again: one that has not answered yet, and those whose functions may have grown since (an assembly loaded later).</summary>
    private void AskUnanswered()
    {
        foreach (var member in _hosts.Keys)
        {
            Ask(member.Address);
        }
    }

    /// <summary>A worker node became unreachable or reachable again: the router learns at once which workers it can deal to.</summary>
    private void Reachability(Member member, bool reachable)
    {
        // This node's own workers are always within reach of its router.
        if (member.UniqueAddress.Equals(_cluster.SelfUniqueAddress) || !member.HasRole(_role))
        {
            return;
        }

        if (reachable ? _unreachable.Remove(member.UniqueAddress) : _unreachable.Add(member.UniqueAddress))
        {
            Context.Parent.Tell(Found());
        }
    }

    private static bool Same(WorkersOf? known, WorkersOf found) =>
        known is not null && known.Workers.SequenceEqual(found.Workers) && known.Functions.SequenceEqual(found.Functions);

    private WorkersFound Found() => new(_hosts.Where(host => !_unreachable.Contains(host.Key)).Select(host => host.Value).OfType<WorkersOf>()
        .SelectMany(host => host.Workers.Select(w => new FoundWorker(w, host.Functions.ToHashSet(StringComparer.Ordinal)))).ToArray());

    private void Ask(Address address) =>
        Context.ActorSelection(new RootActorPath(address) / "user" / WorkerHost.Name).Tell(ListWorkers.Instance);

    private sealed class AskHosts
    {
        public static readonly AskHosts Instance = new();
    }
}

/// <summary>The workers a router can deal to now, with what each can run.</summary>
internal sealed record WorkersFound(IReadOnlyList<FoundWorker> Workers);

/// <summary>A worker, and the functions its node registers (null: whatever it is sent).</summary>
internal sealed record FoundWorker(IActorRef Worker, IReadOnlySet<string>? Functions);
