using ActorPool.Internal;
using Akka.Actor;
using Akka.Serialization;

namespace ActorPool.Serialization;

/// <summary>
/// The binary serializer of ActorPool's protocol: the public requests and results, and every internal message
/// (bound through <see cref="IPoolMessage"/>). It owns every byte: values go through its <see cref="PayloadCodec"/>.
/// Each message is written header first, payload last, so a payload this node cannot read (a type off its
/// allow-list, a malformed value) becomes a failure of that call — the header says which — instead of a message
/// Akka drops with a log line while the caller waits for ever. The fields messages share (failures, counts, raw
/// arrays, nullables) are written and read in <c>ActorPoolSerializer.Fields.cs</c>.
/// </summary>
internal sealed partial class ActorPoolSerializer : SerializerWithStringManifest
{
    private const string SubmitManifest = "submit";
    private const string MapManifest = "map";
    private const string ApplyManifest = "apply";
    private const string MapResultManifest = "map-result";
    private const string ApplyResultManifest = "apply-result";
    private const string MapPartManifest = "map-part";
    private const string MapProgressManifest = "map-progress";
    private const string ChunkManifest = "chunk";
    private const string ChunkResultManifest = "chunk-result";
    private const string ChunkFailedManifest = "chunk-failed";
    private const string BatchManifest = "batch";
    private const string BatchResultManifest = "batch-result";
    private const string CancelManifest = "cancel";
    private const string CancelWorkManifest = "cancel-work";
    private const string AcceptedManifest = "accepted";
    private const string FailureManifest = "failure";
    private const string ListWorkersManifest = "list-workers";
    private const string WorkersOfManifest = "workers-of";
    private const string AbandonStuckManifest = "abandon-stuck";
    private const string WorkerCrashedManifest = "worker-crashed";
    private const string CrashOnChunksManifest = "crash-on-chunks";
    private const string DelayChunksManifest = "delay-chunks";
    private const string HostStatusRequestManifest = "host-status-request";
    private const string HostStatusManifest = "host-status";

    /// <summary>Creates the serializer; Akka calls this per actor system (and again when configuration is injected later).</summary>
    /// <param name="system">The actor system, used to resolve actor references.</param>
    public ActorPoolSerializer(ExtendedActorSystem system) : this(system, TypeAllowList.Registered) { }

    /// <summary>A serializer naming the types of another list: what a node with other functions would send (specs).</summary>
    internal ActorPoolSerializer(ExtendedActorSystem system, TypeAllowList allowList) : base(system) => Codec = new PayloadCodec(allowList);

    /// <summary>ActorPool's serializer id (user serializers take ids above 100).</summary>
    public override int Identifier => 7_701;

