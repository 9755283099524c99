using System.Diagnostics;
using ActorPool.Internal;
using ActorPool.Serialization;
using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.Serialization;
using Akka.TestKit;
using Xunit;

namespace ActorPool.Tests.Actors;

/// <summary>
/// <see cref="ClusterClientProxy"/> driven directly, a test probe standing in for its ClusterClient and others for the
/// routers and aggregators of the nodes: every message goes to one router, nothing goes anywhere while no router is
/// known, and a call whose serving node is lost is sent again to the next router, a bounded number of times.
/// </summary>
public sealed class ClusterClientProxySpec : Akka.TestKit.Xunit2.TestKit
{
    private const string RouterPath = "/user/pool";

    /// <summary>How long "nothing more arrives" is watched for; only a wrong message can fail it, never a slow machine.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private readonly PendingCalls _calls = new(10_000);
    private readonly TestProbe _client;
    private readonly IActorRef _proxy;
    private Exception? _gaveUp;

    public ClusterClientProxySpec() : base(ActorSpecConfig.Local)
    {
        ActorPoolSetup.Ensure(Sys);
        _client = CreateTestProbe("client");
        Action<Exception> gaveUp = e => _gaveUp = e;
        _proxy = Sys.ActorOf(Props.Create(() => new ClusterClientProxy(_client.Ref, RouterPath, _calls, gaveUp, TimeSpan.FromSeconds(30))), "proxy");
    }

