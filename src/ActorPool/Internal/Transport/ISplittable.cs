namespace ActorPool.Internal;

/// <summary>A message of many values that can go as two messages when it is too large for one frame.</summary>
internal interface ISplittable
{
    /// <summary>How many values it carries.</summary>
    int Count { get; }

    /// <summary>The first <paramref name="at"/> values and the rest, as two messages that together mean this one.</summary>
    (object First, object Second) Split(int at);
}
