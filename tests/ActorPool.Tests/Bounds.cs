namespace ActorPool.Tests;

/// <summary>Every wait in the specs is bounded, so a broken pool fails a test instead of hanging the run.</summary>
internal static class Bounds
{
    /// <summary>Far longer than any call of the specs needs, even on a loaded machine.</summary>
    public static readonly TimeSpan Call = TimeSpan.FromSeconds(20);

    /// <summary>Runs a blocking call (<c>pool.Map</c>, <c>pool.Apply</c>) on the thread pool and waits for it at most <see cref="Call"/>.</summary>
    public static Task<T> Blocking<T>(Func<T> call) => Task.Run(call).WaitAsync(Call);

    /// <inheritdoc cref="Blocking{T}(Func{T})"/>
    public static Task Blocking(Action call) => Task.Run(call).WaitAsync(Call);

    /// <summary>Waits for <paramref name="task"/> at most <see cref="Call"/>.</summary>
    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Call);

    /// <inheritdoc cref="Within{T}(Task{T})"/>
    public static Task Within(this Task task) => task.WaitAsync(Call);

    /// <summary>Reads a whole stream, at most <see cref="Call"/> long.</summary>
    public static Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source) => Collect(source, _ => { }).Within();

    /// <summary>Reads a whole stream into <paramref name="seen"/> as it arrives, at most <see cref="Call"/> long, so a test can see what came before a failure.</summary>
    public static Task<List<T>> CollectInto<T>(this IAsyncEnumerable<T> source, List<T> seen) => Collect(source, seen.Add).Within();

    private static async Task<List<T>> Collect<T>(IAsyncEnumerable<T> source, Action<T> onItem)
    {
        using var timeout = new CancellationTokenSource(Call);
        var items = new List<T>();
        await foreach (var item in source.WithCancellation(timeout.Token))
        {
            items.Add(item);
            onItem(item);
        }

        return items;
    }
}