    [Fact]
    public async Task Calls_wait_until_a_router_answers_then_every_message_goes_to_it_with_local_affinity()
    {
        var probe = await ExpectProbeAsync();
        var (call, task) = Apply(7);
        await ExpectOnlyProbesAsync();

        var router = CreateTestProbe("router");
        Answer(probe, router);

        var sent = await ExpectSentAsync<Submit>();
        Assert.Equal((call.Id, 7), (sent.RequestId, ((int[])sent.Arguments)[0]));
        _proxy.Tell(new CancelRequest(99), _proxy);
        Assert.Equal(99, (await ExpectSentAsync<CancelRequest>()).RequestId);
        Assert.Equal(router.Ref.Path.Address, (await _proxy.Ask<ServingNode>(GetServingNode.Instance, TimeSpan.FromSeconds(3))).Address);

        _proxy.Tell(new ApplyResult(call.Id, 49), router.Ref);
        Assert.Equal(49, await task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Another_facades_request_through_this_Router_is_forwarded_with_its_own_reply_address()
    {
        Answer(await ExpectProbeAsync(), CreateTestProbe("router"));
        var inbox = CreateTestProbe("other-facade");

        _proxy.Tell(new Submit(1, "square", new[] { 3 }, ReplyMode.Single, inbox.Ref) { ChunkSize = 1 }, inbox.Ref);

        var sent = await ExpectSentAsync<Submit>();
        Assert.Equal((1L, inbox.Ref.Path), (sent.RequestId, sent.ReplyTo.Path));
        Assert.Empty(_calls.Ids);
    }

    [Fact]
    public async Task The_serving_router_lost_sends_its_calls_again_to_the_next_router_and_nothing_to_the_dead_one()
    {
        var first = CreateTestProbe("first");
        Answer(await ExpectProbeAsync(), first);
        var (held, heldTask) = Apply(2);
        var (waiting, waitingTask) = Apply(3);
        await ExpectSentAsync<Submit>();
        await ExpectSentAsync<Submit>();
        // The first call is taken by an aggregator of the router; the second was sent but never accepted.
        var aggregator = CreateTestProbe("aggregator");
        _proxy.Tell(new RequestAccepted(held.Id), aggregator.Ref);

        Sys.Stop(first.Ref);
        var probe = await ExpectProbeAsync();
        // A call made now waits for the next router too, and so does the held one when its aggregator's death comes.
        var (later, laterTask) = Apply(4);
        Sys.Stop(aggregator.Ref);
        await ExpectOnlyProbesAsync();

        var second = CreateTestProbe("second");
        Answer(probe, second);
        var again = new[] { await ExpectSentAsync<Submit>(), await ExpectSentAsync<Submit>(), await ExpectSentAsync<Submit>() };
        Assert.Equal(new[] { held.Id, waiting.Id, later.Id }.Order(), again.Select(s => s.RequestId).Order());
        await _client.ExpectNoMsgAsync(Quiet);

        foreach (var (call, value) in new[] { (held, 4), (waiting, 9), (later, 16) })
        {
            _proxy.Tell(new ApplyResult(call.Id, value), second.Ref);
        }

        var results = await Task.WhenAll(heldTask, waitingTask, laterTask).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([4, 9, 16], results);
    }

    [Fact]
    public async Task An_aggregator_of_the_serving_node_stopping_unanswered_sends_its_call_once_to_the_next_router()
    {
        var first = CreateTestProbe("first");
        Answer(await ExpectProbeAsync(), first);
        var (call, task) = Apply(8);
        await ExpectSentAsync<Submit>();
        var aggregator = CreateTestProbe("aggregator");
        _proxy.Tell(new RequestAccepted(call.Id), aggregator.Ref);

        // Its node is shutting down: the aggregator stops before the router does, and the call must not go to that router.
        Sys.Stop(aggregator.Ref);
        var probe = await ExpectProbeAsync();
        Sys.Stop(first.Ref);
        await ExpectOnlyProbesAsync();

        var second = CreateTestProbe("second");
        Answer(probe, second);
        Assert.Equal(call.Id, (await ExpectSentAsync<Submit>()).RequestId);
        await _client.ExpectNoMsgAsync(Quiet);
        _proxy.Tell(new ApplyResult(call.Id, 64), second.Ref);
        Assert.Equal(64, await task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_replaced_router_whose_death_comes_late_has_its_calls_sent_to_the_new_one_at_once()
    {
        var first = CreateTestProbe("first");
        Answer(await ExpectProbeAsync(), first);
        var (direct, directTask) = Apply(9);
        var (aggregated, _) = Apply(10);
        await ExpectSentAsync<Submit>();
        await ExpectSentAsync<Submit>();
        _proxy.Tell(new RequestAccepted(direct.Id), first.Ref);
        var aggregator = CreateTestProbe("aggregator");
        _proxy.Tell(new RequestAccepted(aggregated.Id), aggregator.Ref);
        Sys.Stop(aggregator.Ref);
        var second = CreateTestProbe("second");
        Answer(await ExpectProbeAsync(), second);
        Assert.Equal(aggregated.Id, (await ExpectSentAsync<Submit>()).RequestId);

        // The first router's own death comes after the second was found: its call goes there, without asking again.
        Sys.Stop(first.Ref);
        var next = Decode(await _client.ExpectMsgAsync<ClusterClient.Send>());
        Assert.Equal(direct.Id, Assert.IsType<Submit>(next).RequestId);
        _proxy.Tell(new ApplyResult(direct.Id, 81), second.Ref);
        Assert.Equal(81, await directTask.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_call_whose_serving_node_is_lost_every_time_fails_after_three_resubmissions_saying_so()
    {
        Answer(await ExpectProbeAsync(), CreateTestProbe("router-0"));
        var (call, task) = Apply(5);
        for (var attempt = 1; attempt <= ClusterClientProxy.MaxResubmissions + 1; attempt++)
        {
            Assert.Equal(call.Id, (await ExpectSentAsync<Submit>()).RequestId);
            // The router answers the call itself (one chunk), and its node is lost before it answers.
            var holder = LastRouter!;
            _proxy.Tell(new RequestAccepted(call.Id), holder.Ref);
            Sys.Stop(holder.Ref);
            if (attempt <= ClusterClientProxy.MaxResubmissions)
            {
                Answer(await ExpectProbeAsync(), CreateTestProbe($"router-{attempt}"));
            }
        }

        var error = await Assert.ThrowsAsync<PoolWorkerLostException>(() => task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("was lost before it answered", error.Message);
        Assert.Contains($"tried {ClusterClientProxy.MaxResubmissions + 1} times", error.Message);
        Assert.Null(_gaveUp);
    }

    [Fact]
    public async Task A_client_that_gives_up_fails_every_call_and_tells_the_facade()
    {
        await ExpectProbeAsync();
        var (_, task) = Apply(6);

        Sys.Stop(_client.Ref);

        var error = await Assert.ThrowsAsync<PoolWorkerLostException>(() => task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("no contact point answered", error.Message);
        Assert.Same(error, _gaveUp);
    }

    /// <summary>The router probe that last answered <see cref="Answer"/>.</summary>
    private TestProbe? LastRouter { get; set; }

    /// <summary>Registers an apply of <paramref name="x"/> and hands its request to the proxy, as the facade does.</summary>
    private (PendingCall Call, Task<int> Task) Apply(int x)
    {
        var call = new SingleCall<int>(reply => (int)((ApplyResult)reply).Value!, null, null);
        var id = _calls.Add(call);
        _proxy.Tell(new Submit(id, "square", new[] { x }, ReplyMode.Single, _proxy) { ChunkSize = 1 }, _proxy);
        return (call, call.Task);
    }

    /// <summary>The proxy asks which router serves, through the client, with local affinity.</summary>
    private async Task<Identify> ExpectProbeAsync()
    {
        var send = await _client.ExpectMsgAsync<ClusterClient.Send>(s => s.Message is Identify);
        Assert.Equal((RouterPath, true), (send.Path, send.LocalAffinity));
        return (Identify)send.Message;
    }

    /// <summary>A router answers the question, as Akka answers an <see cref="Identify"/> for every actor.</summary>
    private void Answer(Identify probe, TestProbe router)
    {
        LastRouter = router;
        _proxy.Tell(new ActorIdentity(probe.MessageId, router.Ref), router.Ref);
    }

    /// <summary>What the proxy sent through the client, to the routers' path with local affinity, decoded if it was encoded.</summary>
    private object Decode(ClusterClient.Send send)
    {
        Assert.Equal((RouterPath, true), (send.Path, send.LocalAffinity));
        return send.Message is Encoded encoded
            ? ((SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(IPoolMessage))).FromBinary(encoded.Bytes, encoded.Manifest)
            : send.Message;
    }

    /// <summary>For <see cref="Quiet"/>, the proxy sends nothing through the client but its questions.</summary>
    private async Task ExpectOnlyProbesAsync()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Quiet && await _client.ReceiveOneAsync(Quiet - clock.Elapsed) is { } message)
        {
            Assert.True(message is ClusterClient.Send { Message: Identify }, $"Only questions may go out while no router is known, but {message} did.");
        }
    }

    /// <summary>The next message the proxy sends through the client, decoded if it was encoded; probes in between are skipped.</summary>
    private async Task<T> ExpectSentAsync<T>()
    {
        while (true)
        {
            var message = Decode(await _client.ExpectMsgAsync<ClusterClient.Send>());
            if (message is not Identify)
            {
                return Assert.IsType<T>(message);
            }
        }
    }
}
