using ActorPool.Internal;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Xunit;

namespace ActorPool.Tests.Actors;

/// <summary>
/// <see cref="Worker"/> driven directly, with a probe as the router: values or the failing item for a chunk, a
/// result per member of a batch, failures as data (never a dead worker), and a fresh incarnation after
/// <c>MaxTasksPerChild</c> tasks.
/// </summary>
public sealed class WorkerSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config Hocon = ActorSpecConfig.Local;

    private static readonly string Square = TestJobs.WireName(nameof(TestJobs.Square));
    private static readonly string ThrowIfNegative = TestJobs.WireName(nameof(TestJobs.ThrowIfNegative));
    private static readonly string WorkerId = TestJobs.WireName(nameof(TestJobs.WorkerId));

    private readonly TestProbe _router;

    public WorkerSpec() : base(Hocon) => _router = CreateTestProbe("router");

    [Fact]
    public async Task A_chunk_is_answered_with_the_values_of_its_slice()
    {
        var worker = StartWorker();

        worker.Tell(new Chunk(5, 2, 1, Square, new[] { 1, 2, 3, 4, 5 }, 1, 3), _router.Ref);

        var result = await _router.ExpectMsgAsync<ChunkResult>();
        Assert.Equal((5L, 2, 1, 0, true), (result.RequestKey, result.Index, result.Attempt, result.PartOffset, result.Last));
        Assert.Equal(new[] { 4, 9, 16 }, Assert.IsType<int[]>(result.Values));
        Assert.Equal(worker, _router.LastSender);
    }

    [Fact]
    public async Task A_chunk_with_a_destination_writes_its_results_in_place()
    {
        var worker = StartWorker();
        var destination = new int[5];

        worker.Tell(new Chunk(5, 1, 0, Square, new[] { 1, 2, 3, 4, 5 }, 2, 2) { Destination = destination }, _router.Ref);

        var result = await _router.ExpectMsgAsync<ChunkResult>();
        Assert.Same(destination, result.Values);
        Assert.Equal(new[] { 0, 0, 9, 16, 0 }, destination);
    }

    [Fact]
    public async Task A_throwing_item_fails_the_chunk_with_its_offset_and_the_task_kind()
    {
        var worker = StartWorker();

        worker.Tell(new Chunk(6, 0, 0, ThrowIfNegative, new[] { 9, 1, -2, 3 }, 1, 3), _router.Ref);

        var failed = await _router.ExpectMsgAsync<ChunkFailed>();
        Assert.Equal((6L, 0, 0, 1), (failed.RequestKey, failed.Index, failed.Attempt, failed.ItemOffset));
        Assert.Equal(FailureKind.Task, failed.Failure.Kind);
        Assert.Equal(ThrowIfNegative, failed.Failure.Function);
        Assert.Equal("System.InvalidOperationException", failed.Failure.Type);
        Assert.Equal("negative item -2", failed.Failure.Message);
        Assert.Contains(nameof(TestJobs.ThrowIfNegative), failed.Failure.StackTrace);
        await ExpectStillServing(worker);
    }

    [Fact]
    public async Task An_unknown_function_fails_the_chunk_with_the_function_kind()
    {
        var worker = StartWorker();

        worker.Tell(new Chunk(7, 0, 0, "no.such.function", new[] { 1 }, 0, 1), _router.Ref);

        var failed = await _router.ExpectMsgAsync<ChunkFailed>();
        Assert.Equal(FailureKind.Function, failed.Failure.Kind);
        Assert.Equal("no.such.function", failed.Failure.Function);
        Assert.Contains("is not registered", failed.Failure.Message);
        await ExpectStillServing(worker);
    }

    [Fact]
    public async Task Items_that_could_not_be_read_fail_the_chunk_with_the_payload_kind()
    {
        var worker = StartWorker();
        var unreadable = new PoolPayloadException("A payload that arrived from another node could not be read here.");

        worker.Tell(new Chunk(8, 3, 2, Square, Array.Empty<object?>(), 0, 0) { Undecodable = unreadable }, _router.Ref);

        var failed = await _router.ExpectMsgAsync<ChunkFailed>();
        Assert.Equal((8L, 3, 2), (failed.RequestKey, failed.Index, failed.Attempt));
        Assert.Equal(FailureKind.Payload, failed.Failure.Kind);
        Assert.Same(unreadable, failed.Failure.ToException(0));
        await ExpectStillServing(worker);
    }

    [Fact]
    public async Task Items_that_do_not_fit_the_function_fail_the_chunk_with_the_argument_kind()
    {
        var worker = StartWorker();

        worker.Tell(new Chunk(9, 0, 0, Square, new object?[] { "not a number" }, 0, 1), _router.Ref);

        var failed = await _router.ExpectMsgAsync<ChunkFailed>();
        Assert.Equal(FailureKind.Argument, failed.Failure.Kind);
        await ExpectStillServing(worker);
    }

    [Fact]
    public async Task A_batch_answers_every_member_and_reports_each_failing_one_alone()
    {
        var worker = StartWorker();

        worker.Tell(new Batch(ThrowIfNegative, [10, 11, 12, 13], [0, 1, 0, 2], new[] { 1, -1, 2, -3 }), _router.Ref);

        var result = await _router.ExpectMsgAsync<BatchResult>();
        Assert.Equal(new long[] { 10, 11, 12, 13 }, result.Keys);
        Assert.Equal(new[] { 0, 1, 0, 2 }, result.Attempts);
        Assert.Equal(new[] { 1, 0, 2, 0 }, Assert.IsType<int[]>(result.Values));
        Assert.Equal([1, 3], result.Failures.Select(f => f.Index));
        Assert.All(result.Failures, f => Assert.Equal(FailureKind.Task, f.Failure.Kind));
        Assert.Equal("negative item -3", result.Failures[1].Failure.Message);
    }

    [Fact]
    public async Task A_batch_of_an_unknown_function_fails_every_member()
    {
        var worker = StartWorker();

        worker.Tell(new Batch("no.such.function", [1, 2], [0, 0], new[] { 1, 2 }), _router.Ref);

        var result = await _router.ExpectMsgAsync<BatchResult>();
        Assert.Equal([0, 1], result.Failures.Select(f => f.Index));
        Assert.All(result.Failures, f => Assert.Equal(FailureKind.Function, f.Failure.Kind));
    }

    [Fact]
    public async Task After_MaxTasksPerChild_tasks_the_worker_is_a_new_incarnation_with_a_new_id()
    {
        var worker = StartWorker(maxTasksPerChild: 2);

        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            worker.Tell(new Chunk(i, 0, 0, WorkerId, new ValueTuple[1], 0, 1), _router.Ref);
            ids.Add(Assert.IsType<string[]>((await _router.ExpectMsgAsync<ChunkResult>()).Values)[0]);
        }

        Assert.Equal(ids[0], ids[1]);
        Assert.NotEqual(ids[1], ids[2]);
        Assert.Equal(ids[2], ids[3]);
        Assert.NotEqual(ids[3], ids[4]);
        Assert.Equal(3, ids.Distinct().Count());
    }

    [Fact]
    public async Task Without_MaxTasksPerChild_the_worker_keeps_its_id()
    {
        var worker = StartWorker();

        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            worker.Tell(new Chunk(i, 0, 0, WorkerId, new ValueTuple[1], 0, 1), _router.Ref);
            ids.Add(Assert.IsType<string[]>((await _router.ExpectMsgAsync<ChunkResult>()).Values)[0]);
        }

        Assert.Single(ids.Distinct());
    }

    [Fact]
    public async Task A_throwing_initializer_fails_the_chunk_and_is_tried_again_on_the_next()
    {
        var calls = 0;
        Action initializer = () =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new InvalidOperationException("initializer failed");
            }
        };
        var worker = Sys.ActorOf(Props.Create(() => new Worker(new WorkerOptions(null, initializer))));

        worker.Tell(new Chunk(1, 0, 0, Square, new[] { 2 }, 0, 1), _router.Ref);
        var failed = await _router.ExpectMsgAsync<ChunkFailed>();
        Assert.Equal("initializer failed", failed.Failure.Message);

        worker.Tell(new Chunk(2, 0, 0, Square, new[] { 3 }, 0, 1), _router.Ref);
        Assert.Equal(new[] { 9 }, Assert.IsType<int[]>((await _router.ExpectMsgAsync<ChunkResult>()).Values));
        Assert.Equal(2, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task CancelWork_cancels_only_the_async_calls_of_the_router_that_sent_it()
    {
        // A node's workers serve every client's router, and each numbers its requests from 1: the same key, two callers.
        var worker = StartWorker();
        var (routerA, routerB) = (CreateTestProbe("router-a"), CreateTestProbe("router-b"));
        var (runA, runB) = (AsyncJobs.NewRun(), AsyncJobs.NewRun());
        var waitForCancel = "ActorPool.Tests.AsyncJobs.WaitForCancel";
        worker.Tell(new Chunk(7, 0, 0, waitForCancel, new[] { new WaitItem(runA, 0, 1) }, 0, 1), routerA.Ref);
        worker.Tell(new Chunk(7, 0, 0, waitForCancel, new[] { new WaitItem(runB, 0, 2) }, 0, 1), routerB.Ref);
        await AwaitConditionAsync(() => Task.FromResult(AsyncJobs.MostAtOnce(runA) == 1 && AsyncJobs.MostAtOnce(runB) == 1), TimeSpan.FromSeconds(10));

        worker.Tell(new CancelWork(7), routerA.Ref);

        var failed = await routerA.ExpectMsgAsync<ChunkFailed>();
        Assert.Contains("cancel", failed.Failure.Message, StringComparison.OrdinalIgnoreCase);
        await routerB.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        Assert.Equal(0, AsyncJobs.CancelledCalls(runB));
        worker.Tell(new CancelWork(7), routerB.Ref);
        await routerB.ExpectMsgAsync<ChunkFailed>();
    }

    [Fact]
    public async Task A_batch_of_async_applies_gives_each_member_its_own_token()
    {
        var worker = StartWorker();
        var run = AsyncJobs.NewRun();
        worker.Tell(new Batch("ActorPool.Tests.AsyncJobs.WaitForCancel", [11, 12], [0, 0], new[] { new WaitItem(run, 0, 1), new WaitItem(run, 0, 2) }), _router.Ref);
        await AwaitConditionAsync(() => Task.FromResult(AsyncJobs.MostAtOnce(run) == 2), TimeSpan.FromSeconds(10));

        // Cancelling one member's call cancels that call alone; the batch answers when both have ended.
        worker.Tell(new CancelWork(11), _router.Ref);
        await AwaitConditionAsync(() => Task.FromResult(AsyncJobs.CancelledCalls(run) == 1), TimeSpan.FromSeconds(10));
        await _router.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        worker.Tell(new CancelWork(12), _router.Ref);

        var result = await _router.ExpectMsgAsync<BatchResult>();
        Assert.Equal([0, 1], result.Failures.Select(f => f.Index));
    }

    private IActorRef StartWorker(int? maxTasksPerChild = null) =>
        Sys.ActorOf(Props.Create(() => new Worker(new WorkerOptions(maxTasksPerChild, null))));

    /// <summary>The worker did not die of the failure: it still answers a good chunk.</summary>
    private async Task ExpectStillServing(IActorRef worker)
    {
        worker.Tell(new Chunk(99, 0, 0, Square, new[] { 12 }, 0, 1), _router.Ref);
        var result = await _router.ExpectMsgAsync<ChunkResult>();
        Assert.Equal(99L, result.RequestKey);
        Assert.Equal(new[] { 144 }, Assert.IsType<int[]>(result.Values));
    }
}
