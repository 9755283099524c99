using ActorPool.Internal;

namespace ActorPool;

/// <summary>
/// Async functions: a delegate returning <see cref="Task{TResult}"/> is awaited on the worker, never handed back as a
/// task, and one worker keeps many such calls in flight (<c>actorpool.async-calls-per-worker</c>), so I/O-bound work
/// overlaps. A <see cref="CancellationToken"/> parameter receives the call's token: for an async function it is
/// cancelled when the call is cancelled or times out, or the pool terminates. (A synchronous function holds its worker's
/// thread while it runs, so nothing can reach it then: its token is cancelled only when its worker stops.) The typed methods take delegates returning <see cref="Task{TResult}"/>
/// (as <see cref="Task.Run{TResult}(Func{Task{TResult}})"/> does: a second set for <see cref="ValueTask{TResult}"/> would
/// make every async lambda ambiguous); a registered function returning <see cref="ValueTask{TResult}"/> is awaited
/// when called by name (the <see cref="ActorPool.Map"/> message, <see cref="Imap(string, IEnumerable{object?}, int, IProgress{PoolProgress}, CancellationToken)"/>).
/// </summary>
public sealed partial class Pool
{
    /// <summary>Runs an async <paramref name="function"/> on a worker, awaits it there, and waits for its result. Like <c>pool.apply(f, (a,))</c>.</summary>
    /// <typeparam name="T1">The function's parameter.</typeparam>
    /// <typeparam name="TResult">What the function's task completes with.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="arg1">The argument.</param>
    /// <returns>What the function's task completed with.</returns>
    /// <exception cref="PoolTaskException">The function threw, or its task faulted.</exception>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public TResult Apply<T1, TResult>(Func<T1, Task<TResult>> function, T1 arg1) =>
        ApplyAsync(function, arg1).GetAwaiter().GetResult();

