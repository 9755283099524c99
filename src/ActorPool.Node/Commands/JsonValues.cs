using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorPool.Node.Commands;

/// <summary>
/// How the command line speaks values of complex types: one JSON value per line in and out. Plain values
/// (numbers, strings, enums, dates) stay plain text; property names match case-insensitively, enums go by name.
/// </summary>
internal static class JsonValues
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        IncludeFields = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly HashSet<Type> PlainTypes =
    [
        typeof(string), typeof(decimal), typeof(DateTime), typeof(DateTimeOffset), typeof(Guid), typeof(TimeSpan), typeof(DateOnly), typeof(TimeOnly),
    ];

    /// <summary>Written and read as plain text: primitives, strings, enums, dates (and nullable ones), and value tuples of these, as <c>(1, a)</c>.</summary>
    public static bool IsPlain(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsPrimitive || underlying.IsEnum || PlainTypes.Contains(underlying)
            || underlying.IsGenericType && underlying.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal) && underlying.GetGenericArguments().All(IsPlain);
    }

    /// <summary>
    /// One input line as a function's item: plain text for plain parameters (comma-separated for several), a JSON
    /// value for one complex parameter, a JSON array of the arguments for several parameters where any is complex.
    /// </summary>
    /// <exception cref="ArgumentException">The line is not valid for the parameters.</exception>
    public static object? Item(string line, IReadOnlyList<Type> parameters, int lineNumber)
    {
        try
        {
            if (parameters.All(IsPlain))
            {
                return parameters.Count > 1 ? line.Split(',', StringSplitOptions.TrimEntries).Cast<object?>().ToArray() : line.Trim();
            }

            if (parameters.Count == 1)
            {
                return JsonSerializer.Deserialize(line, parameters[0], Options);
            }

            using var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() != parameters.Count)
            {
                throw new JsonException($"expected a JSON array of {parameters.Count} arguments");
            }

            return document.RootElement.EnumerateArray().Select((element, i) => element.Deserialize(parameters[i], Options)).ToArray();
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Line {lineNumber} does not fit ({string.Join(", ", parameters.Select(p => Shape(p)))}): {ex.Message}", ex);
        }
    }

    /// <summary>A result as one line: plain text, or JSON for a complex value.</summary>
    public static string Line(object? value) => value switch
    {
        null => "null",
        _ when IsPlain(value.GetType()) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        _ => JsonSerializer.Serialize(value, value.GetType(), Options),
    };

    /// <summary>What a value of <paramref name="type"/> looks like on a line, e.g. <c>{"id": int, "tags": [string]}</c>.</summary>
    public static string Shape(Type type) => Shape(type, depth: 0);

    private static string Shape(Type type, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            return Shape(underlying, depth) + "?";
        }

        if (type.IsEnum)
        {
            return string.Join("|", Enum.GetNames(type).Select(n => $"\"{n}\""));
        }

        if (IsPlain(type))
        {
            return type == typeof(string) ? "string" : type.IsPrimitive && type != typeof(bool) && type != typeof(char) ? "number" : type.Name.ToLowerInvariant();
        }

        if (depth > 3)
        {
            return "{…}";
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(Dictionary<,>) || definition == typeof(SortedDictionary<,>)))
        {
            var arguments = type.GetGenericArguments();
            return $"{{{Shape(arguments[0], depth + 1)}: {Shape(arguments[1], depth + 1)}}}";
        }

        if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var element = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().FirstOrDefault() ?? typeof(object);
            return $"[{Shape(element, depth + 1)}]";
        }

        var members = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0)
            .Select(p => (p.Name, Type: p.PropertyType))
            .Concat(type.GetFields(BindingFlags.Public | BindingFlags.Instance).Select(f => (f.Name, Type: f.FieldType)));
        return "{" + string.Join(", ", members.Select(m => $"\"{JsonNamingPolicy.CamelCase.ConvertName(m.Name)}\": {Shape(m.Type, depth + 1)}")) + "}";
    }
}
