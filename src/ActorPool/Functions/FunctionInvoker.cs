using System.Linq.Expressions;
using System.Reflection;
using ActorPool.Serialization;

namespace ActorPool.Internal;

/// <summary>
/// A function seen as <c>TArg -> TResult</c>, where <c>TArg</c> packs its arguments: nothing
/// (<see cref="ValueTuple"/>), the single argument, or a value tuple of two or three. Chunks run as
/// typed arrays so a map over ints never boxes an item. A function returning <see cref="Task"/>,
/// <see cref="Task{TResult}"/> or <see cref="ValueTask{TResult}"/> is async: <c>TResult</c> is what it awaits to,
/// and its calls run through <see cref="RunAsync"/>. A <see cref="CancellationToken"/> parameter is not an
/// argument: it receives the token the worker passes (the call's, for async functions; the worker's, for others).
/// </summary>
internal abstract class FunctionInvoker
{
    protected FunctionInvoker(string name, string signature, Type[] parameterTypes, bool isLocalOnly)
    {
        Name = name;
        Signature = signature;
        ParameterTypes = parameterTypes;
        IsLocalOnly = isLocalOnly;
    }

    /// <summary>The wire name, or a description of the closure for local-only functions.</summary>
    public string Name { get; }

    public string Signature { get; }

    public Type[] ParameterTypes { get; }

    /// <summary>A lambda or closure: it can run in this process only.</summary>
    public bool IsLocalOnly { get; }

    public abstract Type ArgumentType { get; }

    public abstract Type ResultType { get; }

    /// <summary>Why this function's values cannot cross to another node (a parameter or result type that cannot), or null when they can.</summary>
    public string? WireProblem { get; private set; }

    /// <summary>Returns a task: its calls are awaited, several at once per worker (<see cref="RunAsync"/>).</summary>
    public abstract bool IsAsync { get; }

    /// <summary>
    /// Runs <paramref name="count"/> items from <paramref name="offset"/>; stops at the first item that throws. With a
    /// <paramref name="destination"/> of the result type, results are written into it at the same offset (an
    /// in-process map's one result array) and it is returned as the values; otherwise a new array is.
    /// </summary>
    public abstract ChunkOutcome Run(Array items, int offset, int count, Array? destination = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs the items of an async function, every call started at once and at most <paramref name="gate"/>'s count
    /// running at a time; the outcome is that of <see cref="Run"/>: the values, or those before the lowest failing item.
    /// </summary>
    public abstract Task<ChunkOutcome> RunAsync(Array items, int offset, int count, Array? destination, SemaphoreSlim gate, CancellationToken cancellationToken);

    /// <summary>Runs every item as a call of its own: a failing item leaves its value at default and is reported.</summary>
    public abstract (Array Values, List<(int Index, Exception Failure)> Failures) RunEach(Array items, CancellationToken cancellationToken = default);

    /// <summary><see cref="RunEach"/> for an async function, at most <paramref name="gate"/>'s count of calls running at a time; item i gets <paramref name="tokens"/>[i].</summary>
    public abstract Task<(Array Values, List<(int Index, Exception Failure)> Failures)> RunEachAsync(Array items, SemaphoreSlim gate, CancellationToken[] tokens);

    /// <summary>Converts loosely typed items (boxed values, tuples, object arrays, strings) to this function's argument array.</summary>
    public abstract Array ToArguments(IReadOnlyList<object?> items);

    /// <summary>Wraps a compiled static method.</summary>
    public static FunctionInvoker FromMethod(string name, MethodInfo method)
    {
        var parameters = method.GetParameters();
        var data = parameters.Where(p => p.ParameterType != typeof(CancellationToken)).ToArray();
        if (!method.IsStatic || method.ContainsGenericParameters || data.Length > 3 || parameters.Length - data.Length > 1
            || parameters.Any(p => p.ParameterType.IsByRef))
        {
            throw new PoolFunctionException(name,
                $"Pool function '{name}' must be a static, non-generic method with 0 to 3 parameters passed by value (and at most one CancellationToken).");
        }

        if (method.ReturnType == typeof(void) && method.GetCustomAttribute<System.Runtime.CompilerServices.AsyncStateMachineAttribute>() is not null)
        {
            // Nothing could await it, and an exception it throws would crash the process.
            throw new PoolFunctionException(name, $"Pool function '{name}' is async void: return Task (or Task<T>) so the worker can await it.");
        }

        var parameterTypes = data.Select(p => p.ParameterType).ToArray();
        var argumentType = PackType(parameterTypes);
        var pack = Expression.Parameter(argumentType, "args");
        var token = Expression.Parameter(typeof(CancellationToken), "cancellationToken");
        var next = 0;
        var arguments = parameters.Select(p => p.ParameterType == typeof(CancellationToken) ? token
            : parameterTypes.Length == 1 ? pack
            : (Expression)Expression.Field(pack, "Item" + ++next)).ToArray();
        var (body, resultType, isAsync) = Awaitable(Expression.Call(method, arguments), method.ReturnType);
        var delegateType = isAsync
            ? typeof(Func<,,>).MakeGenericType(argumentType, typeof(CancellationToken), typeof(ValueTask<>).MakeGenericType(resultType))
            : typeof(Func<,,>).MakeGenericType(argumentType, typeof(CancellationToken), resultType);
        var compiled = Expression.Lambda(delegateType, body, pack, token).Compile();
        var signature = $"{Describe(method.ReturnType)} {method.Name}({string.Join(", ", parameters.Select(p => $"{Describe(p.ParameterType)} {p.Name}"))})";
        var invokerType = typeof(FunctionInvoker<,>).MakeGenericType(argumentType, resultType);
        var invoker = (FunctionInvoker)Activator.CreateInstance(invokerType, name, signature, parameterTypes, compiled, false)!;
        // Checked once, at registration: a type that cannot cross is reported then (the 'functions' command shows it), not at the first remote call.
        invoker.WireProblem = parameterTypes.Select((t, i) => WireTypes.Problem(t) is { } p ? $"parameter {i + 1}: {p}" : null)
            .Append(method.ReturnType == typeof(void) || method.ReturnType == typeof(Task) || method.ReturnType == typeof(ValueTask) ? null
                : WireTypes.Problem(resultType) is { } r ? $"its result: {r}" : null)
            .FirstOrDefault(p => p is not null);
        return invoker;
    }

    /// <summary>The call as a value: a plain result, or for a method returning a task the <see cref="ValueTask{TResult}"/> it completes with.</summary>
    private static (Expression Body, Type ResultType, bool IsAsync) Awaitable(Expression call, Type returnType)
    {
        if (returnType == typeof(void))
        {
            return (Expression.Block(call, Expression.Constant(null, typeof(object))), typeof(object), false);
        }

        if (returnType == typeof(Task) || returnType == typeof(ValueTask))
        {
            return (Expression.Call(typeof(FunctionInvoker).GetMethod(nameof(Completion), BindingFlags.NonPublic | BindingFlags.Static, [returnType])!, call), typeof(object), true);
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var result = returnType.GetGenericArguments()[0];
            return (Expression.New(typeof(ValueTask<>).MakeGenericType(result).GetConstructor([returnType])!, call), result, true);
        }

        return returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>)
            ? (call, returnType.GetGenericArguments()[0], true)
            : (call, returnType, false);
    }

