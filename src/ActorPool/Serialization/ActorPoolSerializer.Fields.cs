using ActorPool.Internal;

namespace ActorPool.Serialization;

/// <summary>The fields several messages share: a task's failure, counts checked against the message, raw arrays, nullables.</summary>
internal sealed partial class ActorPoolSerializer
{
    private static void WriteFailure(BinaryWriter writer, TaskFailure failure)
    {
        writer.Write((byte)failure.Kind);
        writer.Write(failure.Function);
        writer.Write(failure.Type);
        writer.Write(failure.Message);
        WriteNullable(writer, failure.StackTrace);
    }

    private static TaskFailure ReadFailure(BinaryReader reader) =>
        new((FailureKind)reader.ReadByte(), reader.ReadString(), reader.ReadString(), reader.ReadString(), ReadNullableString(reader));

    private static BatchFailure[] ReadBatchFailures(BinaryReader reader)
    {
        var failures = new BatchFailure[reader.ReadInt32()];
        for (var i = 0; i < failures.Length; i++)
        {
            failures[i] = new BatchFailure(reader.ReadInt32(), ReadFailure(reader));
        }

        return failures;
    }

    /// <summary>A count the rest of the message can hold (each counted thing takes at least a byte).</summary>
    private static int ReadCount(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        return count >= 0 && count <= reader.BaseStream.Length - reader.BaseStream.Position
            ? count
            : throw new System.Runtime.Serialization.SerializationException($"A count of {count} does not fit the message.");
    }

    private static void WriteRaw<T>(BinaryWriter writer, T[] values) where T : unmanaged
    {
        writer.Write(values.Length);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static T[] ReadRaw<T>(BinaryReader reader) where T : unmanaged
    {
        var count = reader.ReadInt32();
        if (count < 0 || (long)count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new System.Runtime.Serialization.SerializationException($"A count of {count} does not fit the message.");
        }

        var values = new T[count];
        reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    private static void WriteNullable(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    private static void WriteNullable(BinaryWriter writer, int? value)
    {
        writer.Write(value.HasValue);
        if (value is { } v)
        {
            writer.Write(v);
        }
    }

    private static void WriteNullable(BinaryWriter writer, long? value)
    {
        writer.Write(value.HasValue);
        if (value is { } v)
        {
            writer.Write(v);
        }
    }

    private static string? ReadNullableString(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;

    private static int? ReadNullableInt(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadInt32() : null;

    private static long? ReadNullableLong(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadInt64() : null;

    private static TimeSpan? ReadNullableTimeSpan(BinaryReader reader) => reader.ReadBoolean() ? new TimeSpan(reader.ReadInt64()) : null;
}
