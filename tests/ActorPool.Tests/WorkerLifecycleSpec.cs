using System.Collections.Concurrent;
using Xunit;

namespace ActorPool.Tests;

/// <summary>PoolOptions: <c>maxtasksperchild</c> replaces workers, <c>initializer</c> runs once per worker, bad options are refused.</summary>
public sealed class WorkerLifecycleSpec
{
    [Fact]
    public async Task MaxTasksPerChild_gives_the_worker_a_new_id_after_that_many_tasks()
    {
        await using var lease = PoolLease.Create(new PoolOptions { Processes = 1, MaxTasksPerChild = 2 });
        var ids = new List<string>();

        for (var i = 0; i < 6; i++)
        {
            ids.Add(await lease.Pool.ApplyAsync(TestJobs.WorkerId).Within());
        }

        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal(ids[0], ids[1]);
        Assert.Equal(ids[2], ids[3]);
        Assert.Equal(ids[4], ids[5]);
    }

    [Fact]
    public async Task MaxTasksPerChild_counts_chunks_of_a_map()
    {
        await using var lease = PoolLease.Create(new PoolOptions { Processes = 1, MaxTasksPerChild = 3 });

        var ids = await lease.Pool.MapAsync(TestJobs.WorkerIdAfter, Enumerable.Repeat(0, 9), chunkSize: 1).Within();

        Assert.Equal(3, ids.Distinct().Count());
        Assert.All(ids.GroupBy(id => id), incarnation => Assert.Equal(3, incarnation.Count()));
    }

    [Fact]
    public async Task Initializer_runs_once_per_worker_incarnation_before_its_first_task()
    {
        var events = new ConcurrentQueue<string>();
        await using var lease = PoolLease.Create(new PoolOptions
        {
            Processes = 1,
            MaxTasksPerChild = 2,
            Initializer = () => events.Enqueue("init " + WorkerContext.Current.WorkerId),
        });

        for (var i = 0; i < 6; i++)
        {
            await lease.Pool.ApplyAsync(() =>
            {
                events.Enqueue("run " + WorkerContext.Current.WorkerId);
                return 0;
            }).Within();
        }

        var ids = events.Where(e => e.StartsWith("run ", StringComparison.Ordinal)).Select(e => e[4..]).Distinct().ToList();
        Assert.Equal(3, ids.Count);
        Assert.Equal(ids.SelectMany(id => new[] { "init " + id, "run " + id, "run " + id }), events);
    }

    [Fact]
    public async Task Initializer_runs_once_in_every_worker_that_gets_work()
    {
        var initialized = new ConcurrentQueue<string>();
        await using var lease = PoolLease.Create(new PoolOptions
        {
            Processes = 3,
            Initializer = () => initialized.Enqueue(WorkerContext.Current.WorkerId),
        });

        var ids = await lease.Pool.MapAsync(TestJobs.WorkerIdAfter, Enumerable.Repeat(5, 30), chunkSize: 1).Within();

        Assert.Equal(ids.Distinct().Order(), initialized.Order());
    }

    [Fact]
    public async Task An_initializer_that_throws_fails_the_call_and_the_worker_tries_again_on_the_next()
    {
        var attempts = 0;
        await using var lease = PoolLease.Create(new PoolOptions
        {
            Processes = 1,
            Initializer = () =>
            {
                if (Interlocked.Increment(ref attempts) == 1)
                {
                    throw new InvalidOperationException("initializer failed");
                }
            },
        });

        var failure = await Assert.ThrowsAsync<PoolTaskException>(() => lease.Pool.ApplyAsync(TestJobs.Square, 2).Within());
        var second = await lease.Pool.ApplyAsync(TestJobs.Square, 3).Within();
        var third = await lease.Pool.ApplyAsync(TestJobs.Square, 4).Within();

        Assert.Equal("initializer failed", failure.OriginalMessage);
        Assert.Equal(9, second);
        Assert.Equal(16, third);
        Assert.Equal(2, Volatile.Read(ref attempts));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Create_rejects_fewer_than_one_process(int processes)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Pool.Create(processes));
        var options = Assert.Throws<ArgumentOutOfRangeException>(() => Pool.Create(new PoolOptions { Processes = processes }));
        Assert.Equal(nameof(PoolOptions.Processes), options.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Create_rejects_MaxTasksPerChild_and_ChunkSize_below_one(int value)
    {
        var tasks = Assert.Throws<ArgumentOutOfRangeException>(() => Pool.Create(new PoolOptions { Processes = 1, MaxTasksPerChild = value }));
        var chunk = Assert.Throws<ArgumentOutOfRangeException>(() => Pool.Create(new PoolOptions { Processes = 1, ChunkSize = value }));

        Assert.Equal(nameof(PoolOptions.MaxTasksPerChild), tasks.ParamName);
        Assert.Equal(nameof(PoolOptions.ChunkSize), chunk.ParamName);
    }

    [Fact]
    public void Create_rejects_a_task_timeout_that_is_not_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Pool.Create(new PoolOptions { Processes = 1, TaskTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Pool.Create(new PoolOptions { Processes = 1, TaskTimeout = TimeSpan.FromSeconds(-1) }));
    }

    [Fact]
    public async Task The_ChunkSize_option_is_the_default_chunk_size_of_a_map()
    {
        await using var lease = PoolLease.Create(new PoolOptions { Processes = 2, ChunkSize = 5 });

        var ids = await lease.Pool.MapAsync(TestJobs.WorkerIdAfter, Enumerable.Repeat(0, 20)).Within();

        // Chunks of five run whole on one worker each.
        Assert.All(ids.Chunk(5), chunk => Assert.Single(chunk.Distinct()));
    }
}
