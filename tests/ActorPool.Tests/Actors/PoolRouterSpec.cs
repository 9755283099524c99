using ActorPool.Internal;
using Akka.Actor;
using Akka.Configuration;
using Akka.Routing;
using Akka.TestKit;
using Xunit;

namespace ActorPool.Tests.Actors;

/// <summary>
/// <see cref="PoolRouter"/> driven directly, with test probes standing in for its workers: how it deals chunks
/// (round-robin, credits, requests taking turns), what it does when a worker is lost, and how it answers cancel,
/// close, terminate, the public protocol and a pool with no worker at all.
/// </summary>
public sealed class PoolRouterSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config Hocon = ActorSpecConfig.Local;

    private static readonly string Square = TestJobs.WireName(nameof(TestJobs.Square));

    /// <summary>How long "nothing more arrives" is watched for; only a wrong message can fail it, never a slow machine.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    public PoolRouterSpec() : base(Hocon)
    {
    }

    [Fact]
    public async Task Chunks_are_dealt_round_robin_over_the_workers_and_the_map_answers_in_input_order()
    {
        var (w1, w2, caller) = (CreateTestProbe("w1"), CreateTestProbe("w2"), CreateTestProbe("caller"));
        var router = await StartRouter(Settings(), w1, w2);

        router.Tell(new Submit(1, Square, new[] { 1, 2, 3, 4 }, ReplyMode.Whole, caller.Ref) { ChunkSize = 1 }, TestActor);

        var first = new[] { await w1.ExpectMsgAsync<Chunk>(), await w1.ExpectMsgAsync<Chunk>() };
        var second = new[] { await w2.ExpectMsgAsync<Chunk>(), await w2.ExpectMsgAsync<Chunk>() };
        Assert.Equal([0, 2], first.Select(c => c.Index));
        Assert.Equal([1, 3], second.Select(c => c.Index));
        Assert.All(first.Concat(second), c => Assert.Equal((Square, 0, 1, c.Index), (c.Function, c.Attempt, c.Count, c.Offset)));
        // A request of several chunks is assembled by an aggregator of its own.
        Assert.NotNull(await Child(router, "request-1"));

        foreach (var chunk in first)
        {
            router.Tell(Squared(chunk), w1.Ref);
        }

        foreach (var chunk in second)
        {
            router.Tell(Squared(chunk), w2.Ref);
        }

        var result = await caller.ExpectMsgAsync<MapResult>();
        Assert.Equal(1, result.RequestId);
        Assert.Equal(new object?[] { 1, 4, 9, 16 }, result.Values);
        await caller.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task A_worker_holds_at_most_its_credits_until_a_result_comes_back()
    {
        var (worker, caller) = (CreateTestProbe("worker"), CreateTestProbe("caller"));
        var router = await StartRouter(Settings(), worker);

        router.Tell(new Submit(2, Square, new[] { 1, 2, 3, 4, 5 }, ReplyMode.Whole, caller.Ref) { ChunkSize = 1 }, TestActor);

        var c0 = await worker.ExpectMsgAsync<Chunk>();
        var c1 = await worker.ExpectMsgAsync<Chunk>();
        await worker.ExpectNoMsgAsync(Quiet);

        router.Tell(Squared(c0), worker.Ref);
        var c2 = await worker.ExpectMsgAsync<Chunk>();
        await worker.ExpectNoMsgAsync(Quiet);

        router.Tell(Squared(c1), worker.Ref);
        router.Tell(Squared(c2), worker.Ref);
        var c3 = await worker.ExpectMsgAsync<Chunk>();
        var c4 = await worker.ExpectMsgAsync<Chunk>();
        Assert.Equal([0, 1, 2, 3, 4], new[] { c0, c1, c2, c3, c4 }.Select(c => c.Index));
        router.Tell(Squared(c3), worker.Ref);
        router.Tell(Squared(c4), worker.Ref);

        Assert.Equal(new object?[] { 1, 4, 9, 16, 25 }, (await caller.ExpectMsgAsync<MapResult>()).Values);
    }

    [Fact]
    public async Task Requests_take_turns_so_a_small_call_is_not_stuck_behind_a_large_backlog()
    {
        var (worker, bigCaller, smallCaller) = (CreateTestProbe("worker"), CreateTestProbe("big"), CreateTestProbe("small"));
        var router = await StartRouter(Settings(), worker);

        router.Tell(new Submit(1, Square, Enumerable.Range(0, 8).ToArray(), ReplyMode.Whole, bigCaller.Ref) { ChunkSize = 1 }, TestActor);
        var held = new Queue<Chunk>([await worker.ExpectMsgAsync<Chunk>(), await worker.ExpectMsgAsync<Chunk>()]);
        router.Tell(new Submit(2, Square, new[] { 9 }, ReplyMode.Single, smallCaller.Ref), TestActor);

        // Six chunks of the big call are still waiting; the small call's one chunk goes within the next two.
        var big = held.Peek().RequestKey;
        var dealt = new List<Chunk>();
        while (!dealt.Exists(c => c.RequestKey != big))
        {
            Assert.True(dealt.Count < 2, $"The small call's chunk did not come within the next {dealt.Count} chunks.");
            router.Tell(Squared(held.Dequeue()), worker.Ref);
            var next = await worker.ExpectMsgAsync<Chunk>();
            dealt.Add(next);
            held.Enqueue(next);
        }
    }

    [Fact]
    public async Task A_call_goes_to_the_worker_that_answered_last_while_it_holds_nothing_and_round_robin_otherwise()
    {
        var (w1, w2, caller) = (CreateTestProbe("w1"), CreateTestProbe("w2"), CreateTestProbe("caller"));
        var router = await StartRouter(Settings(), w1, w2);

        router.Tell(new Submit(1, Square, new[] { 1 }, ReplyMode.Single, caller.Ref), TestActor);
        var first = await w1.ExpectMsgAsync<Chunk>();
        router.Tell(Squared(first), w1.Ref);
        Assert.Equal(1, (await caller.ExpectMsgAsync<ApplyResult>()).Value);

        // Round-robin alone would deal the next call to w2; w1 has just answered and holds nothing, so its thread is awake.
        router.Tell(new Submit(2, Square, new[] { 2 }, ReplyMode.Single, caller.Ref), TestActor);
        var second = await w1.ExpectMsgAsync<Chunk>();
        await w2.ExpectNoMsgAsync(Quiet);

        // While w1 holds a chunk, the rotation goes on as before.
        router.Tell(new Submit(3, Square, new[] { 3 }, ReplyMode.Single, caller.Ref), TestActor);
        var third = await w2.ExpectMsgAsync<Chunk>();
        router.Tell(Squared(second), w1.Ref);
        router.Tell(Squared(third), w2.Ref);
        var answers = new[] { await caller.ExpectMsgAsync<ApplyResult>(), await caller.ExpectMsgAsync<ApplyResult>() };
        Assert.Equal([4, 9], answers.Select(a => a.Value).OrderBy(v => (int)v!));
    }

    [Fact]
    public async Task A_lost_workers_chunks_go_to_another_worker_as_a_new_attempt_and_count_once()
    {
        var (w1, w2, caller, stranger) = (CreateTestProbe("w1"), CreateTestProbe("w2"), CreateTestProbe("caller"), CreateTestProbe("stranger"));
        var router = await StartRouter(Settings(), w1, w2);

        router.Tell(new Submit(3, Square, new[] { 1, 2, 3 }, ReplyMode.Whole, caller.Ref) { ChunkSize = 1 }, TestActor);
        var lost = new[] { await w1.ExpectMsgAsync<Chunk>(), await w1.ExpectMsgAsync<Chunk>() };
        var kept = await w2.ExpectMsgAsync<Chunk>();
        Assert.Equal([0, 2], lost.Select(c => c.Index));

        Watch(w1.Ref);
        w1.Ref.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(w1.Ref);

        // w2 has one free credit: the first lost chunk comes at once, the second when w2 answers its own.
        var resent = new List<Chunk> { await w2.ExpectMsgAsync<Chunk>() };
        router.Tell(Squared(kept), w2.Ref);
        resent.Add(await w2.ExpectMsgAsync<Chunk>());
        Assert.Equal([0, 2], resent.Select(c => c.Index).Order());
        Assert.All(resent, c => Assert.Equal(1, c.Attempt));

        foreach (var chunk in resent)
        {
            router.Tell(Squared(chunk), w2.Ref);
            router.Tell(Squared(chunk), w2.Ref);
            // The lost worker's first attempt, arriving late with other values: stale, it must not count.
            router.Tell(new ChunkResult(chunk.RequestKey, chunk.Index, 0, 0, new[] { -1 }), stranger.Ref);
        }

        var result = await caller.ExpectMsgAsync<MapResult>();
        Assert.Equal(new object?[] { 1, 4, 9 }, result.Values);
        await caller.ExpectNoMsgAsync(Quiet);
        await w2.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task Cancel_stops_dispatch_and_fails_the_call_with_OperationCanceledException()
    {
        var (worker, caller, other) = (CreateTestProbe("worker"), CreateTestProbe("caller"), CreateTestProbe("other"));
        var router = await StartRouter(Settings(), worker);

        router.Tell(new Submit(7, Square, new[] { 1, 2, 3, 4, 5, 6 }, ReplyMode.Whole, caller.Ref) { ChunkSize = 1 }, TestActor);
        var held = new[] { await worker.ExpectMsgAsync<Chunk>(), await worker.ExpectMsgAsync<Chunk>() };

        // Only whoever submitted a request may cancel it.
        router.Tell(new CancelRequest(7), other.Ref);
        await caller.ExpectNoMsgAsync(Quiet);

        router.Tell(new CancelRequest(7), TestActor);
        var failure = await caller.ExpectMsgAsync<Status.Failure>();
        Assert.IsType<OperationCanceledException>(failure.Cause);
        Assert.Equal(7L, failure.State);
        // The worker holding its chunks is told once, so async calls of it stop waiting.
        Assert.Equal(held[0].RequestKey, (await worker.ExpectMsgAsync<CancelWork>()).RequestKey);

        foreach (var chunk in held)
        {
            router.Tell(Squared(chunk), worker.Ref);
        }

        await worker.ExpectNoMsgAsync(Quiet);
        await caller.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task Cancel_of_a_one_chunk_call_fails_it_and_its_late_result_is_dropped()
    {
        var (worker, caller) = (CreateTestProbe("worker"), CreateTestProbe("caller"));
        var router = await StartRouter(Settings(), worker);

        router.Tell(new Submit(8, Square, new[] { 3 }, ReplyMode.Single, caller.Ref), TestActor);
        var chunk = await worker.ExpectMsgAsync<Chunk>();
        router.Tell(new CancelRequest(8), TestActor);

        Assert.IsType<OperationCanceledException>((await caller.ExpectMsgAsync<Status.Failure>()).Cause);
        router.Tell(Squared(chunk), worker.Ref);
        await caller.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task Terminate_fails_outstanding_calls_with_PoolClosedException_and_refuses_new_ones()
    {
        var (worker, mapCaller, applyCaller, lateCaller) = (CreateTestProbe("worker"), CreateTestProbe("map"), CreateTestProbe("apply"), CreateTestProbe("late"));
        var router = await StartRouter(Settings(), worker);

        router.Tell(new Submit(1, Square, new[] { 1, 2, 3, 4 }, ReplyMode.Whole, mapCaller.Ref) { ChunkSize = 1 }, TestActor);
        var held = new[] { await worker.ExpectMsgAsync<Chunk>(), await worker.ExpectMsgAsync<Chunk>() };
        router.Tell(new Submit(2, Square, new[] { 5 }, ReplyMode.Single, applyCaller.Ref), TestActor);
        router.Tell(TerminatePool.Instance, TestActor);
        Assert.Equal(held[0].RequestKey, (await worker.ExpectMsgAsync<CancelWork>()).RequestKey);

        var mapFailure = await mapCaller.ExpectMsgAsync<Status.Failure>();
        Assert.IsType<PoolClosedException>(mapFailure.Cause);
        Assert.Equal(1L, mapFailure.State);
        var applyFailure = await applyCaller.ExpectMsgAsync<Status.Failure>();
        Assert.IsType<PoolClosedException>(applyFailure.Cause);
        Assert.Equal(2L, applyFailure.State);

        router.Tell(new Submit(3, Square, new[] { 6 }, ReplyMode.Single, lateCaller.Ref), TestActor);
        Assert.IsType<PoolClosedException>((await lateCaller.ExpectMsgAsync<Status.Failure>()).Cause);
        router.Tell(new Map(Square, new object?[] { 1 }) { RequestId = 4 }, TestActor);
        Assert.IsType<PoolClosedException>((await ExpectMsgAsync<Status.Failure>()).Cause);
        router.Tell(new Apply(Square, 1) { RequestId = 5 }, TestActor);
        Assert.IsType<PoolClosedException>((await ExpectMsgAsync<Status.Failure>()).Cause);

        // Results of chunks that were running are dropped, and nothing more is dealt.
        foreach (var chunk in held)
        {
            router.Tell(Squared(chunk), worker.Ref);
        }

        await worker.ExpectNoMsgAsync(Quiet);
        await mapCaller.ExpectNoMsgAsync(Quiet);
        await AwaitAssertAsync(async () => Assert.Null(await Child(router, "workers")), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Close_refuses_new_submissions_but_finishes_outstanding_work_and_parts_admitted_before()
    {
        var (worker, outstanding, refused, admitted) = (CreateTestProbe("worker"), CreateTestProbe("outstanding"), CreateTestProbe("refused"), CreateTestProbe("admitted"));
        var router = await StartRouter(Settings(), worker);

        router.Tell(new Submit(1, Square, new[] { 1, 2, 3 }, ReplyMode.Whole, outstanding.Ref) { ChunkSize = 1 }, TestActor);
        var held = new Queue<Chunk>([await worker.ExpectMsgAsync<Chunk>(), await worker.ExpectMsgAsync<Chunk>()]);
        router.Tell(ClosePool.Instance, TestActor);

        router.Tell(new Submit(2, Square, new[] { 4 }, ReplyMode.Single, refused.Ref), TestActor);
        var refusal = await refused.ExpectMsgAsync<Status.Failure>();
        Assert.IsType<PoolClosedException>(refusal.Cause);
        Assert.Equal(2L, refusal.State);
        router.Tell(new Map(Square, new object?[] { 1 }) { RequestId = 5 }, TestActor);
        Assert.IsType<PoolClosedException>((await ExpectMsgAsync<Status.Failure>()).Cause);

        // The later part of a call accepted before the close (an Imap's next segment) is still taken.
        router.Tell(new Submit(3, Square, new[] { 5 }, ReplyMode.Single, admitted.Ref) { AdmittedBeforeClose = true }, TestActor);

        // Three chunks of the first call and the admitted one: each answered as it comes.
        var received = held.Count;
        while (held.TryDequeue(out var chunk))
        {
            router.Tell(Squared(chunk), worker.Ref);
            if (received < 4)
            {
                held.Enqueue(await worker.ExpectMsgAsync<Chunk>());
                received++;
            }
        }

        Assert.Equal(new object?[] { 1, 4, 9 }, (await outstanding.ExpectMsgAsync<MapResult>()).Values);
        Assert.Equal(new ApplyResult(3, 25), await admitted.ExpectMsgAsync<ApplyResult>());
    }

    [Fact]
    public async Task A_one_chunk_apply_is_answered_by_the_router_itself()
    {
        var (worker, caller) = (CreateTestProbe("worker"), CreateTestProbe("caller"));
        var router = await StartRouter(Settings(), worker);

        router.Tell(new Submit(11, Square, new[] { 7 }, ReplyMode.Single, caller.Ref), TestActor);
        var chunk = await worker.ExpectMsgAsync<Chunk>();
        Assert.Equal((0, 0, 0, 1), (chunk.Index, chunk.Attempt, chunk.Offset, chunk.Count));
        Assert.Null(await Child(router, "request-1"));
        router.Tell(Squared(chunk), worker.Ref);

        Assert.Equal(new ApplyResult(11, 49), await caller.ExpectMsgAsync<ApplyResult>());
    }

    [Fact]
    public async Task A_one_chunk_map_is_answered_by_the_router_itself()
    {
        var (worker, caller) = (CreateTestProbe("worker"), CreateTestProbe("caller"));
        var router = await StartRouter(Settings(), worker);

        router.Tell(new Submit(12, Square, new[] { 2, 3 }, ReplyMode.Whole, caller.Ref) { ChunkSize = 5 }, TestActor);
        var chunk = await worker.ExpectMsgAsync<Chunk>();
        Assert.Equal(2, chunk.Count);
        Assert.Null(await Child(router, "request-1"));
        router.Tell(Squared(chunk), worker.Ref);

        var result = await caller.ExpectMsgAsync<MapResult>();
        Assert.Equal(12, result.RequestId);
        Assert.Equal(new object?[] { 4, 9 }, result.Values);
    }

    [Fact]
    public async Task A_failing_one_chunk_apply_answers_the_failure_as_the_callers_exception()
    {
        var (worker, caller) = (CreateTestProbe("worker"), CreateTestProbe("caller"));
        var router = await StartRouter(Settings(), worker);

        router.Tell(new Submit(13, Square, new[] { 7 }, ReplyMode.Single, caller.Ref), TestActor);
        var chunk = await worker.ExpectMsgAsync<Chunk>();
        var failed = new ChunkFailed(chunk.RequestKey, chunk.Index, chunk.Attempt, 0,
            new TaskFailure(FailureKind.Task, Square, "System.InvalidOperationException", "no", null));
        router.Tell(failed, worker.Ref);

        var failure = await caller.ExpectMsgAsync<Status.Failure>();
        var error = Assert.IsType<PoolTaskException>(failure.Cause);
        Assert.Equal(("System.InvalidOperationException", "no", 0), (error.OriginalType, error.OriginalMessage, error.ItemIndex));
        Assert.Equal(13L, failure.State);
    }

    [Fact]
    public async Task The_public_Map_and_Apply_are_translated_and_answered_to_their_sender()
    {
        var worker = CreateTestProbe("worker");
        var router = await StartRouter(Settings(), worker);

        router.Tell(new Map(Square, new object?[] { 1, 2, 3 }) { RequestId = 5, ChunkSize = 2 }, TestActor);
        var chunks = new[] { await worker.ExpectMsgAsync<Chunk>(), await worker.ExpectMsgAsync<Chunk>() };
        // The router knows the function, so the boxed items travel as the function's typed argument array.
        Assert.All(chunks, c => Assert.IsType<int[]>(c.Items));
        Assert.Equal([2, 1], chunks.Select(c => c.Count));
        foreach (var chunk in chunks)
        {
            router.Tell(Squared(chunk), worker.Ref);
        }

        var map = await ExpectMsgAsync<MapResult>();
        Assert.Equal(5, map.RequestId);
        Assert.Equal(new object?[] { 1, 4, 9 }, map.Values);

        router.Tell(new Apply(Square, 6) { RequestId = 9 }, TestActor);
        router.Tell(Squared(await worker.ExpectMsgAsync<Chunk>()), worker.Ref);
        Assert.Equal(new ApplyResult(9, 36), await ExpectMsgAsync<ApplyResult>());
    }

    [Fact]
    public async Task The_public_Map_answers_its_ReplyTo_instead_of_the_sender()
    {
        var (worker, callback) = (CreateTestProbe("worker"), CreateTestProbe("callback"));
        var router = await StartRouter(Settings(), worker);

        router.Tell(new Map(Square, new object?[] { 4 }) { RequestId = 6, ReplyTo = callback.Ref }, TestActor);
        router.Tell(Squared(await worker.ExpectMsgAsync<Chunk>()), worker.Ref);

        Assert.Equal(new object?[] { 16 }, (await callback.ExpectMsgAsync<MapResult>()).Values);
        await ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task A_public_Map_with_a_chunk_size_below_one_fails_alone_with_ArgumentException()
    {
        var worker = CreateTestProbe("worker");
        var router = await StartRouter(Settings(), worker);

        router.Tell(new Map(Square, new object?[] { 1 }) { RequestId = 3, ChunkSize = 0 }, TestActor);
        var failure = await ExpectMsgAsync<Status.Failure>();
        Assert.IsAssignableFrom<ArgumentException>(failure.Cause);

        // The router is still there and serving.
        router.Tell(new Apply(Square, 2) { RequestId = 4 }, TestActor);
        router.Tell(Squared(await worker.ExpectMsgAsync<Chunk>()), worker.Ref);
        Assert.Equal(new ApplyResult(4, 4), await ExpectMsgAsync<ApplyResult>());
    }

    [Fact]
    public async Task With_no_workers_at_all_a_call_fails_after_the_no_workers_timeout()
    {
        var caller = CreateTestProbe("caller");
        var router = await StartRouter(Settings(noWorkersTimeout: TimeSpan.FromSeconds(1)));

        router.Tell(new Submit(21, Square, new[] { 1, 2, 3 }, ReplyMode.Whole, caller.Ref) { ChunkSize = 1 }, TestActor);

        await caller.ExpectNoMsgAsync(Quiet);
        var failure = await caller.ExpectMsgAsync<Status.Failure>(TimeSpan.FromSeconds(15));
        var error = Assert.IsType<PoolWorkerLostException>(failure.Cause);
        Assert.Contains("No pool workers are left", error.Message);
        Assert.Equal(21L, failure.State);
    }

    [Fact]
    public async Task A_worker_that_appears_within_the_no_workers_timeout_picks_the_call_up()
    {
        var (worker, caller) = (CreateTestProbe("worker"), CreateTestProbe("caller"));
        var router = await StartRouter(Settings(noWorkersTimeout: TimeSpan.FromSeconds(20), refresh: TimeSpan.FromMilliseconds(100)));

        router.Tell(new Submit(22, Square, new[] { 8 }, ReplyMode.Single, caller.Ref), TestActor);
        Sys.ActorSelection(router.Path / "workers").Tell(new AddWorker(worker.Ref));

        router.Tell(Squared(await worker.ExpectMsgAsync<Chunk>()), worker.Ref);
        Assert.Equal(new ApplyResult(22, 64), await caller.ExpectMsgAsync<ApplyResult>());
    }

    [Fact]
    public async Task Losing_the_last_worker_fails_the_call_after_the_no_workers_timeout()
    {
        var (worker, caller) = (CreateTestProbe("worker"), CreateTestProbe("caller"));
        var router = await StartRouter(Settings(noWorkersTimeout: TimeSpan.FromSeconds(1)), worker);

        router.Tell(new Submit(23, Square, new[] { 1, 2 }, ReplyMode.Whole, caller.Ref) { ChunkSize = 1 }, TestActor);
        await worker.ExpectMsgAsync<Chunk>();
        worker.Ref.Tell(PoisonPill.Instance);

        var failure = await caller.ExpectMsgAsync<Status.Failure>(TimeSpan.FromSeconds(15));
        Assert.IsType<PoolWorkerLostException>(failure.Cause);
    }

    [Fact]
    public async Task Chunks_go_only_to_workers_whose_node_registers_the_function()
    {
        var (w1, w2, caller) = (CreateTestProbe("w1"), CreateTestProbe("w2"), CreateTestProbe("caller"));
        var router = await StartRouter(Settings(), [new FoundWorker(w1.Ref, Functions(Square)), new FoundWorker(w2.Ref, Functions("actorpool-tests.cube"))]);

        router.Tell(new Submit(31, Square, new[] { 1, 2, 3 }, ReplyMode.Whole, caller.Ref) { ChunkSize = 1 }, TestActor);

        var held = new[] { await w1.ExpectMsgAsync<Chunk>(), await w1.ExpectMsgAsync<Chunk>() };
        await w2.ExpectNoMsgAsync(Quiet);
        router.Tell(Squared(held[0]), w1.Ref);
        router.Tell(Squared(held[1]), w1.Ref);
        router.Tell(Squared(await w1.ExpectMsgAsync<Chunk>()), w1.Ref);

        Assert.Equal(new object?[] { 1, 4, 9 }, (await caller.ExpectMsgAsync<MapResult>()).Values);
        await w2.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task A_function_no_node_lists_goes_to_a_worker_whose_node_answers_for_it()
    {
        // A node lists its functions as they were when asked: one it loaded since must still reach it, and a node
        // that truly lacks it says so itself (the worker's PoolFunctionException names the node).
        var (w1, caller) = (CreateTestProbe("w1"), CreateTestProbe("caller"));
        var router = await StartRouter(Settings(), [new FoundWorker(w1.Ref, Functions(Square))]);

        router.Tell(new Submit(32, "nowhere.registered", new[] { 1 }, ReplyMode.Whole, caller.Ref) { ChunkSize = 1 }, TestActor);

        var chunk = await w1.ExpectMsgAsync<Chunk>();
        Assert.Equal("nowhere.registered", chunk.Function);
        router.Tell(new ChunkFailed(chunk.RequestKey, chunk.Index, chunk.Attempt, 0,
            TaskFailure.FromUser("nowhere.registered", new PoolFunctionException("nowhere.registered", "not registered on node w1"))), w1.Ref);
        var failure = await caller.ExpectMsgAsync<Status.Failure>();
        Assert.Equal("nowhere.registered", Assert.IsType<PoolFunctionException>(failure.Cause).Function);
        Assert.Equal(32L, failure.State);
    }

    private static PoolSettings Settings(TimeSpan? noWorkersTimeout = null, TimeSpan? refresh = null) => new()
    {
        ChunksInFlightPerWorker = 2,
        NoWorkersTimeout = noWorkersTimeout ?? TimeSpan.FromSeconds(30),
        // Probes do not come and go by themselves: the router's first GetRoutees finds them.
        RouteeRefreshInterval = refresh ?? TimeSpan.FromMinutes(10),
        MaxRemotePayloadBytes = 1_000_000,
    };

    /// <summary>A router whose worker pool answers <see cref="GetRoutees"/> with <paramref name="workers"/>, once it knows them all.</summary>
    private async Task<IActorRef> StartRouter(PoolSettings settings, params TestProbe[] workers)
    {
        var refs = workers.Select(w => w.Ref).ToArray();
        var setup = new RouterSetup(Props.Create(() => new ProbeWorkers(refs)), ExpectedWorkers: Math.Max(1, refs.Length), DefaultChunkSize: null,
            DefaultTimeout: null, settings, MaxBatch: 1);
        var router = Sys.ActorOf(Props.Create(() => new PoolRouter(setup)), "router");
        await AwaitAssertAsync(async () => Assert.Equal(refs.Length, (await router.Ask<WorkerCount>(CountWorkers.Instance, TimeSpan.FromSeconds(3))).Workers),
            TimeSpan.FromSeconds(10));
        return router;
    }

    /// <summary>A router whose worker directory answers <see cref="GetRoutees"/> with <paramref name="workers"/> and the functions each node registers.</summary>
    private async Task<IActorRef> StartRouter(PoolSettings settings, FoundWorker[] workers)
    {
        var setup = new RouterSetup(Props.Create(() => new ProbeNodes(workers)), ExpectedWorkers: workers.Length, DefaultChunkSize: null,
            DefaultTimeout: null, settings, MaxBatch: 1);
        var router = Sys.ActorOf(Props.Create(() => new PoolRouter(setup)), "router");
        await AwaitAssertAsync(async () => Assert.Equal(workers.Length, (await router.Ask<WorkerCount>(CountWorkers.Instance, TimeSpan.FromSeconds(3))).Workers),
            TimeSpan.FromSeconds(10));
        return router;
    }

    private static HashSet<string> Functions(params string[] names) => new(names, StringComparer.Ordinal);

    /// <summary>The child of <paramref name="parent"/> with this name, or null when there is none.</summary>
    private async Task<IActorRef?> Child(IActorRef parent, string name) =>
        (await Sys.ActorSelection(parent.Path / name).Ask<ActorIdentity>(new Identify(name), TimeSpan.FromSeconds(5))).Subject;

    /// <summary>What a worker running <see cref="TestJobs.Square"/> answers to <paramref name="chunk"/>.</summary>
    private static ChunkResult Squared(Chunk chunk)
    {
        var items = Assert.IsType<int[]>(chunk.Items);
        var values = new int[chunk.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = items[chunk.Offset + i] * items[chunk.Offset + i];
        }

        return new ChunkResult(chunk.RequestKey, chunk.Index, chunk.Attempt, 0, values);
    }

    private sealed record AddWorker(IActorRef Worker);

    /// <summary>Stands in for the router's worker pool: its routees are the probes, in order, while they live.</summary>
    private sealed class ProbeWorkers : ReceiveActor
    {
        private readonly List<IActorRef> _workers;

        public ProbeWorkers(IActorRef[] workers)
        {
            _workers = [.. workers];
            Receive<GetRoutees>(_ => Sender.Tell(new Routees(_workers.Select(w => (Routee)new ActorRefRoutee(w)).ToArray())));
            Receive<AddWorker>(add =>
            {
                _workers.Add(add.Worker);
                Context.Watch(add.Worker);
            });
            Receive<Terminated>(terminated => _workers.Remove(terminated.ActorRef));
        }

        protected override void PreStart()
        {
            foreach (var worker in _workers)
            {
                Context.Watch(worker);
            }
        }
    }

    /// <summary>Stands in for a cluster router's worker directory: workers on nodes with known functions.</summary>
    private sealed class ProbeNodes : ReceiveActor
    {
        public ProbeNodes(FoundWorker[] workers) => Receive<GetRoutees>(_ => Sender.Tell(new WorkersFound(workers)));
    }
}
