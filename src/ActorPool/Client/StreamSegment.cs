using System.Runtime.ExceptionServices;

namespace ActorPool.Internal;

/// <summary>One streaming request of an <c>Imap</c>: its parts in order, then its end or failure.</summary>
internal sealed class StreamSegment<TResult>(long id, long firstItem)
{
    private readonly Queue<StreamEvent<TResult>> _events = new();

    public long Id { get; } = id;

    /// <summary>Throws a failure of this segment with the item index counted over the whole input.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void Throw(Exception failure)
    {
        if (failure is PoolTaskException task && firstItem > 0)
        {
            failure = new PoolTaskException(task.Function, (int)Math.Min(int.MaxValue, task.ItemIndex + firstItem),
                task.OriginalType, task.OriginalMessage, task.RemoteStackTrace, task.InnerException);
        }

        ExceptionDispatchInfo.Throw(failure);
    }

    public void Add(StreamEvent<TResult> next) => _events.Enqueue(next);

    /// <summary>The next values; null values with no failure mean the segment ended. False when nothing has arrived yet.</summary>
    public bool TryNext(out TResult[]? values, out Exception? failure)
    {
        if (_events.TryDequeue(out var next))
        {
            values = next.Values;
            failure = next.Failure;
            return true;
        }

        values = null;
        failure = null;
        return false;
    }
}
