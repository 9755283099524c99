using Xunit;

namespace ActorPool.Tests;

/// <summary>Many applies in flight travel to workers in batches; each is still its own call.</summary>
public sealed class BatchingSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_burst_of_applies_answers_each_once_and_a_failing_one_fails_alone()
    {
        await using var pool = Pool.Create(2);
        var callbacks = 0;
        var errors = 0;
        var calls = Enumerable.Range(0, 5000)
            .Select(i => pool.ApplyAsync(Fail13, i, callback: _ => Interlocked.Increment(ref callbacks), errorCallback: _ => Interlocked.Increment(ref errors)))
            .ToArray();
        await Task.WhenAny(Task.WhenAll(calls), Task.Delay(Bound));

        Assert.All(calls, c => Assert.True(c.IsCompleted));
        var error = await Assert.ThrowsAsync<PoolTaskException>(() => calls[13]);
        Assert.Equal(0, error.ItemIndex);
        Assert.Equal((4999, 1), (callbacks, errors));
        Assert.Equal(Enumerable.Range(0, 5000).Where(i => i != 13), calls.Where((_, i) => i != 13).Select(c => c.Result));
    }

    [Fact]
    public async Task Batching_does_not_bend_MaxTasksPerChild()
    {
        await using var pool = Pool.Create(new PoolOptions { Processes = 1, MaxTasksPerChild = 3 });
        var ids = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => pool.ApplyAsync(() => WorkerContext.Current.WorkerId))).WaitAsync(Bound);
        Assert.All(ids.GroupBy(id => id), g => Assert.Equal(3, g.Count()));
        Assert.Equal(10, ids.Distinct().Count());
    }

    private static int Fail13(int x) => x == 13 ? throw new InvalidOperationException("13") : x;
}
