using System.Globalization;
using System.Runtime.CompilerServices;

namespace ActorPool.Internal;

/// <summary>
/// Turns a loosely typed item (a boxed value, a tuple, an object array, a string from a command line)
/// into a function's argument pack. Used only on the untyped paths: the typed facade never needs it.
/// </summary>
internal static class ArgumentConverter
{
    public static TArg Convert<TArg>(object? item, Type[] parameterTypes, string function, int index)
    {
        if (item is TArg typed)
        {
            return typed;
        }

        try
        {
            if (parameterTypes.Length <= 1)
            {
                return parameterTypes.Length == 0 ? default! : (TArg)ConvertValue(item, typeof(TArg))!;
            }

            var values = item switch
            {
                object?[] array => array,
                ITuple tuple => Enumerable.Range(0, tuple.Length).Select(i => tuple[i]).ToArray(),
                _ => throw new ArgumentException($"expected {parameterTypes.Length} arguments as a tuple or an object array, got {Describe(item)}"),
            };
            if (values.Length != parameterTypes.Length)
            {
                throw new ArgumentException($"expected {parameterTypes.Length} arguments, got {values.Length}");
            }

            var converted = values.Select((v, i) => ConvertValue(v, parameterTypes[i])).ToArray();
            return (TArg)Activator.CreateInstance(typeof(TArg), converted)!;
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException or ArgumentException)
        {
            throw new ArgumentException(
                $"Item {index} ({Describe(item)}) does not fit the parameters of '{function}' ({string.Join(", ", parameterTypes.Select(t => t.Name))}): {ex.Message}", ex);
        }
    }

    /// <summary>Converts one value: as is when it fits, by <see cref="IConvertible"/> between primitives, by parsing strings.</summary>
    public static object? ConvertValue(object? value, Type target)
    {
        if (value is null)
        {
            return target.IsValueType && Nullable.GetUnderlyingType(target) is null
                ? throw new ArgumentException($"null cannot be passed as {target.Name}")
                : null;
        }

        if (target.IsInstanceOfType(value))
        {
            return value;
        }

        var underlying = Nullable.GetUnderlyingType(target) ?? target;
        if (value is string text && underlying != typeof(string))
        {
            if (underlying.IsEnum)
            {
                return Enum.Parse(underlying, text, ignoreCase: true);
            }

            if (underlying == typeof(Guid))
            {
                return Guid.Parse(text);
            }

            if (underlying == typeof(TimeSpan))
            {
                return TimeSpan.Parse(text, CultureInfo.InvariantCulture);
            }
        }

        if (value is IConvertible && typeof(IConvertible).IsAssignableFrom(underlying))
        {
            return System.Convert.ChangeType(value, underlying, CultureInfo.InvariantCulture);
        }

        throw new InvalidCastException($"{Describe(value)} is not a {target.Name}");
    }

    private static string Describe(object? value) => value is null ? "null" : $"{value} : {value.GetType().Name}";
}
