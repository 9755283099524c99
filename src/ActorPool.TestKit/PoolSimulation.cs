using ActorPool.Internal;
using Akka.Actor;
using Akka.Cluster;
using Akka.TestKit;

namespace ActorPool.TestKit;

/// <summary>
/// A cluster of in-process worker nodes on 127.0.0.1 (ports picked by the OS) and a pool over them, for a spec of
/// code that uses ActorPool: start it from any Akka.TestKit spec, run work through <see cref="Pool"/>, and inject the
/// faults a real cluster has — a node killed or stopped, a node added, a worker killed, two nodes cut off from each
/// other, slow workers — then assert on exact results. Every wait is bounded (dilated by the TestKit's time factor);
/// the simulation is torn down when disposed, or with the spec's actor system however the spec ends.
/// </summary>
/// <remarks>
/// The pool runs in a client member of its own, so killing any node leaves it standing. Its router publishes a
/// <see cref="ChunkEvent"/> per chunk on <see cref="Pool"/>'s <c>System.EventStream</c>; subscribe a probe to see
/// where work went. Nodes run the split-brain resolver as production nodes do: a node cut off for longer than
/// <see cref="SimulationSettings.StableAfter"/> is downed, and a downed node does not come back.
/// </remarks>
public sealed class PoolSimulation : IAsyncDisposable
{
    private readonly TestKitBase _testKit;
    private readonly string _config;
    private readonly int _workersPerNode;
    private readonly List<PoolNode> _nodes;
    private readonly HashSet<int> _gone = [];
    private int _disposed;

    private PoolSimulation(TestKitBase testKit, string config, int workersPerNode, List<PoolNode> nodes, Pool pool)
    {
        _testKit = testKit;
        _config = config;
        _workersPerNode = workersPerNode;
        _nodes = nodes;
        Pool = pool;
    }

    /// <summary>A pool over every node's workers, in a client member of the cluster.</summary>
    public Pool Pool { get; }

    /// <summary>The nodes, in the order they were started (a killed or stopped node keeps its index).</summary>
    public IReadOnlyList<PoolNode> Nodes => _nodes;

    /// <summary>How long any one step of the simulation may take before it fails the spec.</summary>
    public TimeSpan Bound => _testKit.Dilated(SimulationSettings.StepBound);

