using ActorPool.Internal;
using ActorPool.Node.Hosting;
using ActorPool.Serialization;
using ActorPool.Tests.EndToEnd;
using Akka.Actor;
using Akka.Routing;
using Xunit;

namespace ActorPool.Tests.Regressions;

/// <summary>
/// Calls that once waited for ever: each now ends within a bound far below a hang, with its values or a clear
/// <see cref="PoolException"/>. A hang shows as a <see cref="TimeoutException"/> from the bound, never as a stuck run.
/// </summary>
internal static class Prompt
{
    /// <summary>Far longer than a prompt answer takes on a loaded machine; far shorter than a hang.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
}

/// <summary>A client member with a pool and a worker member that runs every chunk, so every result crosses the wire.</summary>
public sealed class ClientAndWorkerNodes : IAsyncLifetime
{
    private const string Quiet = "akka.loglevel = WARNING";

    public ActorSystem Client { get; private set; } = null!;

    public ActorSystem Worker { get; private set; } = null!;

    public Pool Pool { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var worker = await PoolNode.StartAsync(Cluster.ThreeNodeCluster.Member([], Quiet));
        Worker = worker.System;
        var seed = Akka.Cluster.Cluster.Get(Worker).SelfAddress;
        var client = await PoolNode.StartAsync(Cluster.ThreeNodeCluster.Member([worker.Address], Quiet) with { Roles = ["client"] });
        Client = client.System;
        Pool = Pool.Create(Client, new PoolOptions());
        await Cluster.ThreeNodeCluster.Until(async () =>
        {
            var found = await Client.ActorSelection(Pool.Router.Path / "workers").Ask<WorkersFound>(GetRoutees.Instance, TimeSpan.FromSeconds(3));
            var workers = found.Workers.Select(w => w.Worker).ToList();
            // Every worker is on the other node: nothing runs where the results are read.
            return workers.Count == 2 && workers.TrueForAll(w => w.Path.Address.Equals(seed));
        }, "two worker routees, both on the worker node");
    }

    public async Task DisposeAsync()
    {
        Pool?.Terminate();
        await Task.WhenAll(new[] { Client, Worker }.Where(s => s is not null)
            .Select(s => s.Terminate().WaitAsync(Prompt.Bound).ContinueWith(_ => { }, TaskScheduler.Default)));
    }
}

/// <summary>Tuple results cross to the node that asked for them with their exact values, or fail saying why.</summary>
[Collection("cluster")]
public sealed class CrossNodeTupleSpec(ClientAndWorkerNodes nodes) : IClassFixture<ClientAndWorkerNodes>
{
    [Fact]
    public async Task A_4_tuple_of_mixed_types_crosses_nodes_with_exact_values()
    {
        var results = await nodes.Pool.MapAsync(RegressionJobs.Quad, new[] { 1, 2, 3, 4 }, chunkSize: 1).WaitAsync(Prompt.Bound);

        Assert.Equal([(1, "item 1", 1.25m, -1), (2, "item 2", 2.25m, -2), (3, "item 3", 3.25m, -3), (4, "item 4", 4.25m, -4)], results);
    }

    [Fact]
    public async Task A_4_tuple_apply_crosses_nodes_with_exact_values()
    {
        var result = await nodes.Pool.ApplyAsync(RegressionJobs.Quad, 7).WaitAsync(Prompt.Bound);

        Assert.Equal((7, "item 7", 7.25m, -7), result);
    }

    [Fact]
    public async Task A_7_tuple_the_largest_allowed_crosses_nodes_with_exact_values()
    {
        var results = await nodes.Pool.MapAsync(RegressionJobs.Septet, new[] { 1, 2 }, chunkSize: 1).WaitAsync(Prompt.Bound);

        Assert.Equal([RegressionJobs.Septet(1), RegressionJobs.Septet(2)], results);
    }

    [Fact]
    public async Task An_8_tuple_fails_with_a_PoolPayloadException_naming_the_tuple()
    {
        var error = await Assert.ThrowsAsync<PoolPayloadException>(() =>
            nodes.Pool.MapAsync(RegressionJobs.Octet, new[] { 1, 2, 3 }, chunkSize: 1).WaitAsync(Prompt.Bound));

        Assert.Contains("tuple of 8 values", error.Message);
        Assert.Contains("ValueTuple`8", error.Message);
        Assert.Contains("cannot run on another node", error.Message);
    }

