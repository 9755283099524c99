using ActorPool.Internal;
using Akka.Actor;
using Akka.Cluster;
using Akka.Routing;
using Xunit;

namespace ActorPool.Tests.Cluster;

/// <summary>
/// Three worker nodes in this process (<see cref="PoolNode"/>s on 127.0.0.1, ports picked by the OS) formed into one
/// cluster, with a pool on the first. Every wait is bounded; the nodes are stopped however the tests end.
/// </summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    public const int WorkersPerNode = 2;
    public const string Quiet = "akka.loglevel = WARNING";

    public PoolNode[] PoolNodes { get; private set; } = [];

    public ActorSystem[] Nodes => PoolNodes.Select(n => n.System).ToArray();

    public Pool Pool { get; private set; } = null!;

    /// <summary>A worker node's options: <see cref="WorkersPerNode"/> workers, quiet logs, joining through <paramref name="seeds"/>.</summary>
    public static ClusterOptions Member(IReadOnlyList<string> seeds, string? config = null) =>
        new() { Seeds = seeds, Workers = WorkersPerNode, Config = config ?? Quiet };

    public async Task InitializeAsync()
    {
        var first = await PoolNode.StartAsync(Member([]));
        var others = await Task.WhenAll(PoolNode.StartAsync(Member([first.Address])), PoolNode.StartAsync(Member([first.Address])));
        PoolNodes = [first, .. others];
        await Until(() => Akka.Cluster.Cluster.Get(first.System).State.Members.Count(m => m.Status == MemberStatus.Up) == PoolNodes.Length, "all three nodes up");
        Pool = Pool.Create(first.System, new PoolOptions());
        await Until(async () => (await Routees()).Count == PoolNodes.Length * WorkersPerNode, "every node's workers found");
    }

    public async Task DisposeAsync()
    {
        Pool?.Terminate();
        await Task.WhenAll(Nodes.Select(n => n.Terminate().WaitAsync(Bound).ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    /// <summary>The workers the pool's router can deal to now, as its worker directory sees them.</summary>
    public async Task<IReadOnlyList<IActorRef>> Routees()
    {
        var found = await PoolNodes[0].System.ActorSelection(Pool.Router.Path / "workers").Ask<WorkersFound>(GetRoutees.Instance, TimeSpan.FromSeconds(3));
        return found.Workers.Select(w => w.Worker).ToList();
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
