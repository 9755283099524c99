namespace ActorPool.Tests;

/// <summary>
/// A pool a test owns. Disposing it closes and joins the pool within a bound and terminates it when the join
/// overruns, so no test leaves a pool behind or waits on one forever.
/// </summary>
internal sealed class PoolLease(Pool pool) : IAsyncDisposable
{
    private static readonly TimeSpan JoinBound = TimeSpan.FromSeconds(20);

    public Pool Pool { get; } = pool;

    public static PoolLease Create(int processes) => new(Pool.Create(processes));

    public static PoolLease Create(PoolOptions options) => new(Pool.Create(options));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Pool.DisposeAsync().AsTask().WaitAsync(JoinBound);
        }
        catch (TimeoutException)
        {
            Pool.Terminate();
            throw new TimeoutException($"The pool did not close and join within {JoinBound}.");
        }
    }
}
