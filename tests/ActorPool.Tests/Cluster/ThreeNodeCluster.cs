using ActorPool.Internal;
using ActorPool.TestKit;
using Akka.Actor;
using Akka.Routing;
using Xunit;

namespace ActorPool.Tests.Cluster;

/// <summary>
/// Three worker nodes in this process formed into one cluster by the simulation harness our users get
/// (<see cref="PoolSimulation"/>), with a second pool on the first node, whose router is a node's own, as
/// ClusterClient callers and <c>map --seeds</c> clients meet it. Every wait is bounded; the nodes are stopped
/// however the tests end.
/// </summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    public const int WorkersPerNode = 2;
    public const string Quiet = "akka.loglevel = WARNING";

    /// <summary>The configuration of a member that joins this fixture's cluster (its nodes' transport carries the throttler).</summary>
    public static readonly string Joining = SimulationSettings.MemberConfig(Quiet);

    // The harness belongs in a TestKit spec; a class fixture owns one of its own.
    private readonly Akka.TestKit.Xunit2.TestKit _testKit = new(Quiet);

    /// <summary>The harness: fault injection, and a pool in a client member of its own.</summary>
    public PoolSimulation Simulation { get; private set; } = null!;

    public PoolNode[] PoolNodes => Simulation.Nodes.ToArray();

    public ActorSystem[] Nodes => PoolNodes.Select(n => n.System).ToArray();

    /// <summary>A pool whose router runs on the first node.</summary>
    public Pool Pool { get; private set; } = null!;

    /// <summary>A worker node's options: <see cref="WorkersPerNode"/> workers, quiet logs, joining through <paramref name="seeds"/>.</summary>
    public static ClusterOptions Member(IReadOnlyList<string> seeds, string? config = null) =>
        new() { Seeds = seeds, Workers = WorkersPerNode, Config = config ?? Quiet };

    public async Task InitializeAsync()
    {
        Simulation = await PoolSimulation.StartAsync(_testKit, nodes: 3, WorkersPerNode);
        Pool = Pool.Create(PoolNodes[0].System, new PoolOptions());
        await Until(async () => (await Routees()).Count == PoolNodes.Length * WorkersPerNode, "every node's workers found");
    }

    public async Task DisposeAsync()
    {
        Pool?.Terminate();
        if (Simulation is not null)
        {
            await Simulation.DisposeAsync();
        }

        _testKit.Dispose();
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
