namespace ActorPool.Tests;

/// <summary>An input that fails partway: yields 0 .. <c>count</c> - 1, then throws <see cref="InputFailedException"/>.</summary>
internal static class Inputs
{
    public static IEnumerable<int> ThrowingAfter(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return i;
        }

        throw new InputFailedException($"the input broke after {count} items");
    }
}

/// <summary>Thrown by <see cref="Inputs.ThrowingAfter"/>; a type of its own, so a test can tell it from anything the pool throws.</summary>
public sealed class InputFailedException(string message) : Exception(message);
