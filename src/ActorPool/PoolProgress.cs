using System.Globalization;

namespace ActorPool;

/// <summary>
/// How far a <c>Map</c>, <c>StarMap</c> or <c>Imap</c> has come, reported to the <see cref="IProgress{T}"/> the call was
/// given. Reports come as chunks finish (a smaller <c>chunkSize</c> gives finer steps), at most about ten a second,
/// one at a time, in order and never going back, on a thread-pool thread. When the call succeeds, its last report
/// counts every item and has been handled before the call completes; once a call has failed or been cancelled, no
/// new report starts. The call waits for the handler, so keep it quick: a handler that blocks holds up its call.
/// </summary>
/// <param name="Done">Items finished, with a result or a failure.</param>
/// <param name="Total">Items in the call; for an <c>Imap</c> over an input whose length is not known up front, null until the input ends.</param>
/// <param name="Failed">Items in chunks that failed: as in CPython, a call that throws fails its whole chunk.</param>
/// <param name="Retried">Items sent again because the worker running them was lost or crashed.</param>
/// <param name="Elapsed">Time since the call was submitted.</param>
public sealed record PoolProgress(long Done, long? Total, long Failed, long Retried, TimeSpan Elapsed)
{
    /// <summary>Done as a fraction of <see cref="Total"/> (0 to 1); null while the total is not known.</summary>
    public double? Fraction => Total switch
    {
        null => null,
        0 => 1,
        { } total => Math.Min(1, (double)Done / total),
    };

    /// <summary>One line for a log or a terminal, e.g. <c>4,000/10,000 items (40%), 0 failed, 0 retried, 1.2 s</c>.</summary>
    public override string ToString()
    {
        var of = Total is { } total
            ? string.Create(CultureInfo.InvariantCulture, $"{Done:N0}/{total:N0} items ({Fraction * 100:0}%)")
            : string.Create(CultureInfo.InvariantCulture, $"{Done:N0} items");
        return string.Create(CultureInfo.InvariantCulture, $"{of}, {Failed:N0} failed, {Retried:N0} retried, {Elapsed.TotalSeconds:0.0} s");
    }
}
