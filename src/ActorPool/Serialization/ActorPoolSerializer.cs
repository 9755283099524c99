using ActorPool.Internal;
using Akka.Actor;
using Akka.Serialization;

namespace ActorPool.Serialization;

/// <summary>
/// The binary serializer for ActorPool's protocol: requests, chunks, results and failures, and their payloads
/// through <see cref="PayloadCodec"/>. Bound in ActorPool's embedded HOCON (<c>akka.actor.serialization-bindings</c>);
/// nothing of the protocol goes through the default JSON serializer.
/// </summary>
public sealed class ActorPoolSerializer : SerializerWithStringManifest
{
    private const string MapManifest = "map";
    private const string ApplyManifest = "apply";
    private const string MapResultManifest = "map-result";
    private const string ApplyResultManifest = "apply-result";
    private const string MapPartManifest = "map-part";
    private const string ChunkManifest = "chunk";
    private const string ChunkResultManifest = "chunk-result";
    private const string ChunkFailedManifest = "chunk-failed";
    private const string CancelManifest = "cancel";
    private const string WorkerOptionsManifest = "worker-options";
    private const string AcceptedManifest = "accepted";
    private const string BatchManifest = "batch";
    private const string BatchResultManifest = "batch-result";

    /// <summary>Creates the serializer; Akka calls this once per actor system.</summary>
    /// <param name="system">The actor system, used to resolve actor references.</param>
    public ActorPoolSerializer(ExtendedActorSystem system) : base(system) { }

