namespace ActorPool.Internal;

/// <summary>A typed array seen as a read-only list of objects without copying it.</summary>
internal interface ITypedItems
{
    Array Array { get; }
}

/// <inheritdoc cref="ITypedItems" />
internal sealed class TypedItems<T>(T[] array) : IReadOnlyList<object?>, ITypedItems
{
    public T[] Items { get; } = array;

    public Array Array => Items;

    public int Count => Items.Length;

    public object? this[int index] => Items[index];

    public IEnumerator<object?> GetEnumerator()
    {
        foreach (var item in Items)
        {
            yield return item;
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Typed arrays as item lists, and back.</summary>
internal static class TypedItems
{
    /// <summary>Wraps any array (typed or not) as a read-only list without copying.</summary>
    public static IReadOnlyList<object?> Wrap(Array array) => array switch
    {
        object?[] objects => new TypedItems<object?>(objects),
        int[] ints => new TypedItems<int>(ints),
        long[] longs => new TypedItems<long>(longs),
        double[] doubles => new TypedItems<double>(doubles),
        _ => (IReadOnlyList<object?>)Activator.CreateInstance(typeof(TypedItems<>).MakeGenericType(array.GetType().GetElementType()!), array)!,
    };

    /// <summary>The items as an array: the wrapped one when there is one, a copy otherwise.</summary>
    public static Array Unwrap(IReadOnlyList<object?> items) => items is ITypedItems typed ? typed.Array : items.ToArray();

    /// <summary>The list as a typed array, copying only when it is not one already.</summary>
    public static T[] ToArray<T>(IReadOnlyList<object?> values) => values switch
    {
        TypedItems<T> typed => typed.Items,
        ITypedItems { Array: T[] array } => array,
        _ => values.Select(v => (T)ArgumentConverter.ConvertValue(v, typeof(T))!).ToArray(),
    };

    /// <summary>Items [offset, offset + length) as an array of their own.</summary>
    public static Array Slice(Array values, int offset, int length)
    {
        var slice = Array.CreateInstance(values.GetType().GetElementType()!, length);
        Array.Copy(values, offset, slice, 0, length);
        return slice;
    }
}