    private static async ValueTask<object?> Completion(Task task)
    {
        await task.ConfigureAwait(false);
        return null;
    }

    private static async ValueTask<object?> Completion(ValueTask task)
    {
        await task.ConfigureAwait(false);
        return null;
    }

    /// <summary>The argument pack type for a parameter list.</summary>
    public static Type PackType(Type[] parameterTypes) => parameterTypes.Length switch
    {
        0 => typeof(ValueTuple),
        1 => parameterTypes[0],
        2 => typeof(ValueTuple<,>).MakeGenericType(parameterTypes),
        3 => typeof(ValueTuple<,,>).MakeGenericType(parameterTypes),
        _ => throw new ArgumentOutOfRangeException(nameof(parameterTypes), "A pool function takes at most 3 parameters."),
    };

    private static string Describe(Type type) => type == typeof(void) ? "void" : WireTypes.TypeName(type);
}

/// <summary>What running a chunk produced: all values, or the values before the first failure and that failure.</summary>
internal readonly record struct ChunkOutcome(Array Values, int FailedAt, Exception? Failure);

/// <inheritdoc />
internal sealed class FunctionInvoker<TArg, TResult> : FunctionInvoker
{
    private readonly Func<TArg, CancellationToken, TResult>? _function;
    private readonly Func<TArg, CancellationToken, ValueTask<TResult>>? _async;

    public FunctionInvoker(string name, string signature, Type[] parameterTypes, Func<TArg, CancellationToken, TResult> function, bool isLocalOnly)
        : base(name, signature, parameterTypes, isLocalOnly) => _function = function;

    public FunctionInvoker(string name, string signature, Type[] parameterTypes, Func<TArg, CancellationToken, ValueTask<TResult>> function, bool isLocalOnly)
        : base(name, signature, parameterTypes, isLocalOnly) => _async = function;

    public override Type ArgumentType => typeof(TArg);

    public override Type ResultType => typeof(TResult);

