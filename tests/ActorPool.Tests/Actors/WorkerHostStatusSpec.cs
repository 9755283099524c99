using ActorPool.Internal;
using Akka.Actor;
using Akka.TestKit;
using Xunit;

namespace ActorPool.Tests.Actors;

/// <summary>
/// <see cref="WorkerHost"/> answering <see cref="HostStatusRequest"/>, with a probe as the router: its workers, how many
/// are inside a call now, and the items they answered — counted per item, and kept when a worker is replaced.
/// </summary>
public sealed class WorkerHostStatusSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly string Square = TestJobs.WireName(nameof(TestJobs.Square));
    private static readonly string Sleep = TestJobs.WireName(nameof(TestJobs.Sleep));

    private readonly TestProbe _router;

    public WorkerHostStatusSpec() : base(ActorSpecConfig.Local) => _router = CreateTestProbe("router");

    [Fact]
    public async Task Tasks_completed_counts_items_and_survives_a_replaced_worker()
    {
        var host = Sys.ActorOf(Props.Create(() => new WorkerHost(2, new WorkerOptions(null, null))), WorkerHost.Name);
        var workers = (await host.Ask<WorkersOf>(ListWorkers.Instance, TimeSpan.FromSeconds(5))).Workers;

        workers[0].Tell(new Chunk(1, 0, 0, Square, new[] { 1, 2, 3, 4, 5 }, 1, 3), _router.Ref);
        await _router.ExpectMsgAsync<ChunkResult>();
        workers[1].Tell(new Batch(Square, [2, 3], [0, 0], new[] { 6, 7 }), _router.Ref);
        await _router.ExpectMsgAsync<BatchResult>();
        Assert.Equal(new HostStatus(2, 0, 5, 0), await StatusOf(host));

        // A killed worker is replaced; what it did still counts.
        workers[0].Tell(Kill.Instance);
        await AwaitAssertAsync(async () => Assert.DoesNotContain(workers[0], (await host.Ask<WorkersOf>(ListWorkers.Instance, TimeSpan.FromSeconds(5))).Workers));
        Assert.Equal(new HostStatus(2, 0, 5, 0), await StatusOf(host));
    }

    [Fact]
    public async Task A_worker_inside_a_call_is_busy_until_it_returns()
    {
        var host = Sys.ActorOf(Props.Create(() => new WorkerHost(2, new WorkerOptions(null, null))), WorkerHost.Name);
        var workers = (await host.Ask<WorkersOf>(ListWorkers.Instance, TimeSpan.FromSeconds(5))).Workers;

        workers[0].Tell(new Chunk(1, 0, 0, Sleep, new[] { 1500 }, 0, 1), _router.Ref);

        await AwaitAssertAsync(async () => Assert.Equal(1, (await StatusOf(host)).Busy));
        await _router.ExpectMsgAsync<ChunkResult>();
        Assert.Equal(new HostStatus(2, 0, 1, 0), await StatusOf(host));
    }

    private static Task<HostStatus> StatusOf(IActorRef host) => host.Ask<HostStatus>(HostStatusRequest.Instance, TimeSpan.FromSeconds(5));
}
