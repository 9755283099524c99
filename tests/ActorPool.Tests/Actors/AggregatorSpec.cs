using ActorPool.Internal;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Xunit;

namespace ActorPool.Tests.Actors;

/// <summary>
/// <see cref="Aggregator"/> driven directly as the child of a probe standing in for its router, fed the chunk
/// results the router would forward: it answers once, in input order, streams the ordered prefix, owns the
/// deadline, and tells its parent when the request is done.
/// </summary>
public sealed class AggregatorSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config Hocon = ActorSpecConfig.Local;

    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private readonly TestProbe _router;
    private readonly TestProbe _caller;

    public AggregatorSpec() : base(Hocon)
    {
        _router = CreateTestProbe("router");
        _caller = CreateTestProbe("caller");
    }

    [Fact]
    public async Task Answers_one_MapResult_in_input_order_once_every_chunk_is_in()
    {
        var aggregator = Start(Request(ReplyMode.Whole, items: 6, chunkSize: 2));

        aggregator.Tell(Result(2, [4, 5]));
        aggregator.Tell(Result(0, [0, 1]));
        await _caller.ExpectNoMsgAsync(Quiet);
        aggregator.Tell(Result(1, [2, 3]));

        var result = await _caller.ExpectMsgAsync<MapResult>();
        Assert.Equal(40, result.RequestId);
        Assert.Equal(new object?[] { 0, 1, 2, 3, 4, 5 }, result.Values);
        Assert.Equal(new RequestDone(7), await _router.ExpectMsgAsync<RequestDone>());
    }

    [Fact]
    public async Task Stops_after_answering_and_drops_late_replies()
    {
        var aggregator = Start(Request(ReplyMode.Whole, items: 2, chunkSize: 1));
        Watch(aggregator);

        aggregator.Tell(Result(0, [1]));
        aggregator.Tell(Result(1, [2]));
        aggregator.Tell(Result(1, [2]));

        await _caller.ExpectMsgAsync<MapResult>();
        await ExpectTerminatedAsync(aggregator);
        await _caller.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task A_resent_chunk_counts_once_and_its_older_attempt_is_ignored()
    {
        var aggregator = Start(Request(ReplyMode.Whole, items: 2, chunkSize: 1));

        aggregator.Tell(Result(0, [10], attempt: 1));
        aggregator.Tell(Result(0, [-1], attempt: 0));
        aggregator.Tell(Result(0, [10], attempt: 1));
        await _caller.ExpectNoMsgAsync(Quiet);
        aggregator.Tell(Result(1, [20]));

        Assert.Equal(new object?[] { 10, 20 }, (await _caller.ExpectMsgAsync<MapResult>()).Values);
    }

    [Fact]
    public async Task The_lowest_failing_item_wins_whatever_fails_first_and_the_answer_waits_for_every_chunk()
    {
        var aggregator = Start(Request(ReplyMode.Whole, items: 8, chunkSize: 2));

        aggregator.Tell(Failed(3, itemOffset: 1));
        aggregator.Tell(Failed(1, itemOffset: 1));
        aggregator.Tell(Result(0, [0, 1]));
        // Like CPython's map, no fail-fast: chunk 2 is still running.
        await _caller.ExpectNoMsgAsync(Quiet);
        aggregator.Tell(Result(2, [4, 5]));

        var failure = await _caller.ExpectMsgAsync<Status.Failure>();
        var error = Assert.IsType<PoolTaskException>(failure.Cause);
        Assert.Equal(3, error.ItemIndex);
        Assert.Equal("item 3 failed", error.OriginalMessage);
        Assert.Equal(40L, failure.State);
        Assert.Equal(new RequestDone(7), await _router.ExpectMsgAsync<RequestDone>());
    }

    [Fact]
    public async Task An_ordered_stream_sends_the_ordered_prefix_as_it_grows_then_an_empty_end()
    {
        var aggregator = Start(Request(ReplyMode.OrderedStream, items: 5, chunkSize: 2));

        aggregator.Tell(Result(1, [2, 3]));
        await _caller.ExpectNoMsgAsync(Quiet);

        aggregator.Tell(Result(0, [0, 1]));
        var first = await _caller.ExpectMsgAsync<MapPart>();
        var second = await _caller.ExpectMsgAsync<MapPart>();
        Assert.Equal((40L, 0), (first.RequestId, first.StartIndex));
        Assert.Equal(new[] { 0, 1 }, Assert.IsType<int[]>(first.Values));
        Assert.Equal(2, second.StartIndex);
        Assert.Equal(new[] { 2, 3 }, Assert.IsType<int[]>(second.Values));

        aggregator.Tell(Result(2, [4]));
        var last = await _caller.ExpectMsgAsync<MapPart>();
        Assert.Equal(4, last.StartIndex);
        Assert.Equal(new[] { 4 }, Assert.IsType<int[]>(last.Values));
        var end = await _caller.ExpectMsgAsync<MapResult>();
        Assert.Equal(40, end.RequestId);
        Assert.Empty(end.Values);
        Assert.Equal(new RequestDone(7), await _router.ExpectMsgAsync<RequestDone>());
    }

    [Fact]
    public async Task An_ordered_stream_stops_its_prefix_at_a_failed_chunk_and_ends_with_the_failure()
    {
        var aggregator = Start(Request(ReplyMode.OrderedStream, items: 3, chunkSize: 1));

        aggregator.Tell(Result(0, [0]));
        Assert.Equal(0, (await _caller.ExpectMsgAsync<MapPart>()).StartIndex);
        aggregator.Tell(Failed(1, itemOffset: 0, chunkSize: 1));
        aggregator.Tell(Result(2, [2]));

        var failure = await _caller.ExpectMsgAsync<Status.Failure>();
        Assert.Equal(1, Assert.IsType<PoolTaskException>(failure.Cause).ItemIndex);
    }

    [Fact]
    public async Task An_unordered_stream_sends_each_chunk_as_it_completes()
    {
        var aggregator = Start(Request(ReplyMode.UnorderedStream, items: 4, chunkSize: 2));

        aggregator.Tell(Result(1, [2, 3]));
        Assert.Equal(2, (await _caller.ExpectMsgAsync<MapPart>()).StartIndex);
        aggregator.Tell(Result(0, [0, 1]));
        Assert.Equal(0, (await _caller.ExpectMsgAsync<MapPart>()).StartIndex);
        Assert.Empty((await _caller.ExpectMsgAsync<MapResult>()).Values);
    }

    [Fact]
    public async Task The_deadline_fails_the_call_with_TimeoutException()
    {
        var aggregator = Start(Request(ReplyMode.Whole, items: 3, chunkSize: 1) with { Timeout = TimeSpan.FromMilliseconds(500) });

        aggregator.Tell(Result(0, [1]));

        var failure = await _caller.ExpectMsgAsync<Status.Failure>(TimeSpan.FromSeconds(15));
        var timeout = Assert.IsType<TimeoutException>(failure.Cause);
        Assert.Contains("did not finish within 00:00:00.5000000; 1 of 3 chunks were done", timeout.Message);
        Assert.Equal(new RequestDone(7, TimedOut: true), await _router.ExpectMsgAsync<RequestDone>());
    }

    [Fact]
    public async Task An_abort_answers_with_its_reason_and_tells_the_parent()
    {
        var aggregator = Start(Request(ReplyMode.Whole, items: 3, chunkSize: 1));
        Watch(aggregator);
        aggregator.Tell(Result(0, [1]));

        var reason = new PoolWorkerLostException("every worker is gone");
        aggregator.Tell(new AbortRequest(reason));

        var failure = await _caller.ExpectMsgAsync<Status.Failure>();
        Assert.Same(reason, failure.Cause);
        Assert.Equal(40L, failure.State);
        Assert.Equal(new RequestDone(7), await _router.ExpectMsgAsync<RequestDone>());
        await ExpectTerminatedAsync(aggregator);

        aggregator.Tell(Result(1, [2]));
        await _caller.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task A_malformed_result_fails_the_call_instead_of_restarting_the_aggregator()
    {
        var aggregator = Start(Request(ReplyMode.Whole, items: 4, chunkSize: 4));

        // A part larger than what is left of its chunk: the assembly throws.
        aggregator.Tell(Result(0, [1, 2, 3], partOffset: 2));

        var failure = await _caller.ExpectMsgAsync<Status.Failure>();
        Assert.IsType<PoolPayloadException>(failure.Cause);
        Assert.Equal(new RequestDone(7), await _router.ExpectMsgAsync<RequestDone>());
    }

    private IActorRef Start(RequestInfo request) => _router.ChildActorOf(Props.Create(() => new Aggregator(request)));

    private RequestInfo Request(ReplyMode mode, int items, int chunkSize) =>
        new(Key: 7, RequestId: 40, _caller.Ref, mode, "Tests.F", items, chunkSize, Timeout: null);

    private static ChunkResult Result(int index, int[] values, int attempt = 0, int partOffset = 0) =>
        new(RequestKey: 7, index, attempt, partOffset, values);

    private static ChunkFailed Failed(int index, int itemOffset, int chunkSize = 2) =>
        new(RequestKey: 7, index, Attempt: 0, itemOffset,
            new TaskFailure(FailureKind.Task, "Tests.F", "System.InvalidOperationException", $"item {(index * chunkSize) + itemOffset} failed", null));
}