    [Fact]
    public async Task An_8_tuple_apply_fails_with_a_PoolPayloadException_too()
    {
        var error = await Assert.ThrowsAsync<PoolPayloadException>(() => nodes.Pool.ApplyAsync(RegressionJobs.Octet, 1).WaitAsync(Prompt.Bound));

        Assert.Contains("tuple of 8 values", error.Message);
    }

    [Fact]
    public async Task A_tuple_with_a_null_string_member_crosses_nodes_with_exact_values()
    {
        var results = await nodes.Pool.MapAsync(RegressionJobs.MaybeNamed, new[] { 1, 2, 3, 4 }, chunkSize: 2).WaitAsync(Prompt.Bound);

        Assert.Equal([(1, "odd 1"), (2, null), (3, "odd 3"), (4, null)], results);
    }

    [Fact]
    public async Task A_tuple_apply_with_a_null_string_member_crosses_nodes()
    {
        var result = await nodes.Pool.ApplyAsync(RegressionJobs.MaybeNamed, 2).WaitAsync(Prompt.Bound);

        Assert.Equal((2, (string?)null), result);
    }
}

/// <summary>A ClusterClient whose contact points never answer gives up after its reconnect timeout, and so do the calls.</summary>
[Collection("cluster")]
public sealed class UnreachableContactSpec : IAsyncLifetime
{
    /// <summary>The 3 s reconnect timeout, with room for a loaded machine.</summary>
    private static readonly TimeSpan GiveUpBound = TimeSpan.FromSeconds(15);
    private ActorSystem _client = null!;
    private Pool _pool = null!;

