using ActorPool.Node.Hosting;
using Akka.Actor;
using Akka.Cluster;
using Akka.Routing;
using Xunit;

namespace ActorPool.Tests.Cluster;

/// <summary>
/// Three ActorSystems in this process, on 127.0.0.1 with ports picked by the OS, formed into one cluster of
/// worker nodes, with a pool on the first. Every wait is bounded; the systems are terminated however the tests end.
/// </summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    public const int WorkersPerNode = 2;

    public ActorSystem[] Nodes { get; private set; } = [];

    public Pool Pool { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var first = ActorSystem.Create(NodeConfig.SystemName, NodeConfig.Member(0, [], ["worker"], WorkersPerNode, "akka.loglevel = WARNING"));
        var seed = Akka.Cluster.Cluster.Get(first).SelfAddress;
        Nodes =
        [
            first,
            ActorSystem.Create(NodeConfig.SystemName, NodeConfig.Member(0, [seed.ToString()], ["worker"], WorkersPerNode, "akka.loglevel = WARNING")),
            ActorSystem.Create(NodeConfig.SystemName, NodeConfig.Member(0, [seed.ToString()], ["worker"], WorkersPerNode, "akka.loglevel = WARNING")),
        ];
        Akka.Cluster.Cluster.Get(first).Join(seed);
        await Until(() => Nodes.All(n => Akka.Cluster.Cluster.Get(first).State.Members.Count(m => m.Status == MemberStatus.Up) == Nodes.Length),
            "all three nodes up");
        Pool = Pool.Create(first, new PoolOptions { Processes = WorkersPerNode });
        await Until(async () => (await Routees()).Count == Nodes.Length * WorkersPerNode, "a worker routee on every node");
    }

    public async Task DisposeAsync()
    {
        Pool?.Terminate();
        await Task.WhenAll(Nodes.Select(n => n.Terminate().WaitAsync(Bound).ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    /// <summary>The routees the cluster-aware pool has deployed, as its router sees them.</summary>
    public async Task<IReadOnlyList<IActorRef>> Routees()
    {
        var routees = await Nodes[0].ActorSelection(Pool.Router.Path / "workers").Ask<Routees>(GetRoutees.Instance, TimeSpan.FromSeconds(3));
        return routees.Members.OfType<ActorRefRoutee>().Select(r => r.Actor).ToList();
    }

    private static async Task<bool> Safely(Func<Task<bool>> condition)
    {
        try
        {
            return await condition();
        }
        catch (AskTimeoutException)
        {
            // Not there yet (an actor still starting): ask again.
            return false;
        }
    }

    public static async Task Until(Func<bool> condition, string what) => await Until(() => Task.FromResult(condition()), what);

    public static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await Safely(condition))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {Bound.TotalSeconds} s waiting for {what}.");
            }

            await Task.Delay(100);
        }
    }
}