    /// <summary>
    /// Starts <paramref name="nodes"/> worker nodes of <paramref name="workersPerNode"/> workers each, forms them into
    /// one cluster, joins a client member with a pool over them, and returns once the pool deals to every worker.
    /// </summary>
    /// <param name="testKit">The spec: its time factor dilates every bound, and its actor system's end tears the simulation down.</param>
    /// <param name="nodes">How many worker nodes (at least 1).</param>
    /// <param name="workersPerNode">Workers on each node (at least 1).</param>
    /// <param name="options">The pool's call defaults (<see cref="PoolOptions.ChunkSize"/>, <see cref="PoolOptions.TaskTimeout"/>).</param>
    /// <param name="config">HOCON laid over every node's and the client's configuration (your <c>actorpool</c> settings, say).</param>
    /// <returns>The running simulation; dispose it (<c>await using</c>) to stop every node.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nodes"/> or <paramref name="workersPerNode"/> is less than 1.</exception>
    /// <exception cref="TimeoutException">The cluster did not form, or the pool did not find every worker, within the bound.</exception>
    public static async Task<PoolSimulation> StartAsync(TestKitBase testKit, int nodes, int workersPerNode, PoolOptions? options = null, string? config = null)
    {
        ArgumentNullException.ThrowIfNull(testKit);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(workersPerNode, 1);
        var hocon = SimulationSettings.MemberConfig(config);
        var started = new List<PoolNode>();
        try
        {
            // The first node forms the cluster; the others join through it, together.
            started.Add(await PoolNode.StartAsync(Member([], workersPerNode, hocon)).ConfigureAwait(false));
            started.AddRange(await Task.WhenAll(Enumerable.Range(1, nodes - 1)
                .Select(_ => PoolNode.StartAsync(Member([started[0].Address], workersPerNode, hocon)))).ConfigureAwait(false));
            var pool = await Pool.ConnectAsync(
                new ClusterOptions { Seeds = started.Select(n => n.Address).ToArray(), Config = hocon }, options).ConfigureAwait(false);
            var simulation = new PoolSimulation(testKit, hocon, workersPerNode, started, pool);
            // However the spec ends, its system's termination stops ours.
            testKit.Sys.RegisterOnTermination(() => _ = simulation.DisposeAsync().AsTask());
            await simulation.UntilAsync(async () => await simulation.WorkersDealtToAsync().ConfigureAwait(false) == nodes * workersPerNode,
                $"the pool to deal to all {nodes * workersPerNode} workers").ConfigureAwait(false);
            return simulation;
        }
        catch
        {
            await Task.WhenAll(started.Select(n => StopQuietly(n.System))).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Kills node <paramref name="index"/> abruptly, as <c>kill -9</c> would: it stops without leaving the cluster.
    /// The others find it unreachable within seconds; the pool sends its chunks again elsewhere.
    /// </summary>
    /// <param name="index">The node's index in <see cref="Nodes"/>.</param>
    public async Task KillNodeAsync(int index)
    {
        var node = Running(index);
        _gone.Add(index);
        // Coordinated shutdown does not run on Terminate in a simulation's nodes: no leave, no goodbye.
        await node.System.Terminate().WaitAsync(Bound).ConfigureAwait(false);
    }

    /// <summary>Stops node <paramref name="index"/> gracefully: it leaves the cluster, and what its workers held is sent again.</summary>
    /// <param name="index">The node's index in <see cref="Nodes"/>.</param>
    public async Task StopNodeAsync(int index)
    {
        var node = Running(index);
        _gone.Add(index);
        await node.DisposeAsync().AsTask().WaitAsync(Bound).ConfigureAwait(false);
    }

    /// <summary>Starts one more worker node, joins it to the cluster and returns once the pool deals to its workers.</summary>
    /// <returns>The new node's index in <see cref="Nodes"/>.</returns>
    public async Task<int> AddNodeAsync()
    {
        var seeds = RunningNodes().Select(n => n.Address).ToArray();
        var node = await PoolNode.StartAsync(Member(seeds, _workersPerNode, _config)).WaitAsync(Bound).ConfigureAwait(false);
        _nodes.Add(node);
        var expected = RunningNodes().Count() * _workersPerNode;
        await UntilAsync(async () => await WorkersDealtToAsync().ConfigureAwait(false) >= expected, $"the pool to deal to the new node's workers ({expected} in all)").ConfigureAwait(false);
        return _nodes.Count - 1;
    }

    /// <summary>
    /// Kills worker <paramref name="worker"/> (0-based) of node <paramref name="node"/>, as a crash would; its node
    /// starts a fresh worker in its place and the pool sends the chunks it held again.
    /// </summary>
    /// <param name="node">The node's index in <see cref="Nodes"/>.</param>
    /// <param name="worker">The worker's index among its node's workers.</param>
    public async Task KillWorkerAsync(int node, int worker)
    {
        var system = Running(node).System;
        var listed = await Host(system).Ask<WorkersOf>(ListWorkers.Instance, Bound).ConfigureAwait(false);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(worker, listed.Workers.Count);
        var victim = listed.Workers[worker];
        using var inbox = Inbox.Create(system);
        inbox.Watch(victim);
        victim.Tell(Kill.Instance);
        while (await inbox.ReceiveAsync(Bound).ConfigureAwait(false) is not Terminated { ActorRef: var gone } || !gone.Equals(victim))
        {
        }
    }

    /// <summary>
    /// Makes every worker of node <paramref name="node"/> wait <paramref name="delay"/> before each chunk, as on an
    /// overloaded machine; <see cref="TimeSpan.Zero"/> makes them quick again.
    /// </summary>
    /// <param name="node">The node's index in <see cref="Nodes"/>.</param>
    /// <param name="delay">The wait before each chunk.</param>
    public void SlowWorkers(int node, TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Host(Running(node).System).Tell(new DelayChunks(delay));
    }

    /// <summary>
    /// Cuts nodes <paramref name="a"/> and <paramref name="b"/> off from each other (Akka's throttler transport,
    /// blackholing both directions) and returns once the cluster sees the cut: each side finds the other unreachable,
    /// so the cluster counts both out, and the pool deals only to the other nodes' workers and sends what the two
    /// held elsewhere. Heal within the split-brain resolver's
    /// <see cref="SimulationSettings.StableAfter"/>, or it downs the nodes cut off.
    /// </summary>
    /// <param name="a">One node's index in <see cref="Nodes"/>.</param>
    /// <param name="b">The other node's index.</param>
    public async Task PartitionAsync(int a, int b)
    {
        var cut = new[] { Running(a), Running(b) };
        await Partitions.CutAsync(cut[0], cut[1], Bound).ConfigureAwait(false);
        // Each side sees the other unreachable, so the cluster (and the pool) counts both out until the cut heals.
        var addresses = cut.Select(n => Cluster.Get(n.System).SelfAddress).ToHashSet();
        var expected = (RunningNodes().Count() - cut.Length) * _workersPerNode;
        await UntilAsync(async () => addresses.IsSubsetOf(Unreachable(Pool.System).Select(m => m.Address))
                && await WorkersDealtToAsync().ConfigureAwait(false) == expected,
            $"the cluster to see nodes {a} and {b} cut off, and the pool to deal only to the other {expected} workers").ConfigureAwait(false);
    }

    /// <summary>Reconnects nodes <paramref name="a"/> and <paramref name="b"/>, and returns once every node is reachable and dealt to again.</summary>
    /// <param name="a">One node's index in <see cref="Nodes"/>.</param>
    /// <param name="b">The other node's index.</param>
    public async Task HealAsync(int a, int b)
    {
        await Partitions.HealAsync(Running(a), Running(b), Bound).ConfigureAwait(false);
        var expected = RunningNodes().Count() * _workersPerNode;
        await UntilAsync(async () => !Unreachable(Pool.System).Any() && await WorkersDealtToAsync().ConfigureAwait(false) == expected,
            $"nodes {a} and {b} to be reachable and dealt to again").ConfigureAwait(false);
    }

    /// <summary>Stops the pool, its client member and every node, each within the bound; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Pool.Terminate();
        await Task.WhenAll(_nodes.Select(n => n.System).Append(Pool.System).Select(StopQuietly)).ConfigureAwait(false);
    }

    /// <summary>How many workers the pool's router deals to now.</summary>
    internal async Task<int> WorkersDealtToAsync() =>
        (await Pool.Router.Ask<WorkerCount>(CountWorkers.Instance, Bound).ConfigureAwait(false)).Workers;

    private static ClusterOptions Member(IReadOnlyList<string> seeds, int workers, string config) =>
        new() { Seeds = seeds, Workers = workers, Config = config };

    private static ActorSelection Host(ActorSystem system) => system.ActorSelection($"/user/{WorkerHost.Name}");

    private static IEnumerable<Member> Unreachable(ActorSystem system) => Cluster.Get(system).State.Unreachable;

    private static Task StopQuietly(ActorSystem system) =>
        system.Terminate().WaitAsync(SimulationSettings.StepBound).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

    private PoolNode Running(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _nodes.Count);
        return _gone.Contains(index) ? throw new InvalidOperationException($"Node {index} was killed or stopped.") : _nodes[index];
    }

    private IEnumerable<PoolNode> RunningNodes() => _nodes.Where((_, i) => !_gone.Contains(i));

    /// <summary>Waits until <paramref name="condition"/> holds, at most <see cref="Bound"/>.</summary>
    private async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            try
            {
                if (await condition().ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (AskTimeoutException)
            {
                // Not answering yet: ask again.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {Bound.TotalSeconds:0} s waiting for {what}.");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }
}
