using Xunit;

namespace ActorPool.Tests;

/// <summary><c>get(timeout)</c> as <c>WaitAsync</c>, and the pool's own deadline, <see cref="PoolOptions.TaskTimeout"/>.</summary>
public sealed class TimeoutSpec
{
    [Fact]
    public async Task WaitAsync_on_a_long_task_throws_TimeoutException_and_leaves_the_task_running()
    {
        var pool = Pool.Create(1);
        try
        {
            var task = pool.ApplyAsync(TestJobs.Sleep, 2000);

            await Assert.ThrowsAsync<TimeoutException>(() => task.WaitAsync(TimeSpan.FromMilliseconds(100)));

            // Like AsyncResult.get(timeout): the wait ends, the task does not.
            Assert.False(task.IsCompleted);
        }
        finally
        {
            pool.Terminate();
        }
    }

    [Fact]
    public async Task TaskTimeout_fails_an_apply_that_runs_too_long_with_TimeoutException()
    {
        var pool = Pool.Create(new PoolOptions { Processes = 1, TaskTimeout = TimeSpan.FromMilliseconds(150) });
        try
        {
            var errors = new List<Exception>();

            var call = pool.ApplyAsync(TestJobs.Sleep, 1500, errorCallback: e => { lock (errors) { errors.Add(e); } });

            await Assert.ThrowsAsync<TimeoutException>(() => call.Within());
            Assert.IsType<TimeoutException>(Assert.Single(errors));
        }
        finally
        {
            pool.Terminate();
        }
    }

    [Fact]
    public async Task TaskTimeout_fails_a_map_that_runs_too_long_with_TimeoutException()
    {
        var pool = Pool.Create(new PoolOptions { Processes = 2, TaskTimeout = TimeSpan.FromMilliseconds(150) });
        try
        {
            await Assert.ThrowsAsync<TimeoutException>(() => Bounds.Blocking(() => pool.Map(TestJobs.Sleep, Enumerable.Repeat(100, 20), chunkSize: 1)));
        }
        finally
        {
            pool.Terminate();
        }
    }

    [Fact]
    public async Task TaskTimeout_leaves_calls_that_finish_in_time_alone()
    {
        await using var lease = PoolLease.Create(new PoolOptions { Processes = 2, TaskTimeout = TimeSpan.FromSeconds(15) });

        Assert.Equal([1, 4, 9], await lease.Pool.MapAsync(TestJobs.Square, [1, 2, 3]).Within());
        Assert.Equal(16, await lease.Pool.ApplyAsync(TestJobs.Square, 4).Within());
    }
}
