namespace ActorPool.Serialization;

/// <summary>The values every node can always read: they have a tag of their own and need no type name on the wire.</summary>
internal static class PayloadPrimitives
{
    /// <summary>In tag order: the tag of <c>Types[i]</c> is <c>i + 1</c>.</summary>
    public static readonly Type[] Types =
    [
        typeof(int), typeof(long), typeof(double), typeof(string), typeof(bool), typeof(float), typeof(decimal), typeof(short), typeof(byte),
        typeof(char), typeof(DateTime), typeof(Guid), typeof(TimeSpan), typeof(sbyte), typeof(ushort), typeof(uint), typeof(ulong),
    ];
}
