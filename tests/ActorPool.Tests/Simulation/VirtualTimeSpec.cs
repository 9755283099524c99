using ActorPool.Internal;
using ActorPool.Tests.Reliability;
using Akka.Actor;
using Akka.Routing;
using Akka.TestKit;
using Xunit;

namespace ActorPool.Tests.Simulation;

/// <summary>
/// A pool made in a TestKit whose scheduler is <see cref="TestScheduler"/> keeps its deadlines on that virtual clock:
/// a spec advances time instead of sleeping through a timeout.
/// </summary>
public sealed class VirtualTimeSpec : Akka.TestKit.Xunit2.TestKit
{
    public VirtualTimeSpec() : base("""
        akka.loglevel = WARNING
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        """)
    {
    }

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    [Fact]
    public async Task TaskTimeout_fires_when_the_spec_advances_the_clock_and_not_before()
    {
        var run = TestJobs.NewRun();
        var pool = Pool.Create(Sys, new PoolOptions { Processes = 1, TaskTimeout = TimeSpan.FromHours(1) });
        try
        {
            var call = pool.ApplyAsync(ReliabilityJobs.Hang, run);
            await ReliabilityJobs.EnteredAsync(run, 1);

            Clock.Advance(TimeSpan.FromMinutes(59));
            await Task.Delay(200);
            Assert.False(call.IsCompleted, "the call timed out before its hour passed on the virtual clock");

            Clock.Advance(TimeSpan.FromMinutes(1));
            await Assert.ThrowsAsync<TimeoutException>(() => call.Within());
        }
        finally
        {
            ReliabilityJobs.Release(run);
            pool.Terminate();
        }
    }

    [Fact]
    public async Task A_protocol_map_deadline_fails_a_probe_caller_on_virtual_time()
    {
        var run = TestJobs.NewRun();
        var pool = Pool.Create(Sys, new PoolOptions { Processes = 2 });
        try
        {
            var caller = CreateTestProbe();
            pool.Router.Tell(new Map($"{typeof(ReliabilityJobs).FullName}.{nameof(ReliabilityJobs.Hang)}", [run, run, run, run])
            {
                ChunkSize = 1,
                Timeout = TimeSpan.FromDays(1),
                ReplyTo = caller.Ref,
            });
            await ReliabilityJobs.EnteredAsync(run, 2);
            await caller.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));

            Clock.Advance(TimeSpan.FromDays(1));

            var failure = await caller.ExpectMsgAsync<Status.Failure>(Bounds.Call);
            Assert.IsType<TimeoutException>(failure.Cause);
        }
        finally
        {
            ReliabilityJobs.Release(run);
            pool.Terminate();
        }
    }

    [Fact]
    public async Task The_no_workers_timeout_fails_a_call_when_the_spec_advances_the_clock()
    {
        var settings = PoolSettings.Create(Sys) with { NoWorkersTimeout = TimeSpan.FromHours(1) };
        var setup = new RouterSetup(Props.Create(() => new NoWorkers()), ExpectedWorkers: 1, DefaultChunkSize: null, DefaultTimeout: null, settings, MaxBatch: 1);
        var router = Sys.ActorOf(Props.Create(() => new PoolRouter(setup)), "router");
        var caller = CreateTestProbe();

        router.Tell(new Map(TestJobs.WireName(nameof(TestJobs.Square)), [1, 2]) { ReplyTo = caller.Ref });
        await caller.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        Clock.Advance(TimeSpan.FromHours(1));

        var failure = await caller.ExpectMsgAsync<Status.Failure>(Bounds.Call);
        Assert.IsType<PoolWorkerLostException>(failure.Cause);
    }

    /// <summary>A worker directory that never finds a worker (every node gone).</summary>
    private sealed class NoWorkers : ReceiveActor
    {
        public NoWorkers() => Receive<GetRoutees>(_ => Sender.Tell(new WorkersFound([])));
    }
}
