using ActorPool.Internal;
using Akka.Actor;
using Xunit;

namespace ActorPool.Tests.Actors;

/// <summary>
/// <see cref="ResultAssembler"/> on its own: chunk results joined in input order, parts joined, each chunk counted
/// once whatever attempt or duplicate arrives, and the failure of the lowest failing item kept.
/// </summary>
public sealed class ResultAssemblerSpec
{
    [Fact]
    public void Chunks_arriving_out_of_order_are_joined_in_input_order()
    {
        var results = new ResultAssembler(Request(items: 5, chunkSize: 2));

        Assert.Equal(2, results.Add(Result(2, [4])));
        Assert.Equal(0, results.Add(Result(0, [0, 1])));
        Assert.False(results.IsComplete);
        Assert.Equal(1, results.Add(Result(1, [2, 3])));

        Assert.True(results.IsComplete);
        Assert.Equal(3, results.DoneCount);
        Assert.Null(results.Failure);
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, Assert.IsType<int[]>(results.Values()));
    }

    [Fact]
    public void A_chunk_in_parts_finishes_only_when_every_part_is_in_and_the_parts_are_joined()
    {
        var results = new ResultAssembler(Request(items: 4, chunkSize: 4));

        Assert.Equal(-1, results.Add(Result(0, [30, 40], partOffset: 2, last: true)));
        Assert.False(results.IsDone(0));
        Assert.Equal(0, results.Add(Result(0, [10, 20], partOffset: 0, last: false)));

        Assert.True(results.IsComplete);
        Assert.Equal(new[] { 10, 20, 30, 40 }, Assert.IsType<int[]>(results.Values()));
    }

    [Fact]
    public void A_part_larger_than_the_rest_of_its_chunk_is_refused()
    {
        var results = new ResultAssembler(Request(items: 4, chunkSize: 4));

        Assert.Throws<PoolPayloadException>(() => results.Add(Result(0, [1, 2, 3], partOffset: 2)));
    }

    [Fact]
    public void A_reply_from_an_older_attempt_is_ignored()
    {
        var results = new ResultAssembler(Request(items: 2, chunkSize: 1));

        Assert.Equal(0, results.Add(Result(0, [7], attempt: 1)));
        Assert.Equal(-1, results.Add(Result(0, [99], attempt: 0)));
        Assert.Equal(1, results.Add(Result(1, [8])));

        Assert.Equal(new[] { 7, 8 }, Assert.IsType<int[]>(results.Values()));
    }

    [Fact]
    public void Parts_of_an_earlier_attempt_stop_counting_once_a_later_attempt_answers()
    {
        var results = new ResultAssembler(Request(items: 4, chunkSize: 4));

        Assert.Equal(-1, results.Add(Result(0, [-1, -2], partOffset: 0, last: false, attempt: 0)));
        Assert.Equal(-1, results.Add(Result(0, [1, 2], partOffset: 0, last: false, attempt: 1)));
        // The rest of attempt 0 is stale now: it must neither finish the chunk nor mix into its values.
        Assert.Equal(-1, results.Add(Result(0, [-3, -4], partOffset: 2, attempt: 0)));
        Assert.False(results.IsDone(0));
        Assert.Equal(0, results.Add(Result(0, [3, 4], partOffset: 2, attempt: 1)));

        Assert.Equal(new[] { 1, 2, 3, 4 }, Assert.IsType<int[]>(results.Values()));
    }

    [Fact]
    public void A_duplicate_reply_is_counted_once()
    {
        var results = new ResultAssembler(Request(items: 2, chunkSize: 1));

        Assert.Equal(0, results.Add(Result(0, [5])));
        Assert.Equal(-1, results.Add(Result(0, [5])));
        Assert.Equal(-1, results.Add(Failed(0, itemOffset: 0)));

        Assert.Equal(1, results.DoneCount);
        Assert.False(results.IsComplete);
        Assert.Null(results.Failure);
    }

    [Fact]
    public void Replies_for_chunks_that_do_not_exist_or_of_other_types_are_ignored()
    {
        var results = new ResultAssembler(Request(items: 2, chunkSize: 1));

        Assert.Equal(-1, results.Add(Result(2, [1])));
        Assert.Equal(-1, results.Add(Result(-1, [1])));
        Assert.Equal(-1, results.Add("not a reply"));
        Assert.Equal(0, results.DoneCount);
    }

    [Fact]
    public void The_failure_kept_is_the_lowest_failing_item_whatever_arrives_first()
    {
        var results = new ResultAssembler(Request(items: 40, chunkSize: 10));

        Assert.Equal(3, results.Add(Failed(3, itemOffset: 2)));
        Assert.Equal(32, Assert.IsType<PoolTaskException>(results.Failure).ItemIndex);
        Assert.Equal(1, results.Add(Failed(1, itemOffset: 5)));
        Assert.Equal(2, results.Add(Failed(2, itemOffset: 0)));
        Assert.Equal(0, results.Add(Result(0, [.. Enumerable.Range(0, 10)])));

        Assert.True(results.IsComplete);
        Assert.True(results.IsFailed(1));
        var failure = Assert.IsType<PoolTaskException>(results.Failure);
        Assert.Equal(15, failure.ItemIndex);
        Assert.Equal("item 15 failed", failure.OriginalMessage);
    }

    [Fact]
    public void Fail_marks_a_chunk_failed_and_keeps_the_lower_failure()
    {
        var results = new ResultAssembler(Request(items: 40, chunkSize: 10));
        results.Add(Failed(2, itemOffset: 3));

        var lost = new PoolPayloadException("chunk 1 could not be sent on");
        results.Fail(1, lost);
        results.Fail(3, new PoolPayloadException("chunk 3 could not be sent on"));

        Assert.True(results.IsFailed(1));
        Assert.Same(lost, results.Failure);
    }

    [Fact]
    public void TimedOut_names_the_function_the_deadline_and_the_progress()
    {
        var results = new ResultAssembler(Request(items: 3, chunkSize: 1) with { Timeout = TimeSpan.FromSeconds(5) });
        results.Add(Result(1, [1]));

        var timeout = results.TimedOut();

        Assert.Equal("The call to 'Tests.F' did not finish within 00:00:05; 1 of 3 chunks were done.", timeout.Message);
    }

    private static RequestInfo Request(int items, int chunkSize) =>
        new(Key: 1, RequestId: 1, ActorRefs.Nobody, ReplyMode.Whole, "Tests.F", items, chunkSize, Timeout: null);

    private static ChunkResult Result(int index, int[] values, int partOffset = 0, bool last = true, int attempt = 0) =>
        new(RequestKey: 1, index, attempt, partOffset, values) { Last = last };

    private static ChunkFailed Failed(int index, int itemOffset, int attempt = 0) =>
        new(RequestKey: 1, index, attempt, itemOffset,
            new TaskFailure(FailureKind.Task, "Tests.F", "System.InvalidOperationException", $"item {(index * 10) + itemOffset} failed", null));
}
