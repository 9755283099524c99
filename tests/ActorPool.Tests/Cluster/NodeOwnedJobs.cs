using System.Collections.Concurrent;

namespace ActorPool.Tests.Cluster;

/// <summary>
/// Functions of the node-owned worker specs. The registry is per process, so every in-process node has them; their
/// counters are static, so a spec sees what every node's workers did.
/// </summary>
public static class NodeOwnedJobs
{
    /// <summary>The scope of <see cref="CountedInCluster"/>'s values.</summary>
    public const string ClusterScope = "cluster";

    /// <summary>The scope of <see cref="CountedRecycled"/>'s values.</summary>
    public const string RecycledScope = "recycled";

    /// <summary>The scope of <see cref="CountedFlaky"/>'s values.</summary>
    public const string FlakyScope = "flaky";

    private static readonly WorkerLocal<WorkerCounter> ClusterCounter = new(() => WorkerCounter.Make(ClusterScope));
    private static readonly WorkerLocal<WorkerCounter> RecycledCounter = new(() => WorkerCounter.Make(RecycledScope));
    private static readonly WorkerLocal<WorkerCounter> FlakyCounter = new(MakeFlaky);

    private static int _napsStarted;
    private static int _napWheresStarted;
    private static int _flakyFailuresLeft;
    private static int _flakyAttempts;

    /// <summary>How many <see cref="Nap"/> calls have started since <see cref="ResetNaps"/>.</summary>
    public static int NapsStarted => Volatile.Read(ref _napsStarted);

    /// <summary>How many <see cref="NapWhere"/> calls have started since <see cref="ResetNaps"/>.</summary>
    public static int NapWheresStarted => Volatile.Read(ref _napWheresStarted);

    /// <summary>How many times <see cref="CountedFlaky"/>'s factory ran since <see cref="FailFlakyFactory"/>.</summary>
    public static int FlakyAttempts => Volatile.Read(ref _flakyAttempts);

    /// <summary>Starts counting naps from zero.</summary>
    public static void ResetNaps()
    {
        Interlocked.Exchange(ref _napsStarted, 0);
        Interlocked.Exchange(ref _napWheresStarted, 0);
    }

    /// <summary>The next <paramref name="times"/> runs of <see cref="CountedFlaky"/>'s factory throw; its attempts count from zero.</summary>
    public static void FailFlakyFactory(int times)
    {
        Interlocked.Exchange(ref _flakyFailuresLeft, times);
        Interlocked.Exchange(ref _flakyAttempts, 0);
    }

    /// <summary>Sleeps 20 ms and returns <paramref name="x"/>: a slow item of a big map.</summary>
    [PoolFunction]
    public static int Nap(int x)
    {
        Interlocked.Increment(ref _napsStarted);
        Thread.Sleep(20);
        return x;
    }

    /// <summary>Sleeps 50 ms and returns <c>x|node</c>: which node ran a slow item.</summary>
    [PoolFunction]
    public static string NapWhere(int x)
    {
        Interlocked.Increment(ref _napWheresStarted);
        Thread.Sleep(50);
        return $"{x}|{WorkerContext.Current.Node}";
    }

    /// <summary>Reads a <see cref="WorkerLocal{T}"/>; returns <c>x|worker id|value serial</c>.</summary>
    [PoolFunction]
    public static string CountedInCluster(int x) => Describe(x, ClusterCounter.Value);

    /// <summary>Like <see cref="CountedInCluster"/>, with a value of its own, for in-process pools whose workers are replaced.</summary>
    [PoolFunction]
    public static string CountedRecycled(int x) => Describe(x, RecycledCounter.Value);

    /// <summary>Like <see cref="CountedInCluster"/>, with a value whose factory fails as <see cref="FailFlakyFactory"/> says.</summary>
    [PoolFunction]
    public static string CountedFlaky(int x) => Describe(x, FlakyCounter.Value);

    private static string Describe(int x, WorkerCounter counter) => $"{x}|{WorkerContext.Current.WorkerId}|{counter.Serial}";

    private static WorkerCounter MakeFlaky()
    {
        Interlocked.Increment(ref _flakyAttempts);
        if (Interlocked.Decrement(ref _flakyFailuresLeft) >= 0)
        {
            throw new InvalidOperationException("the WorkerLocal factory failed on purpose");
        }

        return WorkerCounter.Make(FlakyScope);
    }
}

/// <summary>
/// A per-worker value that counts, per scope and worker incarnation, how often it is made and disposed, and how many
/// values of one worker slot (a worker's path: its id without the incarnation) were alive at once.
/// </summary>
public sealed class WorkerCounter : IDisposable
{
    private static readonly ConcurrentDictionary<string, int> Made = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, int> Disposals = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, int> Alive = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, int> MostAlive = new(StringComparer.Ordinal);
    private static int _serials;

    private readonly string _scope;
    private readonly string _workerId;
    private int _disposed;

    private WorkerCounter(string scope, string workerId)
    {
        _scope = scope;
        _workerId = workerId;
        Serial = Interlocked.Increment(ref _serials);
    }

    /// <summary>Unique in this process: two reads that return the same serial got the same value.</summary>
    public int Serial { get; }

    /// <summary>Makes a value for the worker running the caller (the factory of a <see cref="WorkerLocal{T}"/>).</summary>
    public static WorkerCounter Make(string scope)
    {
        var counter = new WorkerCounter(scope, WorkerContext.Current.WorkerId);
        Made.AddOrUpdate(Key(scope, counter._workerId), 1, (_, n) => n + 1);
        var slot = Key(scope, SlotOf(counter._workerId));
        var alive = Alive.AddOrUpdate(slot, 1, (_, n) => n + 1);
        MostAlive.AddOrUpdate(slot, alive, (_, n) => Math.Max(n, alive));
        return counter;
    }

    /// <summary>How many values the worker incarnation <paramref name="workerId"/> made in <paramref name="scope"/>.</summary>
    public static int MadeBy(string scope, string workerId) => Made.GetValueOrDefault(Key(scope, workerId));

    /// <summary>How many times values of the worker incarnation <paramref name="workerId"/> were disposed (twice for one value counts twice).</summary>
    public static int DisposedBy(string scope, string workerId) => Disposals.GetValueOrDefault(Key(scope, workerId));

    /// <summary>The most values of the worker slot of <paramref name="workerId"/> alive at once.</summary>
    public static int MostAliveAt(string scope, string workerId) => MostAlive.GetValueOrDefault(Key(scope, SlotOf(workerId)));

    /// <summary>The worker slot of an id: <c>node/w0#17</c> is slot <c>node/w0</c>.</summary>
    public static string SlotOf(string workerId) => workerId[..workerId.LastIndexOf('#')];

    /// <summary>Forgets every count of <paramref name="scope"/>, so a spec starts from zero.</summary>
    public static void Reset(string scope)
    {
        foreach (var counts in new[] { Made, Disposals, Alive, MostAlive })
        {
            foreach (var key in counts.Keys.Where(k => k.StartsWith(scope + "|", StringComparison.Ordinal)))
            {
                counts.TryRemove(key, out _);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Disposals.AddOrUpdate(Key(_scope, _workerId), 1, (_, n) => n + 1);
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Alive.AddOrUpdate(Key(_scope, SlotOf(_workerId)), 0, (_, n) => n - 1);
        }
    }

    private static string Key(string scope, string id) => $"{scope}|{id}";
}
