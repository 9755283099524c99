using ActorPool.Internal;
using ActorPool.Tests.Reliability;
using Akka.Actor;
using Xunit;

namespace ActorPool.Tests.Cluster;

/// <summary>
/// A call stuck on a worker node past its <see cref="PoolOptions.TaskTimeout"/>: the node abandons that worker and
/// starts a fresh one, and every client's router deals to the fresh one from then on.
/// </summary>
[Collection("cluster")]
public sealed class StuckWorkClusterSpec(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    private int Workers => cluster.PoolNodes.Length * ThreeNodeCluster.WorkersPerNode;

    [Fact]
    public async Task A_call_stuck_on_a_node_times_out_and_that_node_replaces_the_worker_for_every_client()
    {
        var run = TestJobs.NewRun();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var client = await Pool.ConnectAsync(
            new ClusterOptions { Seeds = [cluster.PoolNodes[0].Address], Config = ThreeNodeCluster.Joining },
            new PoolOptions { TaskTimeout = TimeSpan.FromSeconds(3) }, bound.Token);
        try
        {
            await ThreeNodeCluster.Until(async () => await ClusterClients.WorkersOf(client) == Workers, "the client to know every worker");
            var stuck = client.ApplyAsync(ReliabilityJobs.Hang, run);
            var stuckWorker = Assert.Single(await ReliabilityJobs.EnteredAsync(run, 1));

            await Assert.ThrowsAsync<TimeoutException>(() => stuck.Within());

            // Both the client that timed out and the other router (the first node's) deal to every worker but the stuck one.
            foreach (var pool in new[] { client, cluster.Pool })
            {
                await ThreeNodeCluster.Until(async () =>
                {
                    var ids = await pool.MapAsync(TestJobs.WorkerIdAfter, Enumerable.Repeat(20, 8 * Workers), chunkSize: 1).Within();
                    return ids.Distinct().Count() == Workers && !ids.Contains(stuckWorker);
                }, "every router to deal to the fresh worker and not the stuck one");
            }

            foreach (var node in cluster.PoolNodes)
            {
                var listed = await node.System.ActorSelection($"/user/{WorkerHost.Name}").Ask<WorkersOf>(ListWorkers.Instance, TimeSpan.FromSeconds(5));
                Assert.Equal(ThreeNodeCluster.WorkersPerNode, listed.Workers.Count);
            }
        }
        finally
        {
            ReliabilityJobs.Release(run);
            await ClusterClients.LeaveAsync([client]);
        }
    }
}