    public override bool IsAsync => _async is not null;

    public override ChunkOutcome Run(Array items, int offset, int count, Array? destination = null, CancellationToken cancellationToken = default)
    {
        var function = _function ?? throw new InvalidOperationException($"'{Name}' is async: run it with RunAsync.");
        var target = offset;
        var arguments = items as TArg[] ?? ConvertAll(items, offset, count, out offset);
        var (results, start) = destination is TResult[] shared ? (shared, target) : (new TResult[count], 0);
        var i = 0;
        try
        {
            for (; i < count; i++)
            {
                // A worker that is stopping (its pool terminated) leaves the rest of the chunk: nobody waits for it.
                if (cancellationToken.IsCancellationRequested)
                {
                    return new ChunkOutcome(results, i, new OperationCanceledException("The worker is stopping.", cancellationToken));
                }

                results[start + i] = function(arguments[offset + i], cancellationToken);
            }
        }
        catch (Exception ex)
        {
            return new ChunkOutcome(results, i, ex);
        }

        return new ChunkOutcome(results, -1, null);
    }

    public override async Task<ChunkOutcome> RunAsync(Array items, int offset, int count, Array? destination, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        var target = offset;
        var arguments = items as TArg[] ?? ConvertAll(items, offset, count, out offset);
        var (results, start) = destination is TResult[] shared ? (shared, target) : (new TResult[count], 0);
        var calls = new Task<TResult>[count];
        for (var i = 0; i < count; i++)
        {
            calls[i] = Call(arguments[offset + i], gate, cancellationToken);
        }

        await ((Task)Task.WhenAll(calls)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        for (var i = 0; i < count; i++)
        {
            if (!calls[i].IsCompletedSuccessfully)
            {
                return new ChunkOutcome(results, i, Failure(calls[i]));
            }

            results[start + i] = calls[i].Result;
        }

        return new ChunkOutcome(results, -1, null);
    }

    public override (Array Values, List<(int Index, Exception Failure)> Failures) RunEach(Array items, CancellationToken cancellationToken = default)
    {
        var function = _function ?? throw new InvalidOperationException($"'{Name}' is async: run it with RunEachAsync.");
        var arguments = items as TArg[] ?? ConvertAll(items, 0, items.Length, out _);
        var results = new TResult[arguments.Length];
        var failures = new List<(int, Exception)>();
        for (var i = 0; i < arguments.Length; i++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                failures.Add((i, new OperationCanceledException("The worker is stopping.", cancellationToken)));
                continue;
            }

            try
            {
                results[i] = function(arguments[i], cancellationToken);
            }
            catch (Exception ex)
            {
                failures.Add((i, ex));
            }
        }

        return (results, failures);
    }

    public override async Task<(Array Values, List<(int Index, Exception Failure)> Failures)> RunEachAsync(Array items, SemaphoreSlim gate, CancellationToken[] tokens)
    {
        var arguments = items as TArg[] ?? ConvertAll(items, 0, items.Length, out _);
        var calls = arguments.Select((argument, i) => Call(argument, gate, tokens[i])).ToArray();
        await ((Task)Task.WhenAll(calls)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var results = new TResult[arguments.Length];
        var failures = new List<(int, Exception)>();
        for (var i = 0; i < calls.Length; i++)
        {
            if (calls[i].IsCompletedSuccessfully)
            {
                results[i] = calls[i].Result;
            }
            else
            {
                failures.Add((i, Failure(calls[i])));
            }
        }

        return (results, failures);
    }

    public override Array ToArguments(IReadOnlyList<object?> items)
    {
        var arguments = new TArg[items.Count];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = ArgumentConverter.Convert<TArg>(items[i], ParameterTypes, Name, i);
        }

        return arguments;
    }

    /// <summary>One call of an async function, once the worker's gate lets it run; the gate is held until it completes.</summary>
    private async Task<TResult> Call(TArg argument, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        var function = _async ?? throw new InvalidOperationException($"'{Name}' is not async: run it with Run.");
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await function(argument, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>What a failed call threw, as the function threw it (not wrapped in an AggregateException).</summary>
    private static Exception Failure(Task call) =>
        call.Exception?.InnerExceptions is [var only] ? only : (Exception?)call.Exception ?? new TaskCanceledException(call);

    private TArg[] ConvertAll(Array items, int offset, int count, out int newOffset)
    {
        var converted = new TArg[count];
        for (var i = 0; i < count; i++)
        {
            converted[i] = ArgumentConverter.Convert<TArg>(items.GetValue(offset + i), ParameterTypes, Name, offset + i);
        }

        newOffset = 0;
        return converted;
    }
}
