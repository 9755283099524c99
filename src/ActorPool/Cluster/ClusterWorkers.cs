using Akka.Actor;
using Akka.Cluster;
using Akka.Routing;

namespace ActorPool.Internal;

/// <summary>
/// A cluster router's view of the cluster's workers: follows membership, asks every member with the
/// <c>worker</c> role for its <see cref="WorkerHost"/>'s workers (again, until it answers: a node may be up before
/// its host is), and answers the router's <see cref="GetRoutees"/> with all of them and what each can run. A
/// node that leaves or dies is forgotten here; its workers' deaths reach the router through DeathWatch.
/// </summary>
internal sealed class ClusterWorkers : ReceiveActor, IWithTimers
{
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly string _role;
    private readonly Dictionary<UniqueAddress, WorkersOf?> _hosts = [];
    private readonly TimeSpan _askInterval;

    public ClusterWorkers(string role, TimeSpan askInterval)
    {
        _role = role;
        Receive<ClusterEvent.MemberUp>(up => Joined(up.Member));
        Receive<ClusterEvent.MemberJoined>(_ => { });
        Receive<ClusterEvent.IMemberEvent>(e => e.Member.Status is MemberStatus.Removed or MemberStatus.Exiting or MemberStatus.Leaving or MemberStatus.Down,
            e => _hosts.Remove(e.Member.UniqueAddress));
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
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));
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

    private static bool Same(WorkersOf? known, WorkersOf found) =>
        known is not null && known.Workers.SequenceEqual(found.Workers) && known.Functions.SequenceEqual(found.Functions);

    private WorkersFound Found() => new(_hosts.Values.OfType<WorkersOf>()
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
