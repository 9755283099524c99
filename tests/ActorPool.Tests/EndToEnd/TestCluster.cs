using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace ActorPool.Tests.EndToEnd;

/// <summary>
/// A cluster of real <c>ActorPool.Node node</c> processes on 127.0.0.1, on ports found free at test time. The first
/// node forms the cluster: it is the only seed, or (<see cref="StartEverySeedAsync"/>) the first of a list naming
/// every node, as the README shows. Disposing the cluster kills every node still running, restarted ones and those
/// they replaced.
/// </summary>
internal sealed class TestCluster : IDisposable
{
    /// <summary>How long starting a node and seeing it Up may take, even on a loaded 2-core machine.</summary>
    public static readonly TimeSpan UpBound = TimeSpan.FromSeconds(60);

    private readonly List<NodeProcess> _nodes = [];

    // Processes that a restart replaced: killed already, disposed with the cluster.
    private readonly List<NodeProcess> _replaced = [];

    private readonly bool _everySeed;

    private TestCluster(string name, int[] ports, bool everySeed = false)
    {
        Name = name;
        Addresses = ports.Select(Address).ToArray();
        Ports = ports;
        _everySeed = everySeed;
    }

    /// <summary>Names the nodes in failure messages.</summary>
    public string Name { get; }

    /// <summary>The nodes, the seed first; a restarted node's new process in its old place.</summary>
    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    /// <summary>The nodes' ports, in <see cref="Nodes"/> order.</summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>The nodes' addresses (<c>akka.tcp://actorpool@127.0.0.1:PORT</c>), in <see cref="Nodes"/> order.</summary>
    public IReadOnlyList<string> Addresses { get; }

    /// <summary>The value of <c>--seeds</c>: the first node (which lists itself first and so forms the cluster), or every node.</summary>
    public string Seeds => _everySeed ? string.Join(",", Addresses) : Addresses[0];

    /// <summary>A node's address on 127.0.0.1.</summary>
    public static string Address(int port) => $"akka.tcp://actorpool@127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Starts <paramref name="size"/> worker nodes and waits until each is Up and the seed has seen every one Up.
    /// The seed starts first: a node that asks a seed not yet listening retries only after ~10 s, so the others are
    /// started together once the seed is up.
    /// </summary>
    public static Task<TestCluster> StartAsync(string name, int size, ITestOutputHelper? log = null, params string[] nodeOptions) =>
        StartAsync(new TestCluster(name, FreePorts.Take(size)), log, nodeOptions);

    /// <summary>As <see cref="StartAsync(string, int, ITestOutputHelper?, string[])"/>, every node given the same list of every node as seeds.</summary>
    public static Task<TestCluster> StartEverySeedAsync(string name, int size, ITestOutputHelper? log = null, params string[] nodeOptions) =>
        StartAsync(new TestCluster(name, FreePorts.Take(size), everySeed: true), log, nodeOptions);

    /// <summary>
    /// Kills node <paramref name="index"/> (SIGKILL) and starts it again with the same command; returns the new process,
    /// which takes the old one's place in <see cref="Nodes"/>, so the next restart of the node kills it.
    /// </summary>
    public NodeProcess Restart(int index, params string[] nodeOptions)
    {
        var old = _nodes[index];
        old.Kill();
        _replaced.Add(old);
        _nodes[index] = NodeProcess.Start($"{Name}-node{index}-restarted-{_replaced.Count.ToString(CultureInfo.InvariantCulture)}",
            ["node", "--port", Ports[index].ToString(CultureInfo.InvariantCulture), "--seeds", Seeds, .. nodeOptions]);
        return _nodes[index];
    }

    private static async Task<TestCluster> StartAsync(TestCluster cluster, ITestOutputHelper? log, string[] nodeOptions)
    {
        var (clock, name, size) = (Stopwatch.StartNew(), cluster.Name, cluster.Ports.Count);
        try
        {
            cluster.StartNode(0, nodeOptions);
            await WaitUpAsync(cluster._nodes[0], cluster.Addresses[0]).ConfigureAwait(false);
            for (var i = 1; i < size; i++)
            {
                cluster.StartNode(i, nodeOptions);
            }

            await Task.WhenAll(cluster._nodes.Skip(1).Select((node, i) => WaitUpAsync(node, cluster.Addresses[i + 1]))).ConfigureAwait(false);
            await Task.WhenAll(cluster.Addresses.Select(address => cluster.WaitForMemberEventAsync(cluster._nodes[0], "member up", address))).ConfigureAwait(false);
            log?.WriteLine($"cluster '{name}' of {size} nodes up in {clock.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", cluster.Ports)}");
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Starts one more node that joins this cluster through its seed, and waits until it is Up.</summary>
    public async Task<(NodeProcess Node, string Address)> JoinNodeAsync(string name, params string[] nodeOptions)
    {
        var port = FreePorts.Take(1)[0];
        var address = Address(port);
        var node = NodeProcess.Start(name, ["node", "--port", port.ToString(CultureInfo.InvariantCulture), "--seeds", Seeds, .. nodeOptions]);
        try
        {
            await WaitUpAsync(node, address).ConfigureAwait(false);
            return (node, address);
        }
        catch
        {
            node.Dispose();
            throw;
        }
    }

    /// <summary>Waits until <paramref name="node"/> logs <c>[cluster] EVENT: ADDRESS</c>, e.g. <c>member removed</c>.</summary>
    public Task<string> WaitForMemberEventAsync(NodeProcess node, string memberEvent, string address) =>
        WaitForMemberEventAsync(node, memberEvent, address, UpBound);

    /// <inheritdoc cref="WaitForMemberEventAsync(NodeProcess, string, string)"/>
    public static Task<string> WaitForMemberEventAsync(NodeProcess node, string memberEvent, string address, TimeSpan timeout) =>
        node.WaitForStderrAsync(line => line.StartsWith($"[cluster] {memberEvent}: {address} ", StringComparison.Ordinal), timeout,
            $"'[cluster] {memberEvent}: {address}'");

    /// <summary>Everything every node printed on stderr, for a failure message.</summary>
    public string Describe() => string.Join(Environment.NewLine, _nodes.Select(n => n.Describe(stderrLines: 30)));

    /// <summary>Kills every node still running.</summary>
    public void Dispose()
    {
        // Kill them all first, then wait: quicker than one after another, and no node outlives a failed test.
        Parallel.ForEach(_nodes.Concat(_replaced), node => node.Dispose());
    }

    /// <summary>Waits until <paramref name="node"/> logs that it is up at <paramref name="address"/>.</summary>
    public static Task<string> WaitUpAsync(NodeProcess node, string address) =>
        node.WaitForStderrAsync(line => line.StartsWith($"node up: {address} ", StringComparison.Ordinal), UpBound, $"'node up: {address}'");

    private void StartNode(int index, string[] nodeOptions) =>
        _nodes.Add(NodeProcess.Start($"{Name}-node{index}",
            ["node", "--port", Ports[index].ToString(CultureInfo.InvariantCulture), "--seeds", Seeds, .. nodeOptions]));
}
