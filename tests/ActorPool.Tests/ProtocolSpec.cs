using Akka.Actor;
using Akka.Configuration;
using Xunit;

namespace ActorPool.Tests;

/// <summary>The actor protocol: <see cref="Map"/> and <see cref="Apply"/> sent to <see cref="Pool.Router"/> by Ask or with a ReplyTo actor.</summary>
public sealed class ProtocolSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private static readonly Config Hocon = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.provider = local
        """).WithFallback(PoolSettings.DefaultConfig);

    public ProtocolSpec() : base(Hocon)
    {
    }

    [Fact]
    public async Task Ask_with_a_Map_answers_a_MapResult_in_input_order()
    {
        await using var lease = CreatePool();

        var result = await lease.Pool.Router.Ask<MapResult>(new Map(TestJobs.WireName(nameof(TestJobs.Square)), new object?[] { 1, 2, 3 }), AskTimeout);

        Assert.Equal(new object?[] { 1, 4, 9 }, result.Values);
    }

    [Fact]
    public async Task Ask_with_a_chunked_Map_keeps_input_order()
    {
        await using var lease = CreatePool();
        var sleeps = Enumerable.Range(0, 12).Select(i => (object?)((12 - i) * 3)).ToList();

        var result = await lease.Pool.Router.Ask<MapResult>(
            new Map(TestJobs.WireName(nameof(TestJobs.Sleep)), sleeps) { ChunkSize = 1, RequestId = 17 }, AskTimeout);

        Assert.Equal(17, result.RequestId);
        Assert.Equal(sleeps, result.Values);
    }

    [Fact]
    public async Task Ask_with_an_Apply_answers_an_ApplyResult()
    {
        await using var lease = CreatePool();

        var square = await lease.Pool.Router.Ask<ApplyResult>(new Apply(TestJobs.WireName(nameof(TestJobs.Square)), 7), AskTimeout);
        var none = await lease.Pool.Router.Ask<ApplyResult>(new Apply(TestJobs.WireName(nameof(TestJobs.FortyTwo))), AskTimeout);
        var two = await lease.Pool.Router.Ask<ApplyResult>(new Apply(TestJobs.WireName(nameof(TestJobs.Multiply)), 6, 7), AskTimeout);
        var three = await lease.Pool.Router.Ask<ApplyResult>(new Apply(TestJobs.WireName(nameof(TestJobs.Sum)), 1, 2, 3), AskTimeout);

        Assert.Equal(49, square.Value);
        Assert.Equal(42, none.Value);
        Assert.Equal(42, two.Value);
        Assert.Equal(6, three.Value);
    }

    [Fact]
    public async Task A_function_named_by_attribute_runs_by_that_name()
    {
        await using var lease = CreatePool();

        var result = await lease.Pool.Router.Ask<MapResult>(new Map("actorpool-tests.cube", new object?[] { 2, 3 }), AskTimeout);

        Assert.Equal(new object?[] { 8, 27 }, result.Values);
    }

    [Fact]
    public async Task Map_items_of_a_function_with_several_parameters_are_tuples_or_object_arrays()
    {
        await using var lease = CreatePool();

        var result = await lease.Pool.Router.Ask<MapResult>(
            new Map(TestJobs.WireName(nameof(TestJobs.Multiply)), new object?[] { (2, 3), new object?[] { 4, 5 } }), AskTimeout);

        Assert.Equal(new object?[] { 6, 20 }, result.Values);
    }

    [Fact]
    public async Task A_Map_with_ReplyTo_answers_that_actor()
    {
        await using var lease = CreatePool();
        var probe = CreateTestProbe();

        lease.Pool.Router.Tell(new Map(TestJobs.WireName(nameof(TestJobs.Square)), new object?[] { 4, 5 }) { ReplyTo = probe.Ref, RequestId = 3 });

        var result = probe.ExpectMsg<MapResult>(AskTimeout);
        Assert.Equal(3, result.RequestId);
        Assert.Equal(new object?[] { 16, 25 }, result.Values);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task An_Apply_with_ReplyTo_answers_that_actor()
    {
        await using var lease = CreatePool();
        var probe = CreateTestProbe();

        lease.Pool.Router.Tell(new Apply(TestJobs.WireName(nameof(TestJobs.Square)), 9) { ReplyTo = probe.Ref, RequestId = 8 }, TestActor);

        var result = probe.ExpectMsg<ApplyResult>(AskTimeout);
        Assert.Equal(new ApplyResult(8, 81), result);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_failing_function_fails_the_Ask_with_PoolTaskException()
    {
        await using var lease = CreatePool();

        var failure = await Assert.ThrowsAsync<PoolTaskException>(() => lease.Pool.Router.Ask<MapResult>(
            new Map(TestJobs.WireName(nameof(TestJobs.ThrowIfNegative)), new object?[] { 1, 2, -3, 4 }) { ChunkSize = 1 }, AskTimeout));

        Assert.Equal(2, failure.ItemIndex);
        Assert.Equal(typeof(InvalidOperationException).FullName, failure.OriginalType);
    }

    [Fact]
    public async Task A_failure_sent_to_ReplyTo_is_a_Status_Failure_carrying_the_request_id()
    {
        await using var lease = CreatePool();
        var probe = CreateTestProbe();

        lease.Pool.Router.Tell(new Apply(TestJobs.WireName(nameof(TestJobs.Boom))) { ReplyTo = probe.Ref, RequestId = 11 });

        var failure = probe.ExpectMsg<Status.Failure>(AskTimeout);
        Assert.Equal(11L, failure.State);
        Assert.IsType<PoolTaskException>(failure.Cause);
    }

    [Fact]
    public async Task An_unknown_function_name_fails_with_PoolFunctionException()
    {
        await using var lease = CreatePool();

        var failure = await Assert.ThrowsAsync<PoolFunctionException>(() =>
            lease.Pool.Router.Ask<MapResult>(new Map("ActorPool.Tests.TestJobs.NoSuchFunction", new object?[] { 1 }), AskTimeout));

        Assert.Equal("ActorPool.Tests.TestJobs.NoSuchFunction", failure.Function);
    }

    [Fact]
    public async Task A_method_without_the_attribute_cannot_be_named_on_the_wire()
    {
        await using var lease = CreatePool();

        // A public static method of the right shape, but not on the allow-list.
        await Assert.ThrowsAsync<PoolFunctionException>(() =>
            lease.Pool.Router.Ask<ApplyResult>(new Apply(TestJobs.WireName(nameof(TestJobs.WireName)), "Square"), AskTimeout));
        await Assert.ThrowsAsync<PoolFunctionException>(() =>
            lease.Pool.Router.Ask<ApplyResult>(new Apply("System.Math.Abs", -1), AskTimeout));
    }

    [Fact]
    public async Task Items_that_do_not_fit_the_parameters_fail_the_call_and_the_pool_stays_usable()
    {
        await using var lease = CreatePool();

        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            lease.Pool.Router.Ask<MapResult>(new Map(TestJobs.WireName(nameof(TestJobs.Square)), new object?[] { "not a number" }), AskTimeout));

        var result = await lease.Pool.Router.Ask<MapResult>(new Map(TestJobs.WireName(nameof(TestJobs.Square)), new object?[] { 3 }), AskTimeout);
        Assert.Equal(new object?[] { 9 }, result.Values);
    }

    [Fact]
    public async Task A_Map_with_a_chunk_size_below_one_fails_with_ArgumentOutOfRangeException()
    {
        await using var lease = CreatePool();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => lease.Pool.Router.Ask<MapResult>(
            new Map(TestJobs.WireName(nameof(TestJobs.Square)), new object?[] { 1 }) { ChunkSize = 0 }, AskTimeout));
    }

    [Fact]
    public async Task An_empty_Map_answers_an_empty_MapResult()
    {
        await using var lease = CreatePool();

        var result = await lease.Pool.Router.Ask<MapResult>(new Map(TestJobs.WireName(nameof(TestJobs.Square)), []) { RequestId = 5 }, AskTimeout);

        Assert.Equal(5, result.RequestId);
        Assert.Empty(result.Values);
    }

    [Fact]
    public async Task A_Map_with_a_Timeout_fails_with_TimeoutException_when_it_runs_too_long()
    {
        var pool = Pool.Create(Sys, new PoolOptions { Processes = 1 });
        try
        {
            await Assert.ThrowsAsync<TimeoutException>(() => pool.Router.Ask<MapResult>(
                new Map(TestJobs.WireName(nameof(TestJobs.Sleep)), new object?[] { 1000 }) { Timeout = TimeSpan.FromMilliseconds(100) }, AskTimeout));
        }
        finally
        {
            pool.Terminate();
        }
    }

    [Fact]
    public async Task The_router_of_a_closed_pool_answers_PoolClosedException()
    {
        var pool = Pool.Create(Sys, new PoolOptions { Processes = 1 });
        await using var lease = new PoolLease(pool);

        pool.Close();

        await Assert.ThrowsAsync<PoolClosedException>(() =>
            pool.Router.Ask<MapResult>(new Map(TestJobs.WireName(nameof(TestJobs.Square)), new object?[] { 1 }), AskTimeout));
    }

    [Fact]
    public async Task The_facade_works_in_a_borrowed_system_and_leaves_it_running()
    {
        var pool = Pool.Create(Sys, new PoolOptions { Processes = 2 });
        await using (new PoolLease(pool))
        {
            Assert.Equal([1, 4, 9], await pool.MapAsync(TestJobs.Square, [1, 2, 3]).Within());
            Assert.Same(Sys, pool.System);
        }

        Assert.False(Sys.WhenTerminated.IsCompleted);
        var again = Pool.Create(Sys, new PoolOptions { Processes = 1 });
        await using var lease = new PoolLease(again);
        Assert.Equal(25, await again.ApplyAsync(TestJobs.Square, 5).Within());
    }

    private PoolLease CreatePool() => new(Pool.Create(Sys, new PoolOptions { Processes = 2 }));
}