    /// <summary>ActorPool's serializer id (user serializers take ids above 100).</summary>
    public override int Identifier => 7_701;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        Map => MapManifest,
        Apply => ApplyManifest,
        MapResult => MapResultManifest,
        ApplyResult => ApplyResultManifest,
        MapPart => MapPartManifest,
        Chunk => ChunkManifest,
        ChunkResult => ChunkResultManifest,
        ChunkFailed => ChunkFailedManifest,
        CancelRequest => CancelManifest,
        WorkerOptions => WorkerOptionsManifest,
        RequestAccepted => AcceptedManifest,
        Batch => BatchManifest,
        BatchResult => BatchResultManifest,
        _ => throw new ArgumentException($"ActorPoolSerializer cannot serialize {o.GetType()}.", nameof(o)),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            Write(writer, obj);
        }

        return stream.ToArray();
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        return manifest switch
        {
            MapManifest => new Map(reader.ReadString(), TypedItems.Wrap(PayloadCodec.ReadArray(reader)), null)
            {
                ChunkSize = ReadNullableInt(reader),
                ReplyTo = ReadRef(reader),
                Timeout = ReadNullableTimeSpan(reader),
                RequestId = reader.ReadInt64(),
                Mode = (ReplyMode)reader.ReadByte(),
            },
            ApplyManifest => new Apply(reader.ReadString(), (object?[])PayloadCodec.ReadArray(reader))
            {
                ReplyTo = ReadRef(reader),
                Timeout = ReadNullableTimeSpan(reader),
                RequestId = reader.ReadInt64(),
            },
            MapResultManifest => new MapResult(reader.ReadInt64(), TypedItems.Wrap(PayloadCodec.ReadArray(reader))),
            ApplyResultManifest => new ApplyResult(reader.ReadInt64(), PayloadCodec.Read(reader)),
            MapPartManifest => new MapPart(reader.ReadInt64(), reader.ReadInt32(), TypedItems.Wrap(PayloadCodec.ReadArray(reader))),
            ChunkManifest => ReadChunk(reader),
            ChunkResultManifest => new ChunkResult(reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(),
                PayloadCodec.ReadArray(reader)) { Last = reader.ReadBoolean() },
            ChunkFailedManifest => new ChunkFailed(reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), ReadFailure(reader)),
            CancelManifest => new CancelRequest(reader.ReadInt64()),
            WorkerOptionsManifest => new WorkerOptions(ReadNullableInt(reader), null),
            AcceptedManifest => new RequestAccepted(reader.ReadInt64()),
            BatchManifest => new Batch(reader.ReadString(), ReadRaw<long>(reader), ReadRaw<int>(reader), PayloadCodec.ReadArray(reader)),
            BatchResultManifest => new BatchResult(ReadRaw<long>(reader), ReadRaw<int>(reader), PayloadCodec.ReadArray(reader), ReadBatchFailures(reader)),
            _ => throw new System.Runtime.Serialization.SerializationException($"ActorPoolSerializer does not know manifest '{manifest}'."),
        };
    }

    private void Write(BinaryWriter writer, object obj)
    {
        switch (obj)
        {
            case Map map:
                writer.Write(map.Function);
                WriteItems(writer, map.Items);
                WriteNullable(writer, map.ChunkSize);
                WriteRef(writer, map.ReplyTo);
                WriteNullable(writer, map.Timeout?.Ticks);
                writer.Write(map.RequestId);
                writer.Write((byte)map.Mode);
                break;
            case Apply apply:
                writer.Write(apply.Function);
                PayloadCodec.Write(writer, apply.Arguments.ToArray());
                WriteRef(writer, apply.ReplyTo);
                WriteNullable(writer, apply.Timeout?.Ticks);
                writer.Write(apply.RequestId);
                break;
            case MapResult result:
                writer.Write(result.RequestId);
                WriteItems(writer, result.Values);
                break;
            case ApplyResult result:
                writer.Write(result.RequestId);
                PayloadCodec.Write(writer, result.Value);
                break;
            case MapPart part:
                writer.Write(part.RequestId);
                writer.Write(part.StartIndex);
                WritePayload(writer, part.EncodedValues, part.Values is ITypedItems typed ? typed.Array : part.Values.ToArray());
                break;
            case Chunk chunk:
                writer.Write(chunk.RequestKey);
                writer.Write(chunk.Index);
                writer.Write(chunk.Attempt);
                writer.Write(chunk.Function);
                if (chunk.EncodedItems is { } encoded)
                {
                    writer.Write(encoded);
                }
                else
                {
                    PayloadCodec.WriteArray(writer, chunk.Items, chunk.Offset, chunk.Count);
                }

                break;
            case ChunkResult result:
                writer.Write(result.RequestKey);
                writer.Write(result.Index);
                writer.Write(result.Attempt);
                writer.Write(result.PartOffset);
                WritePayload(writer, result.EncodedValues, result.Values);
                writer.Write(result.Last);
                break;
            case ChunkFailed failed:
                writer.Write(failed.RequestKey);
                writer.Write(failed.Index);
                writer.Write(failed.Attempt);
                writer.Write(failed.ItemOffset);
                WriteFailure(writer, failed.Failure);
                break;
            case CancelRequest cancel:
                writer.Write(cancel.RequestId);
                break;
            case WorkerOptions options:
                WriteNullable(writer, options.MaxTasksPerChild);
                break;
            case RequestAccepted accepted:
                writer.Write(accepted.RequestId);
                break;
            case Batch batch:
                writer.Write(batch.Function);
                WriteRaw(writer, batch.Keys);
                WriteRaw(writer, batch.Attempts);
                WritePayload(writer, batch.EncodedItems, batch.Items);

                break;
            case BatchResult result:
                WriteRaw(writer, result.Keys);
                WriteRaw(writer, result.Attempts);
                WritePayload(writer, result.EncodedValues, result.Values);
                writer.Write(result.Failures.Count);
                foreach (var failure in result.Failures)
                {
                    writer.Write(failure.Index);
                    WriteFailure(writer, failure.Failure);
                }

                break;
            default:
                throw new ArgumentException($"ActorPoolSerializer cannot serialize {obj.GetType()}.", nameof(obj));
        }
    }

    /// <summary>Writes an array payload, or the bytes a sender already encoded it to (to check its size).</summary>
    private static void WritePayload(BinaryWriter writer, byte[]? encoded, Array values)
    {
        if (encoded is not null)
        {
            writer.Write(encoded);
        }
        else
        {
            PayloadCodec.WriteArray(writer, values, 0, values.Length);
        }
    }

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

    private static void WriteRaw<T>(BinaryWriter writer, T[] values) where T : unmanaged
    {
        writer.Write(values.Length);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static T[] ReadRaw<T>(BinaryReader reader) where T : unmanaged
    {
        var values = new T[reader.ReadInt32()];
        reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    private static Chunk ReadChunk(BinaryReader reader)
    {
        var key = reader.ReadInt64();
        var index = reader.ReadInt32();
        var attempt = reader.ReadInt32();
        var function = reader.ReadString();
        var items = PayloadCodec.ReadArray(reader);
        return new Chunk(key, index, attempt, function, items, 0, items.Length);
    }

    private static void WriteItems(BinaryWriter writer, IReadOnlyList<object?> items)
    {
        var array = items is ITypedItems typed ? typed.Array : items.ToArray();
        PayloadCodec.WriteArray(writer, array, 0, array.Length);
    }

    private static void WriteRef(BinaryWriter writer, IActorRef? actor) =>
        WriteNullable(writer, actor is null || actor.IsNobody() ? null : Akka.Serialization.Serialization.SerializedActorPath(actor));

    private IActorRef? ReadRef(BinaryReader reader) =>
        ReadNullableString(reader) is { } path ? system.Provider.ResolveActorRef(path) : null;

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

    private static TimeSpan? ReadNullableTimeSpan(BinaryReader reader) => reader.ReadBoolean() ? new TimeSpan(reader.ReadInt64()) : null;
}
