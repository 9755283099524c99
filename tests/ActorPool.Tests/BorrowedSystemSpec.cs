using Xunit;

namespace ActorPool.Tests;

/// <summary>
/// A pool and a process in an actor system configured by its owner alone, without ActorPool's defaults as a
/// fallback: the library must bring what it needs (its worker dispatcher) itself, as Akka extensions do.
/// </summary>
public sealed class BorrowedSystemSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    public BorrowedSystemSpec() : base("akka.loglevel = OFF")
    {
    }

    [Fact]
    public async Task A_pool_runs_work_in_a_system_without_the_actorpool_section()
    {
        var pool = Pool.Create(Sys, new PoolOptions { Processes = 1 });
        try
        {
            Assert.Equal(9, await pool.ApplyAsync(TestJobs.Square, 3).WaitAsync(Bound));
        }
        finally
        {
            pool.Terminate();
        }
    }

    [Fact]
    public async Task A_process_runs_in_a_system_without_the_actorpool_section()
    {
        var ran = 0;
        var process = new ActorProcess(() => Interlocked.Increment(ref ran), Sys);

        process.Start();
        await process.JoinAsync().WaitAsync(Bound);

        Assert.Equal(1, ran);
        Assert.Equal(0, process.ExitCode);
    }
}