    public Task InitializeAsync()
    {
        _client = ActorSystem.Create(NodeConfig.SystemName, NodeConfig.Client("akka.cluster.client.reconnect-timeout = 3s\nakka.loglevel = WARNING"));
        // A port that was free a moment ago: nothing listens there.
        var port = FreePorts.Take(1)[0];
        _pool = Pool.ConnectViaClusterClient(_client, [$"akka.tcp://{NodeConfig.SystemName}@127.0.0.1:{port}/system/receptionist"], new PoolOptions { Processes = 2 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _pool.Terminate();
        await _client.Terminate().WaitAsync(Prompt.Bound).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task An_outstanding_call_fails_with_PoolWorkerLostException_after_the_reconnect_timeout()
    {
        var error = await Assert.ThrowsAsync<PoolWorkerLostException>(() =>
            _pool.MapAsync(SampleFunctions.Square, new[] { 1L, 2L, 3L }).WaitAsync(GiveUpBound));

        Assert.Contains("no contact point answered", error.Message);
    }

    [Fact]
    public async Task A_call_made_after_the_client_gave_up_fails_promptly_too()
    {
        await Assert.ThrowsAsync<PoolWorkerLostException>(() => _pool.ApplyAsync(SampleFunctions.Square, 2L).WaitAsync(GiveUpBound));

        // The ClusterClient has stopped: a later call must not be sent into the void and wait for ever.
        var later = await Record.ExceptionAsync(() => _pool.ApplyAsync(SampleFunctions.Square, 3L).WaitAsync(GiveUpBound));
        Assert.True(later is PoolWorkerLostException or PoolClosedException,
            $"A call after the ClusterClient gave up should fail with PoolWorkerLostException, but got {later?.GetType().Name ?? "a result"}: {later?.Message}");
    }
}

/// <summary>A pool in a borrowed actor system that stops under it (Terminate, or CoordinatedShutdown on SIGTERM).</summary>
[Collection("cluster")]
public sealed class StoppedSystemSpec
{
    private const string Hocon = """
        akka.loglevel = WARNING
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """;

    [Fact]
    public Task Terminate_fails_the_outstanding_map_and_leaves_a_closed_pool() =>
        StopMidMap(system => system.Terminate());

    [Fact]
    public Task CoordinatedShutdown_fails_the_outstanding_map_and_leaves_a_closed_pool() =>
        StopMidMap(system => CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance));

    private static async Task StopMidMap(Func<ActorSystem, Task> stop)
    {
        var system = ActorSystem.Create("borrowed", Hocon);
        try
        {
            var pool = Pool.Create(system, new PoolOptions { Processes = 2 });
            Assert.Equal(4, await pool.ApplyAsync(TestJobs.Square, 2).WaitAsync(Prompt.Bound));

            // At least 5 s of work on two workers.
            var map = pool.MapAsync(TestJobs.Sleep, Enumerable.Repeat(250, 40), chunkSize: 1);
            await Task.Delay(300);
            Assert.False(map.IsCompleted);
            var stopping = stop(system);

            var error = await Assert.ThrowsAsync<PoolWorkerLostException>(() => map.WaitAsync(Prompt.Bound));
            Assert.Contains("has stopped", error.Message);
            await stopping.WaitAsync(Prompt.Bound);
            await pool.DisposeAsync().AsTask().WaitAsync(Prompt.Bound);
            await Assert.ThrowsAsync<PoolClosedException>(() => pool.MapAsync(TestJobs.Square, new[] { 1 }).WaitAsync(Prompt.Bound));
        }
        finally
        {
            await system.Terminate().WaitAsync(Prompt.Bound);
        }
    }
}

/// <summary>Values of a type registered nowhere.</summary>
public enum Unregistered
{
    Harmless,
    Evil,
}

/// <summary>
/// A chunk whose payload names a type off the receiving node's allow-list: Akka used to drop it with a log line
/// while the call waited for ever; now the worker answers a payload failure and keeps serving.
/// </summary>
[Collection("cluster")]
public sealed class UnreadablePayloadSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private static readonly string Square = TestJobs.WireName(nameof(TestJobs.Square));
    private ActorSystem _node = null!;

    public UnreadablePayloadSpec() : base(NodeConfig.Client("akka.loglevel = WARNING"), "unreadable-payload-spec")
    {
    }

    public Task InitializeAsync()
    {
        ActorPoolSetup.Ensure(Sys);
        _node = ActorSystem.Create(NodeConfig.SystemName, NodeConfig.Client("akka.loglevel = WARNING"));
        ActorPoolSetup.Ensure(_node);
        _node.ActorOf(Props.Create(() => new Worker(new WorkerOptions(null, null))), "worker");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _node.Terminate().WaitAsync(Prompt.Bound).ContinueWith(_ => { }, TaskScheduler.Default);

    [Fact]
    public void The_serializer_reads_such_a_chunk_as_one_that_fails_instead_of_throwing()
    {
        var (manifest, bytes) = Crafted(new Chunk(30, 1, 2, Square, new[] { Unregistered.Evil }, 0, 1));

        var chunk = Assert.IsType<Chunk>(Sys.Serialization.Deserialize(bytes, 7_701, manifest));

        Assert.Equal((30L, 1, 2, Square), (chunk.RequestKey, chunk.Index, chunk.Attempt, chunk.Function));
        var error = Assert.IsType<PoolPayloadException>(chunk.Undecodable);
        Assert.Contains(typeof(Unregistered).FullName!, error.Message);
    }

    [Fact]
    public async Task A_worker_on_another_node_answers_a_payload_failure_and_stays_alive()
    {
        var address = ((ExtendedActorSystem)_node).Provider.DefaultAddress;
        var worker = await Sys.ActorSelection(new RootActorPath(address) / "user" / "worker").ResolveOne(Prompt.Bound);
        var (manifest, bytes) = Crafted(new Chunk(31, 0, 0, Square, new[] { Unregistered.Evil }, 0, 1));

        // Sent as bytes already encoded, as the transport sends every message to another node.
        worker.Tell(new Encoded(manifest, bytes), TestActor);

        var failed = await ExpectMsgAsync<ChunkFailed>(Prompt.Bound);
        Assert.Equal((31L, 0, 0), (failed.RequestKey, failed.Index, failed.Attempt));
        Assert.Equal(FailureKind.Payload, failed.Failure.Kind);
        Assert.Contains("not on this node's allow-list", failed.Failure.Message);
        Assert.IsType<PoolPayloadException>(failed.Failure.ToException(0));

        worker.Tell(new Chunk(32, 0, 0, Square, new[] { 5 }, 0, 1), TestActor);
        var result = await ExpectMsgAsync<ChunkResult>(Prompt.Bound);
        Assert.Equal(32L, result.RequestKey);
        Assert.Equal(new[] { 25 }, Assert.IsType<int[]>(result.Values));
    }

    /// <summary>The bytes a sender whose allow-list holds <see cref="Unregistered"/> would send.</summary>
    private (string Manifest, byte[] Bytes) Crafted(Chunk chunk)
    {
        var allowList = new TypeAllowList();
        allowList.Include(typeof(Unregistered));
        var sender = new ActorPoolSerializer((ExtendedActorSystem)Sys, allowList);
        return (sender.Manifest(chunk), sender.ToBinary(chunk));
    }
}
