using ActorPool.Internal;

namespace ActorPool;

public sealed partial class Pool
{
    /// <summary>Runs <paramref name="function"/> on a worker and waits for its result. Like <c>pool.apply(f)</c>.</summary>
    /// <typeparam name="TResult">The function's result.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <returns>What the function returned.</returns>
    /// <exception cref="PoolTaskException">The function threw.</exception>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public TResult Apply<TResult>(Func<TResult> function) =>
        ApplyAsync(function).GetAwaiter().GetResult();

    /// <summary>Runs <paramref name="function"/> on a worker and waits for its result. Like <c>pool.apply(f, (a,))</c>.</summary>
    /// <typeparam name="T1">The function's parameter.</typeparam>
    /// <typeparam name="TResult">The function's result.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="arg1">The argument.</param>
    /// <returns>What the function returned.</returns>
    /// <exception cref="PoolTaskException">The function threw.</exception>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public TResult Apply<T1, TResult>(Func<T1, TResult> function, T1 arg1) =>
        ApplyAsync(function, arg1).GetAwaiter().GetResult();

    /// <summary>Runs <paramref name="function"/> on a worker and waits for its result. Like <c>pool.apply(f, (a, b))</c>.</summary>
    /// <typeparam name="T1">The first parameter.</typeparam>
    /// <typeparam name="T2">The second parameter.</typeparam>
    /// <typeparam name="TResult">The function's result.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <returns>What the function returned.</returns>
    /// <exception cref="PoolTaskException">The function threw.</exception>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public TResult Apply<T1, T2, TResult>(Func<T1, T2, TResult> function, T1 arg1, T2 arg2) =>
        ApplyAsync(function, arg1, arg2).GetAwaiter().GetResult();

    /// <summary>Runs <paramref name="function"/> on a worker and waits for its result. Like <c>pool.apply(f, (a, b, c))</c>.</summary>
    /// <typeparam name="T1">The first parameter.</typeparam>
    /// <typeparam name="T2">The second parameter.</typeparam>
    /// <typeparam name="T3">The third parameter.</typeparam>
    /// <typeparam name="TResult">The function's result.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <returns>What the function returned.</returns>
    /// <exception cref="PoolTaskException">The function threw.</exception>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public TResult Apply<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, T1 arg1, T2 arg2, T3 arg3) =>
        ApplyAsync(function, arg1, arg2, arg3).GetAwaiter().GetResult();

    /// <summary>Runs <paramref name="function"/> on a worker. Like <c>pool.apply_async(f, callback=…, error_callback=…)</c>.</summary>
    /// <typeparam name="TResult">The function's result.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="callback">Called once with the result, before the task completes.</param>
    /// <param name="errorCallback">Called once with the failure (a <see cref="PoolTaskException"/>, a timeout, a cancellation), before the task faults.</param>
    /// <param name="cancellationToken">Cancels the call: it stops being dispatched and the task is cancelled.</param>
    /// <returns>The result; <c>get(timeout)</c> is <c>await task.WaitAsync(timeout)</c>.</returns>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public Task<TResult> ApplyAsync<TResult>(Func<TResult> function, Action<TResult>? callback = null,
        Action<Exception>? errorCallback = null, CancellationToken cancellationToken = default) =>
        ApplyCore(DelegateFunctions.For<ValueTuple, TResult>(function, _ => function()), default, callback, errorCallback, cancellationToken);

    /// <summary>Runs <paramref name="function"/> on a worker. Like <c>pool.apply_async(f, args, callback=…, error_callback=…)</c>.</summary>
    /// <typeparam name="T1">The function's parameter.</typeparam>
    /// <typeparam name="TResult">The function's result.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="arg1">The argument.</param>
    /// <param name="callback">Called once with the result, before the task completes.</param>
    /// <param name="errorCallback">Called once with the failure (a <see cref="PoolTaskException"/>, a timeout, a cancellation), before the task faults.</param>
    /// <param name="cancellationToken">Cancels the call: it stops being dispatched and the task is cancelled.</param>
    /// <returns>The result; <c>get(timeout)</c> is <c>await task.WaitAsync(timeout)</c>.</returns>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public Task<TResult> ApplyAsync<T1, TResult>(Func<T1, TResult> function, T1 arg1, Action<TResult>? callback = null,
        Action<Exception>? errorCallback = null, CancellationToken cancellationToken = default) =>
        ApplyCore(DelegateFunctions.For(function, function, typeof(T1)), arg1, callback, errorCallback, cancellationToken);

    /// <summary>Runs <paramref name="function"/> on a worker. Like <c>pool.apply_async(f, args, callback=…, error_callback=…)</c>.</summary>
    /// <typeparam name="T1">The first parameter.</typeparam>
    /// <typeparam name="T2">The second parameter.</typeparam>
    /// <typeparam name="TResult">The function's result.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="callback">Called once with the result, before the task completes.</param>
    /// <param name="errorCallback">Called once with the failure (a <see cref="PoolTaskException"/>, a timeout, a cancellation), before the task faults.</param>
    /// <param name="cancellationToken">Cancels the call: it stops being dispatched and the task is cancelled.</param>
    /// <returns>The result; <c>get(timeout)</c> is <c>await task.WaitAsync(timeout)</c>.</returns>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public Task<TResult> ApplyAsync<T1, T2, TResult>(Func<T1, T2, TResult> function, T1 arg1, T2 arg2, Action<TResult>? callback = null,
        Action<Exception>? errorCallback = null, CancellationToken cancellationToken = default) =>
        ApplyCore(DelegateFunctions.For<(T1, T2), TResult>(function, p => function(p.Item1, p.Item2), typeof(T1), typeof(T2)),
            (arg1, arg2), callback, errorCallback, cancellationToken);

    /// <summary>Runs <paramref name="function"/> on a worker. Like <c>pool.apply_async(f, args, callback=…, error_callback=…)</c>.</summary>
    /// <typeparam name="T1">The first parameter.</typeparam>
    /// <typeparam name="T2">The second parameter.</typeparam>
    /// <typeparam name="T3">The third parameter.</typeparam>
    /// <typeparam name="TResult">The function's result.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="callback">Called once with the result, before the task completes.</param>
    /// <param name="errorCallback">Called once with the failure (a <see cref="PoolTaskException"/>, a timeout, a cancellation), before the task faults.</param>
    /// <param name="cancellationToken">Cancels the call: it stops being dispatched and the task is cancelled.</param>
    /// <returns>The result; <c>get(timeout)</c> is <c>await task.WaitAsync(timeout)</c>.</returns>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public Task<TResult> ApplyAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, T1 arg1, T2 arg2, T3 arg3, Action<TResult>? callback = null,
        Action<Exception>? errorCallback = null, CancellationToken cancellationToken = default) =>
        ApplyCore(DelegateFunctions.For<(T1, T2, T3), TResult>(function, p => function(p.Item1, p.Item2, p.Item3), typeof(T1), typeof(T2), typeof(T3)),
            (arg1, arg2, arg3), callback, errorCallback, cancellationToken);

    private Task<TResult> ApplyCore<TArg, TResult>(FunctionInvoker<TArg, TResult> function, TArg arguments,
        Action<TResult>? callback, Action<Exception>? errorCallback, CancellationToken cancellationToken)
    {
        EnsureOpen();
        var call = new SingleCall<TResult>(
            reply => (TResult)ArgumentConverter.ConvertValue(((ApplyResult)reply).Value, typeof(TResult))!, callback, errorCallback);
        Send(call, id => Request(id, function, [arguments], 1, ReplyMode.Single), call.Task, cancellationToken);
        return call.Task;
    }
}
