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
        ArgumentNullException.ThrowIfNull(function);
        var method = function.Method;
        var name = function.Target is null ? Names.GetOrAdd(method, FunctionRegistry.NameOf) : null;
        if (name is not null && FunctionRegistry.Resolve(name, "this node") is FunctionInvoker<TArg, TResult> registered)
        {
            return registered;
        }

        var description = $"<closure {method.DeclaringType?.FullName}.{method.Name}>";
        return new FunctionInvoker<TArg, TResult>(description, description, parameterTypes, call, isLocalOnly: true);
    }
}
