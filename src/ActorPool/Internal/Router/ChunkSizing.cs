namespace ActorPool.Internal;

/// <summary>How many items go in one chunk, and in one batch for another node.</summary>
internal static class ChunkSizing
{
    /// <summary>
    /// CPython's rule — <c>chunksize, extra = divmod(len(iterable), len(pool) * 4); chunksize += bool(extra)</c> —
    /// capped, when workers are on other nodes, so a chunk's encoding stays well under the frame budget.
    /// </summary>
    public static int Default(int items, int workers, double? remoteBytesPerItem, int budget)
    {
        var slots = Math.Max(1, workers) * 4;
        var size = Math.Max(1, (items + slots - 1) / slots);
        return remoteBytesPerItem is { } bytes ? Math.Min(size, FitInFrame(bytes, budget)) : size;
    }

    /// <summary>Items of this encoded size that fill half the frame budget (half: headers, and estimates are estimates).</summary>
    public static int FitInFrame(double bytesPerItem, int budget) => (int)Math.Max(1, budget / 2 / Math.Max(1, bytesPerItem));
}