    /// <summary>Runs an async <paramref name="function"/> on a worker and awaits it there. Like <c>pool.apply_async(f, (a,))</c>.</summary>
    /// <typeparam name="T1">The function's parameter.</typeparam>
    /// <typeparam name="TResult">What the function's task completes with.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="arg1">The argument.</param>
    /// <param name="callback">Called once with the result, before the task completes.</param>
    /// <param name="errorCallback">Called once with the failure, before the task faults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What the function's task completed with.</returns>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public Task<TResult> ApplyAsync<T1, TResult>(Func<T1, Task<TResult>> function, T1 arg1, Action<TResult>? callback = null,
        Action<Exception>? errorCallback = null, CancellationToken cancellationToken = default) =>
        ApplyCore(Awaited(function), arg1, callback, errorCallback, cancellationToken);

    /// <summary>Runs an async <paramref name="function"/> that takes the call's token on a worker and awaits it there.</summary>
    /// <typeparam name="T1">The function's parameter.</typeparam>
    /// <typeparam name="TResult">What the function's task completes with.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate; its token is cancelled with the call.</param>
    /// <param name="arg1">The argument.</param>
    /// <param name="callback">Called once with the result, before the task completes.</param>
    /// <param name="errorCallback">Called once with the failure, before the task faults.</param>
    /// <param name="cancellationToken">Cancels the call, and so the token the function was given.</param>
    /// <returns>What the function's task completed with.</returns>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public Task<TResult> ApplyAsync<T1, TResult>(Func<T1, CancellationToken, Task<TResult>> function, T1 arg1, Action<TResult>? callback = null,
        Action<Exception>? errorCallback = null, CancellationToken cancellationToken = default) =>
        ApplyCore(Awaited(function), arg1, callback, errorCallback, cancellationToken);

    /// <summary>Applies an async <paramref name="function"/> to every item, awaiting the calls on the workers, and waits for the results in input order.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResult">What the function's task completes with.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="items">The input; read whole before any work is sent.</param>
    /// <param name="chunkSize">Items per chunk; by default <c>ceil(items / (4 × workers))</c>.</param>
    /// <param name="progress">Told how far the call has come as chunks finish (see <see cref="PoolProgress"/>); on success the last report counts every item and comes before the call completes.</param>
    /// <returns>One result per item, in input order.</returns>
    /// <exception cref="PoolTaskException">A call threw: the first failure, reported after every chunk has finished.</exception>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public IReadOnlyList<TResult> Map<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items, int? chunkSize = null, IProgress<PoolProgress>? progress = null) =>
        MapCore(Awaited(function), items, chunkSize, null, null, default, progress, borrowArray: true).GetAwaiter().GetResult();

    /// <summary>Applies an async <paramref name="function"/> to every item, awaiting the calls on the workers, many at once per worker.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResult">What the function's task completes with.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="items">The input; read whole before any work is sent.</param>
    /// <param name="chunkSize">Items per chunk; by default <c>ceil(items / (4 × workers))</c>.</param>
    /// <param name="callback">Called once with the results, before the task completes.</param>
    /// <param name="errorCallback">Called once with the failure, before the task faults.</param>
    /// <param name="progress">Told how far the call has come as chunks finish (see <see cref="PoolProgress"/>); on success the last report counts every item and comes before the call completes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One result per item, in input order.</returns>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public Task<IReadOnlyList<TResult>> MapAsync<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items, int? chunkSize = null,
        Action<IReadOnlyList<TResult>>? callback = null, Action<Exception>? errorCallback = null, IProgress<PoolProgress>? progress = null, CancellationToken cancellationToken = default) =>
        MapCore(Awaited(function), items, chunkSize, callback, errorCallback, cancellationToken, progress);

    /// <summary>Applies an async <paramref name="function"/> that takes the call's token to every item, awaiting the calls on the workers.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResult">What the function's task completes with.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate; its token is cancelled with the call.</param>
    /// <param name="items">The input; read whole before any work is sent.</param>
    /// <param name="chunkSize">Items per chunk; by default <c>ceil(items / (4 × workers))</c>.</param>
    /// <param name="callback">Called once with the results, before the task completes.</param>
    /// <param name="errorCallback">Called once with the failure, before the task faults.</param>
    /// <param name="progress">Told how far the call has come as chunks finish (see <see cref="PoolProgress"/>); on success the last report counts every item and comes before the call completes.</param>
    /// <param name="cancellationToken">Cancels the call, and so the tokens the running calls were given.</param>
    /// <returns>One result per item, in input order.</returns>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public Task<IReadOnlyList<TResult>> MapAsync<T, TResult>(Func<T, CancellationToken, Task<TResult>> function, IEnumerable<T> items, int? chunkSize = null,
        Action<IReadOnlyList<TResult>>? callback = null, Action<Exception>? errorCallback = null, IProgress<PoolProgress>? progress = null, CancellationToken cancellationToken = default) =>
        MapCore(Awaited(function), items, chunkSize, callback, errorCallback, cancellationToken, progress);

    /// <summary>Calls an async <paramref name="function"/> with the values of every tuple, awaiting the calls on the workers; results in input order.</summary>
    /// <typeparam name="T1">The first parameter.</typeparam>
    /// <typeparam name="T2">The second parameter.</typeparam>
    /// <typeparam name="TResult">What the function's task completes with.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="items">The argument tuples; read whole before any work is sent.</param>
    /// <param name="chunkSize">Items per chunk; by default <c>ceil(items / (4 × workers))</c>.</param>
    /// <param name="callback">Called once with the results, before the task completes.</param>
    /// <param name="errorCallback">Called once with the failure, before the task faults.</param>
    /// <param name="progress">Told how far the call has come as chunks finish (see <see cref="PoolProgress"/>); on success the last report counts every item and comes before the call completes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One result per item, in input order.</returns>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public Task<IReadOnlyList<TResult>> StarMapAsync<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function, IEnumerable<(T1, T2)> items, int? chunkSize = null,
        Action<IReadOnlyList<TResult>>? callback = null, Action<Exception>? errorCallback = null, IProgress<PoolProgress>? progress = null, CancellationToken cancellationToken = default) =>
        MapCore(DelegateFunctions.ForAsync<(T1, T2), TResult>(function, (p, _) => new ValueTask<TResult>(function(p.Item1, p.Item2)), typeof(T1), typeof(T2)),
            items, chunkSize, callback, errorCallback, cancellationToken, progress);

    /// <summary>Streams an async <paramref name="function"/> over the items, in input order, the calls awaited on the workers.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResult">What the function's task completes with.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="items">The input, read lazily.</param>
    /// <param name="chunkSize">Items per chunk (1 by default, as in CPython).</param>
    /// <param name="progress">Told how far the call has come as chunks finish (see <see cref="PoolProgress"/>); on success the last report counts every item and comes before the call completes.</param>
    /// <param name="cancellationToken">Stops the stream and the work behind it.</param>
    /// <returns>The results, in input order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public IAsyncEnumerable<TResult> Imap<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items, int chunkSize = 1,
        IProgress<PoolProgress>? progress = null, CancellationToken cancellationToken = default) =>
        StartStream(Awaited(function), items, chunkSize, ordered: true, cancellationToken, progress);

    private static FunctionInvoker<T, TResult> Awaited<T, TResult>(Func<T, Task<TResult>> function) =>
        DelegateFunctions.ForAsync<T, TResult>(function, (argument, _) => new ValueTask<TResult>(function(argument)), typeof(T));

    private static FunctionInvoker<T, TResult> Awaited<T, TResult>(Func<T, CancellationToken, Task<TResult>> function) =>
        DelegateFunctions.ForAsync<T, TResult>(function, (argument, token) => new ValueTask<TResult>(function(argument, token)), typeof(T));
}
