using System.Linq.Expressions;
using System.Reflection;

namespace ActorPool.Internal;

/// <summary>
/// A function seen as <c>TArg -> TResult</c>, where <c>TArg</c> packs its arguments: nothing
/// (<see cref="ValueTuple"/>), the single argument, or a value tuple of two or three. Chunks run as
/// typed arrays so a map over ints never boxes an item.
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

    /// <summary>
    /// Runs <paramref name="count"/> items from <paramref name="offset"/>; stops at the first item that throws. With a
    /// <paramref name="destination"/> of the result type, results are written into it at the same offset (an
    /// in-process map's one result array) and it is returned as the values; otherwise a new array is.
    /// </summary>
    public abstract ChunkOutcome Run(Array items, int offset, int count, Array? destination = null);

    /// <summary>Runs every item as a call of its own: a failing item leaves its value at default and is reported.</summary>
    public abstract (Array Values, List<(int Index, Exception Failure)> Failures) RunEach(Array items);

    /// <summary>Converts loosely typed items (boxed values, tuples, object arrays, strings) to this function's argument array.</summary>
    public abstract Array ToArguments(IReadOnlyList<object?> items);

    /// <summary>Wraps a compiled static method.</summary>
    public static FunctionInvoker FromMethod(string name, MethodInfo method)
    {
        var parameters = method.GetParameters();
        if (!method.IsStatic || method.ContainsGenericParameters || parameters.Length > 3
            || parameters.Any(p => p.ParameterType.IsByRef))
        {
            throw new PoolFunctionException(name,
                $"Pool function '{name}' must be a static, non-generic method with 0 to 3 parameters passed by value.");
        }

        var parameterTypes = parameters.Select(p => p.ParameterType).ToArray();
        var argumentType = PackType(parameterTypes);
        var pack = Expression.Parameter(argumentType, "args");
        Expression[] arguments = parameterTypes.Length switch
        {
            0 => [],
            1 => [pack],
            _ => parameterTypes.Select((_, i) => (Expression)Expression.Field(pack, "Item" + (i + 1))).ToArray(),
        };
        Expression body = Expression.Call(method, arguments);
        var resultType = method.ReturnType;
        if (resultType == typeof(void))
        {
            body = Expression.Block(body, Expression.Constant(null, typeof(object)));
            resultType = typeof(object);
        }

        var delegateType = typeof(Func<,>).MakeGenericType(argumentType, resultType);
        var compiled = Expression.Lambda(delegateType, body, pack).Compile();
        var signature = $"{Describe(method.ReturnType)} {method.Name}({string.Join(", ", parameters.Select(p => $"{Describe(p.ParameterType)} {p.Name}"))})";
        var invokerType = typeof(FunctionInvoker<,>).MakeGenericType(argumentType, resultType);
        return (FunctionInvoker)Activator.CreateInstance(invokerType, name, signature, parameterTypes, compiled, false)!;
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

    private static string Describe(Type type) => type == typeof(void) ? "void" : type.Name;
}

/// <summary>What running a chunk produced: all values, or the values before the first failure and that failure.</summary>
internal readonly record struct ChunkOutcome(Array Values, int FailedAt, Exception? Failure);

/// <inheritdoc />
internal sealed class FunctionInvoker<TArg, TResult> : FunctionInvoker
{
    private readonly Func<TArg, TResult> _function;

    public FunctionInvoker(string name, string signature, Type[] parameterTypes, Func<TArg, TResult> function, bool isLocalOnly)
        : base(name, signature, parameterTypes, isLocalOnly) => _function = function;

    public override Type ArgumentType => typeof(TArg);

    public override Type ResultType => typeof(TResult);

    public override ChunkOutcome Run(Array items, int offset, int count, Array? destination = null)
    {
        var target = offset;
        var arguments = items as TArg[] ?? ConvertAll(items, offset, count, out offset);
        var (results, start) = destination is TResult[] shared ? (shared, target) : (new TResult[count], 0);
        var i = 0;
        try
        {
            for (; i < count; i++)
            {
                results[start + i] = _function(arguments[offset + i]);
            }
        }
        catch (Exception ex)
        {
            return new ChunkOutcome(results, i, ex);
        }

        return new ChunkOutcome(results, -1, null);
    }

    public override (Array Values, List<(int Index, Exception Failure)> Failures) RunEach(Array items)
    {
        var arguments = items as TArg[] ?? ConvertAll(items, 0, items.Length, out _);
        var results = new TResult[arguments.Length];
        var failures = new List<(int, Exception)>();
        for (var i = 0; i < arguments.Length; i++)
        {
            try
            {
                results[i] = _function(arguments[i]);
            }
            catch (Exception ex)
            {
                failures.Add((i, ex));
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