    /// <summary>Reads and writes the values, naming only the types of this process's registered functions.</summary>
    public PayloadCodec Codec { get; }

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        Encoded encoded => encoded.Manifest,
        Submit => SubmitManifest,
        Map => MapManifest,
        Apply => ApplyManifest,
        MapResult => MapResultManifest,
        ApplyResult => ApplyResultManifest,
        MapPart => MapPartManifest,
        MapProgress => MapProgressManifest,
        Chunk => ChunkManifest,
        ChunkResult => ChunkResultManifest,
        ChunkFailed => ChunkFailedManifest,
        Batch => BatchManifest,
        BatchResult => BatchResultManifest,
        CancelRequest => CancelManifest,
        CancelWork => CancelWorkManifest,
        RequestAccepted => AcceptedManifest,
        FailureReply => FailureManifest,
        ListWorkers => ListWorkersManifest,
        WorkersOf => WorkersOfManifest,
        AbandonStuck => AbandonStuckManifest,
        WorkerCrashed => WorkerCrashedManifest,
        CrashOnChunks => CrashOnChunksManifest,
        DelayChunks => DelayChunksManifest,
        HostStatusRequest => HostStatusRequestManifest,
        HostStatus => HostStatusManifest,
        _ => throw new ArgumentException($"ActorPoolSerializer cannot serialize {o.GetType()}.", nameof(o)),
    };

    /// <summary>The largest write buffer a thread keeps between messages (a little over a full chunk).</summary>
    private const int MaxScratchBytes = 4 * 1024 * 1024;

    [ThreadStatic]
    private static MemoryStream? _scratch;

    /// <inheritdoc />
    /// <exception cref="PoolPayloadException">A value in the message cannot cross.</exception>
    public override byte[] ToBinary(object obj)
    {
        if (obj is Encoded encoded)
        {
            return encoded.Bytes;
        }

        // One buffer per thread, kept between messages: a chunk's bytes are copied once, into the array returned,
        // instead of through every doubling of a new stream (each a fresh large allocation that the GC must clear).
        var stream = _scratch ??= new MemoryStream();
        stream.SetLength(0);
        try
        {
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                Write(writer, obj);
            }

            return stream.ToArray();
        }
        finally
        {
            if (stream.Capacity > MaxScratchBytes)
            {
                // An unusually large message: not worth holding on to for the life of the thread.
                _scratch = null;
            }
        }
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length, writable: false, publiclyVisible: true));
        switch (manifest)
        {
            case SubmitManifest:
                {
                    var (requestId, function, replyTo) = (reader.ReadInt64(), reader.ReadString(), ReadRef(reader)!);
                    var (mode, chunkSize, timeout, admitted, progress) =
                        ((ReplyMode)reader.ReadByte(), ReadNullableInt(reader), ReadNullableTimeSpan(reader), reader.ReadBoolean(), reader.ReadBoolean());
                    return Payload(reader, out var arguments) is { } failure
                        ? new Rejected(requestId, replyTo, failure)
                        : new Submit(requestId, function, arguments, mode, replyTo)
                        {
                            ChunkSize = chunkSize, Timeout = timeout, AdmittedBeforeClose = admitted, ReportProgress = progress,
                        };
                }

            case MapManifest:
                {
                    var (requestId, function, replyTo, chunkSize, timeout) = (reader.ReadInt64(), reader.ReadString(), ReadRef(reader), ReadNullableInt(reader), ReadNullableTimeSpan(reader));
                    return Payload(reader, out var items) is { } failure
                        ? new Rejected(requestId, replyTo, failure)
                        : new Map(function, TypedItems.Wrap(items)) { RequestId = requestId, ReplyTo = replyTo, ChunkSize = chunkSize, Timeout = timeout };
                }

            case ApplyManifest:
                {
                    var (requestId, function, replyTo, timeout) = (reader.ReadInt64(), reader.ReadString(), ReadRef(reader), ReadNullableTimeSpan(reader));
                    return Payload(reader, out var arguments) is { } failure
                        ? new Rejected(requestId, replyTo, failure)
                        : new Apply(function, arguments as object?[] ?? [.. TypedItems.Wrap(arguments)]) { RequestId = requestId, ReplyTo = replyTo, Timeout = timeout };
                }

            case MapResultManifest:
                {
                    var requestId = reader.ReadInt64();
                    return Payload(reader, out var values) is { } failure ? new Status.Failure(failure, requestId) : new MapResult(requestId, TypedItems.Wrap(values));
                }

            case ApplyResultManifest:
                {
                    var requestId = reader.ReadInt64();
                    return Payload(reader, out var value) is { } failure ? new Status.Failure(failure, requestId) : new ApplyResult(requestId, value.GetValue(0));
                }

            case MapPartManifest:
                {
                    var (requestId, start) = (reader.ReadInt64(), reader.ReadInt32());
                    return Payload(reader, out var values) is { } failure ? new Status.Failure(failure, requestId) : new MapPart(requestId, start, values);
                }

            case ChunkManifest:
                {
                    var (key, index, attempt, function) = (reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadString());
                    var failure = Payload(reader, out var items);
                    return new Chunk(key, index, attempt, function, items, 0, items.Length) { Undecodable = failure };
                }

            case ChunkResultManifest:
                {
                    var (key, index, attempt, partOffset, last) = (reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadBoolean());
                    return Payload(reader, out var values) is { } failure
                        ? new ChunkFailed(key, index, attempt, partOffset, TaskFailure.FromPool("", failure))
                        : new ChunkResult(key, index, attempt, partOffset, values) { Last = last };
                }

            case ChunkFailedManifest:
                return new ChunkFailed(reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), ReadFailure(reader));
            case BatchManifest:
                {
                    var (function, keys, attempts) = (reader.ReadString(), ReadRaw<long>(reader), ReadRaw<int>(reader));
                    var failure = Payload(reader, out var items);
                    return new Batch(function, keys, attempts, items) { Undecodable = failure };
                }

            case BatchResultManifest:
                {
                    var (keys, attempts, failures) = (ReadRaw<long>(reader), ReadRaw<int>(reader), ReadBatchFailures(reader));
                    return Payload(reader, out var values) is { } failure
                        ? BatchResult.AllFailed(keys, attempts, TaskFailure.FromPool("", failure))
                        : new BatchResult(keys, attempts, values, failures);
                }

            case CancelManifest:
                return new CancelRequest(reader.ReadInt64());
            case CancelWorkManifest:
                return new CancelWork(reader.ReadInt64());
            case AcceptedManifest:
                return new RequestAccepted(reader.ReadInt64());
            case MapProgressManifest:
                return new MapProgress(reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64());
            case FailureManifest:
                {
                    var requestId = ReadNullableLong(reader);
                    var failure = ReadFailure(reader);
                    return new Status.Failure(failure.ToException(reader.ReadInt32()), requestId);
                }

            case ListWorkersManifest:
                return ListWorkers.Instance;
            case AbandonStuckManifest:
                return new AbandonStuck(ReadRef(reader)!, reader.ReadInt64());
            case WorkerCrashedManifest:
                return new WorkerCrashed(ReadRaw<long>(reader), ReadRaw<int>(reader), ReadRaw<int>(reader), reader.ReadString());
            case CrashOnChunksManifest:
                return new CrashOnChunks(reader.ReadInt32());
            case DelayChunksManifest:
                return new DelayChunks(new TimeSpan(reader.ReadInt64()));
            case HostStatusRequestManifest:
                return HostStatusRequest.Instance;
            case HostStatusManifest:
                return new HostStatus(reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt64(), reader.ReadInt64());
            case WorkersOfManifest:
                {
                    var workers = new IActorRef[ReadCount(reader)];
                    for (var i = 0; i < workers.Length; i++)
                    {
                        workers[i] = ReadRef(reader)!;
                    }

                    var functions = new string[ReadCount(reader)];
                    for (var i = 0; i < functions.Length; i++)
                    {
                        functions[i] = reader.ReadString();
                    }

                    return new WorkersOf(workers, functions);
                }

            default:
                throw new System.Runtime.Serialization.SerializationException($"ActorPoolSerializer does not know manifest '{manifest}'.");
        }
    }

    private void Write(BinaryWriter writer, object obj)
    {
        switch (obj)
        {
            case Submit submit:
                if (submit.LocalFunction is { IsLocalOnly: true } local)
                {
                    throw new PoolFunctionException(local.Name,
                        $"'{local.Name}' is a lambda or closure, which can only run in this process, but the pool's router is on another node. " +
                        "Pass a public static method marked [PoolFunction] instead.");
                }

                writer.Write(submit.RequestId);
                writer.Write(submit.Function);
                WriteRef(writer, submit.ReplyTo);
                writer.Write((byte)submit.Mode);
                WriteNullable(writer, submit.ChunkSize);
                WriteNullable(writer, submit.Timeout?.Ticks);
                writer.Write(submit.AdmittedBeforeClose);
                writer.Write(submit.ReportProgress);
                Codec.WriteArray(writer, submit.Arguments, 0, submit.Arguments.Length);
                break;
            case Map map:
                writer.Write(map.RequestId);
                writer.Write(map.Function);
                WriteRef(writer, map.ReplyTo);
                WriteNullable(writer, map.ChunkSize);
                WriteNullable(writer, map.Timeout?.Ticks);
                WriteItems(writer, map.Items);
                break;
            case Apply apply:
                writer.Write(apply.RequestId);
                writer.Write(apply.Function);
                WriteRef(writer, apply.ReplyTo);
                WriteNullable(writer, apply.Timeout?.Ticks);
                WriteItems(writer, apply.Arguments);
                break;
            case MapResult result:
                writer.Write(result.RequestId);
                WriteItems(writer, result.Values);
                break;
            case ApplyResult result:
                writer.Write(result.RequestId);
                Codec.Write(writer, new[] { result.Value });
                break;
            case MapPart part:
                writer.Write(part.RequestId);
                writer.Write(part.StartIndex);
                Codec.WriteArray(writer, part.Values, 0, part.Values.Length);
                break;
            case Chunk chunk:
                writer.Write(chunk.RequestKey);
                writer.Write(chunk.Index);
                writer.Write(chunk.Attempt);
                writer.Write(chunk.Function);
                Codec.WriteArray(writer, chunk.Items, chunk.Offset, chunk.Count);
                break;
            case ChunkResult result:
                writer.Write(result.RequestKey);
                writer.Write(result.Index);
                writer.Write(result.Attempt);
                writer.Write(result.PartOffset);
                writer.Write(result.Last);
                Codec.WriteArray(writer, result.Values, 0, result.Values.Length);
                break;
            case ChunkFailed failed:
                writer.Write(failed.RequestKey);
                writer.Write(failed.Index);
                writer.Write(failed.Attempt);
                writer.Write(failed.ItemOffset);
                WriteFailure(writer, failed.Failure);
                break;
            case Batch batch:
                writer.Write(batch.Function);
                WriteRaw(writer, batch.Keys);
                WriteRaw(writer, batch.Attempts);
                Codec.WriteArray(writer, batch.Items, 0, batch.Items.Length);
                break;
            case BatchResult result:
                WriteRaw(writer, result.Keys);
                WriteRaw(writer, result.Attempts);
                writer.Write(result.Failures.Count);
                foreach (var failure in result.Failures)
                {
                    writer.Write(failure.Index);
                    WriteFailure(writer, failure.Failure);
                }

                Codec.WriteArray(writer, result.Values, 0, result.Values.Length);
                break;
            case CancelRequest cancel:
                writer.Write(cancel.RequestId);
                break;
            case CancelWork cancel:
                writer.Write(cancel.RequestKey);
                break;
            case RequestAccepted accepted:
                writer.Write(accepted.RequestId);
                break;
            case MapProgress progress:
                writer.Write(progress.RequestId);
                writer.Write(progress.Done);
                writer.Write(progress.Failed);
                writer.Write(progress.Retried);
                break;
            case FailureReply failure:
                WriteNullable(writer, failure.RequestId);
                WriteFailure(writer, failure.Failure);
                writer.Write(failure.ItemIndex);
                break;
            case ListWorkers:
            case HostStatusRequest:
                break;
            case HostStatus status:
                writer.Write(status.Workers);
                writer.Write(status.Busy);
                writer.Write(status.TasksCompleted);
                writer.Write(status.WorkersAbandoned);
                break;
            case CrashOnChunks crash:
                writer.Write(crash.Chunks);
                break;
            case DelayChunks delay:
                writer.Write(delay.Delay.Ticks);
                break;
            case AbandonStuck abandon:
                WriteRef(writer, abandon.Worker);
                writer.Write(abandon.RequestKey);
                break;
            case WorkerCrashed crashed:
                WriteRaw(writer, crashed.Keys);
                WriteRaw(writer, crashed.Indexes);
                WriteRaw(writer, crashed.Attempts);
                writer.Write(crashed.Reason);
                break;
            case WorkersOf host:
                writer.Write(host.Workers.Count);
                foreach (var worker in host.Workers)
                {
                    WriteRef(writer, worker);
                }

                writer.Write(host.Functions.Count);
                foreach (var function in host.Functions)
                {
                    writer.Write(function);
                }

                break;
            default:
                throw new ArgumentException($"ActorPoolSerializer cannot serialize {obj.GetType()}.", nameof(obj));
        }
    }

    /// <summary>Reads the message's payload, last in every message; the failure of its call when it cannot be read here, null otherwise.</summary>
    private PoolPayloadException? Payload(BinaryReader reader, out Array values)
    {
        try
        {
            values = Codec.ReadArray(reader);
            return null;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException or ArgumentException or InvalidCastException
                                       or MissingMethodException or System.Reflection.TargetInvocationException or NotSupportedException)
        {
            values = Array.Empty<object?>();
            return new PoolPayloadException($"A payload that arrived from another node could not be read on {system.Provider.DefaultAddress}: {ex.Message}", ex);
        }
    }

    private void WriteItems(BinaryWriter writer, IReadOnlyList<object?> items)
    {
        var array = TypedItems.Unwrap(items);
        Codec.WriteArray(writer, array, 0, array.Length);
    }

    private static void WriteRef(BinaryWriter writer, IActorRef? actor) =>
        WriteNullable(writer, actor is null || actor.IsNobody() ? null : Akka.Serialization.Serialization.SerializedActorPath(actor));

    private IActorRef? ReadRef(BinaryReader reader) =>
        ReadNullableString(reader) is { } path ? system.Provider.ResolveActorRef(path) : null;
}
