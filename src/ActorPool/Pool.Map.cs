using ActorPool.Internal;

namespace ActorPool;

public sealed partial class Pool
{
    /// <summary>Applies <paramref name="function"/> to every item and waits for the results, in input order. Like <c>pool.map(f, items)</c>.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResult">The function's result.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="items">The input; it is read whole before any work is sent (an array is used as it is: this call blocks until done), and an exception it throws surfaces as itself.</param>
    /// <param name="chunkSize">Items per chunk; by default <c>ceil(items / (4 × workers))</c>.</param>
    /// <param name="progress">Told how far the call has come as chunks finish (see <see cref="PoolProgress"/>); on success the last report counts every item and comes before the call completes.</param>
    /// <returns>One result per item, in input order.</returns>
    /// <exception cref="PoolTaskException">A call threw: the first failure, reported after every chunk has finished.</exception>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
    public IReadOnlyList<TResult> Map<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int? chunkSize = null, IProgress<PoolProgress>? progress = null) =>
        MapCore(DelegateFunctions.For(function, function, typeof(T)), items, chunkSize, null, null, default, progress, borrowArray: true).GetAwaiter().GetResult();

    /// <summary>Applies <paramref name="function"/> to every item. Like <c>pool.map_async(f, items, callback=…, error_callback=…)</c>.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResult">The function's result.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="items">The input; it is read whole before any work is sent, and an exception it throws surfaces as itself.</param>
    /// <param name="chunkSize">Items per chunk; by default <c>ceil(items / (4 × workers))</c>.</param>
    /// <param name="callback">Called once with the results, before the task completes.</param>
    /// <param name="errorCallback">Called once with the failure (a <see cref="PoolTaskException"/>, a timeout, a cancellation), before the task faults.</param>
    /// <param name="progress">Told how far the call has come as chunks finish (see <see cref="PoolProgress"/>); on success the last report counts every item and comes before the call completes.</param>
    /// <param name="cancellationToken">Cancels the call: its remaining chunks are not dispatched and the task is cancelled.</param>
    /// <returns>One result per item, in input order.</returns>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
    public Task<IReadOnlyList<TResult>> MapAsync<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int? chunkSize = null,
        Action<IReadOnlyList<TResult>>? callback = null, Action<Exception>? errorCallback = null, IProgress<PoolProgress>? progress = null, CancellationToken cancellationToken = default) =>
        MapCore(DelegateFunctions.For(function, function, typeof(T)), items, chunkSize, callback, errorCallback, cancellationToken, progress);

    /// <summary>Calls <paramref name="function"/> with the values of every tuple and waits for the results, in input order. Like <c>pool.starmap(f, tuples)</c>.</summary>
    /// <typeparam name="T1">The first parameter.</typeparam>
    /// <typeparam name="T2">The second parameter.</typeparam>
    /// <typeparam name="TResult">The function's result.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="items">The argument tuples; read whole before any work is sent.</param>
    /// <param name="chunkSize">Items per chunk; by default <c>ceil(items / (4 × workers))</c>.</param>
    /// <param name="progress">Told how far the call has come as chunks finish (see <see cref="PoolProgress"/>); on success the last report counts every item and comes before the call completes.</param>
    /// <returns>One result per item, in input order.</returns>
    /// <exception cref="PoolTaskException">A call threw: the first failure, reported after every chunk has finished.</exception>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
    public IReadOnlyList<TResult> StarMap<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<(T1, T2)> items, int? chunkSize = null, IProgress<PoolProgress>? progress = null) =>
        MapCore(DelegateFunctions.For<(T1, T2), TResult>(function, p => function(p.Item1, p.Item2), typeof(T1), typeof(T2)),
            items, chunkSize, null, null, default, progress, borrowArray: true).GetAwaiter().GetResult();

    /// <summary>Calls <paramref name="function"/> with the values of every tuple and waits for the results, in input order. Like <c>pool.starmap(f, tuples)</c>.</summary>
    /// <typeparam name="T1">The first parameter.</typeparam>
    /// <typeparam name="T2">The second parameter.</typeparam>
    /// <typeparam name="T3">The third parameter.</typeparam>
    /// <typeparam name="TResult">The function's result.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="items">The argument tuples; read whole before any work is sent.</param>
    /// <param name="chunkSize">Items per chunk; by default <c>ceil(items / (4 × workers))</c>.</param>
    /// <param name="progress">Told how far the call has come as chunks finish (see <see cref="PoolProgress"/>); on success the last report counts every item and comes before the call completes.</param>
    /// <returns>One result per item, in input order.</returns>
    /// <exception cref="PoolTaskException">A call threw: the first failure, reported after every chunk has finished.</exception>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
    public IReadOnlyList<TResult> StarMap<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, IEnumerable<(T1, T2, T3)> items, int? chunkSize = null, IProgress<PoolProgress>? progress = null) =>
        MapCore(DelegateFunctions.For<(T1, T2, T3), TResult>(function, p => function(p.Item1, p.Item2, p.Item3), typeof(T1), typeof(T2), typeof(T3)),
            items, chunkSize, null, null, default, progress, borrowArray: true).GetAwaiter().GetResult();

    /// <summary>Calls <paramref name="function"/> with the values of every tuple. Like <c>pool.starmap_async(f, tuples, callback=…, error_callback=…)</c>.</summary>
    /// <typeparam name="T1">The first parameter.</typeparam>
    /// <typeparam name="T2">The second parameter.</typeparam>
    /// <typeparam name="TResult">The function's result.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="items">The argument tuples; read whole before any work is sent.</param>
    /// <param name="chunkSize">Items per chunk; by default <c>ceil(items / (4 × workers))</c>.</param>
    /// <param name="callback">Called once with the results, before the task completes.</param>
    /// <param name="errorCallback">Called once with the failure (a <see cref="PoolTaskException"/>, a timeout, a cancellation), before the task faults.</param>
    /// <param name="progress">Told how far the call has come as chunks finish (see <see cref="PoolProgress"/>); on success the last report counts every item and comes before the call completes.</param>
    /// <param name="cancellationToken">Cancels the call: its remaining chunks are not dispatched and the task is cancelled.</param>
    /// <returns>One result per item, in input order.</returns>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
    public Task<IReadOnlyList<TResult>> StarMapAsync<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<(T1, T2)> items,
        int? chunkSize = null, Action<IReadOnlyList<TResult>>? callback = null, Action<Exception>? errorCallback = null,
        IProgress<PoolProgress>? progress = null, CancellationToken cancellationToken = default) =>
        MapCore(DelegateFunctions.For<(T1, T2), TResult>(function, p => function(p.Item1, p.Item2), typeof(T1), typeof(T2)),
            items, chunkSize, callback, errorCallback, cancellationToken, progress);

    /// <summary>Calls <paramref name="function"/> with the values of every tuple. Like <c>pool.starmap_async(f, tuples, callback=…, error_callback=…)</c>.</summary>
    /// <typeparam name="T1">The first parameter.</typeparam>
    /// <typeparam name="T2">The second parameter.</typeparam>
    /// <typeparam name="T3">The third parameter.</typeparam>
    /// <typeparam name="TResult">The function's result.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="items">The argument tuples; read whole before any work is sent.</param>
    /// <param name="chunkSize">Items per chunk; by default <c>ceil(items / (4 × workers))</c>.</param>
    /// <param name="callback">Called once with the results, before the task completes.</param>
    /// <param name="errorCallback">Called once with the failure (a <see cref="PoolTaskException"/>, a timeout, a cancellation), before the task faults.</param>
    /// <param name="progress">Told how far the call has come as chunks finish (see <see cref="PoolProgress"/>); on success the last report counts every item and comes before the call completes.</param>
    /// <param name="cancellationToken">Cancels the call: its remaining chunks are not dispatched and the task is cancelled.</param>
    /// <returns>One result per item, in input order.</returns>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
    public Task<IReadOnlyList<TResult>> StarMapAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, IEnumerable<(T1, T2, T3)> items,
        int? chunkSize = null, Action<IReadOnlyList<TResult>>? callback = null, Action<Exception>? errorCallback = null,
        IProgress<PoolProgress>? progress = null, CancellationToken cancellationToken = default) =>
        MapCore(DelegateFunctions.For<(T1, T2, T3), TResult>(function, p => function(p.Item1, p.Item2, p.Item3), typeof(T1), typeof(T2), typeof(T3)),
            items, chunkSize, callback, errorCallback, cancellationToken, progress);

    private Task<IReadOnlyList<TResult>> MapCore<TArg, TResult>(FunctionInvoker<TArg, TResult> function, IEnumerable<TArg> items, int? chunkSize,
        Action<IReadOnlyList<TResult>>? callback, Action<Exception>? errorCallback, CancellationToken cancellationToken,
        IProgress<PoolProgress>? progress, bool borrowArray = false)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (chunkSize is { } size)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(size, 1, nameof(chunkSize));
        }

        EnsureOpen();
        // Read the input here, on the caller's thread, so its exceptions surface as themselves.
        // Python copies the input (list(iterable)); so do we, except for an array given to a blocking call: the caller
        // cannot change it before the call returns, and copying 8 MB of fresh pages costs as much as mapping it.
        var arguments = borrowArray && items is TArg[] array ? array : items.ToArray();
        var reporter = progress is null ? null : new ProgressReporter(progress, arguments.Length);
        var call = new SingleCall<IReadOnlyList<TResult>>(
            reply => TypedItems.ToArray<TResult>(((MapResult)reply).Values), callback, errorCallback, reporter);
        if (arguments.Length == 0)
        {
            call.Progress(new MapProgress(0, 0, 0, 0));
            call.Deliver(new MapResult(0, new TypedItems<TResult>([])));
            return call.Task;
        }

        Send(call, id => Request(id, function, arguments, chunkSize, ReplyMode.Whole, reporter is not null), call.Task, cancellationToken);
        return call.Task;
    }
}
