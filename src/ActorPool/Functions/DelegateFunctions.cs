using System.Collections.Concurrent;
using System.Reflection;

namespace ActorPool.Internal;

/// <summary>
/// Turns a delegate the facade was given into a typed invoker: the registered function when the delegate is a
/// static <see cref="PoolFunctionAttribute"/> method (so it can cross nodes by name), a local-only wrapper otherwise.
/// </summary>
internal static class DelegateFunctions
{
    private static readonly ConcurrentDictionary<MethodInfo, string?> Names = new();

    public static FunctionInvoker<TArg, TResult> For<TArg, TResult>(Delegate function, Func<TArg, TResult> call, params Type[] parameterTypes)
    {
        if (Registered<TArg, TResult>(function) is { } registered)
        {
            return registered;
        }

        if (IsAwaitable(typeof(TResult)))
        {
            throw new ArgumentException(
                $"{Describe(function)} returns {typeof(TResult).Name}, which the pool would hand back un-awaited. Pass a delegate returning Task<T> "
                + "(for a ValueTask<T>, x => F(x).AsTask()), or call a registered [PoolFunction] by name: those are awaited whatever task they return.", nameof(function));
        }

        return new FunctionInvoker<TArg, TResult>(Describe(function), Describe(function), parameterTypes, (argument, _) => call(argument), isLocalOnly: true);
    }

    /// <summary>As <see cref="For{TArg, TResult}"/>, for a delegate returning a task: its calls are awaited.</summary>
    public static FunctionInvoker<TArg, TResult> ForAsync<TArg, TResult>(Delegate function, Func<TArg, CancellationToken, ValueTask<TResult>> call, params Type[] parameterTypes) =>
        Registered<TArg, TResult>(function)
        ?? new FunctionInvoker<TArg, TResult>(Describe(function), Describe(function), parameterTypes, call, isLocalOnly: true);

    private static FunctionInvoker<TArg, TResult>? Registered<TArg, TResult>(Delegate function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var name = function.Target is null ? Names.GetOrAdd(function.Method, FunctionRegistry.NameOf) : null;
        return name is not null ? FunctionRegistry.Resolve(name, "this node") as FunctionInvoker<TArg, TResult> : null;
    }

    private static bool IsAwaitable(Type type) =>
        typeof(Task).IsAssignableFrom(type) || type == typeof(ValueTask) || type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>);

    private static string Describe(Delegate function) => $"<closure {function.Method.DeclaringType?.FullName}.{function.Method.Name}>";
}
