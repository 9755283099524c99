using ActorPool.Internal;
using ActorPool.Node.Hosting;
using ActorPool.Serialization;
using Xunit;

namespace ActorPool.Tests.Cluster;

/// <summary>Protocol messages cross nodes through ActorPool's binary serializer, intact.</summary>
public sealed class SerializationSpec : Akka.TestKit.Xunit2.TestKit
{
    public SerializationSpec() : base(NodeConfig.Client(), "serialization-spec") { }

    [Theory]
    [InlineData(typeof(Map))]
    [InlineData(typeof(Apply))]
    [InlineData(typeof(MapResult))]
    [InlineData(typeof(ApplyResult))]
    [InlineData(typeof(MapPart))]
    [InlineData(typeof(Chunk))]
    [InlineData(typeof(ChunkResult))]
    [InlineData(typeof(ChunkFailed))]
    [InlineData(typeof(CancelRequest))]
    [InlineData(typeof(RequestAccepted))]
    [InlineData(typeof(Batch))]
    [InlineData(typeof(BatchResult))]
    [InlineData(typeof(Submit))]
    [InlineData(typeof(FailureReply))]
    [InlineData(typeof(Encoded))]
    [InlineData(typeof(ListWorkers))]
    [InlineData(typeof(WorkersOf))]
    [InlineData(typeof(HostStatusRequest))]
    [InlineData(typeof(HostStatus))]
    [InlineData(typeof(MapProgress))]
    public void Protocol_messages_are_bound_to_the_actorpool_serializer(Type message) =>
        Assert.IsType<ActorPoolSerializer>(Sys.Serialization.FindSerializerForType(message));

    [Fact]
    public void Map_round_trips_with_every_field()
    {
        var map = new Map("square", new object?[] { 1L, 2L, 3L }) { ChunkSize = 2, ReplyTo = TestActor, Timeout = TimeSpan.FromSeconds(3), RequestId = 42 };
        var copy = RoundTrip(map);
        Assert.Equal("square", copy.Function);
        Assert.Equal(new object?[] { 1L, 2L, 3L }, copy.Items);
        Assert.Equal(2, copy.ChunkSize);
        Assert.Equal(TestActor, copy.ReplyTo);
        Assert.Equal(TimeSpan.FromSeconds(3), copy.Timeout);
        Assert.Equal(42, copy.RequestId);
    }

    [Fact]
    public void An_encoded_submit_inside_a_cluster_client_send_arrives_as_the_submit_with_its_mode()
    {
        // ClusterClient wraps each request in a pub-sub Send to a node's receptionist: that is what crosses the wire,
        // and the transport hands it the request already encoded.
        var submit = new Submit(7, "square", new long[] { 1, 2 }, ReplyMode.UnorderedStream, TestActor) { ChunkSize = 1, AdmittedBeforeClose = true, ReportProgress = true };
        var pool = Sys.Serialization.FindSerializerFor(submit);
        var encoded = new Encoded(Akka.Serialization.Serialization.ManifestFor(pool, submit), pool.ToBinary(submit));
        var send = new Akka.Cluster.Tools.PublishSubscribe.Send("/user/pool", encoded);
        var serializer = Sys.Serialization.FindSerializerFor(send);
        var bytes = serializer.ToBinary(send);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, send);
        var copy = (Akka.Cluster.Tools.PublishSubscribe.Send)Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);
        var arrived = Assert.IsType<Submit>(copy.Message);
        Assert.Equal((7L, "square", ReplyMode.UnorderedStream, TestActor, 1, true, true),
            (arrived.RequestId, arrived.Function, arrived.Mode, arrived.ReplyTo, arrived.ChunkSize, arrived.AdmittedBeforeClose, arrived.ReportProgress));
        Assert.Equal(new long[] { 1, 2 }, Assert.IsType<long[]>(arrived.Arguments));
    }

    [Fact]
    public void Primitive_arrays_keep_their_element_type_and_values()
    {
        var values = Enumerable.Range(0, 1000).Select(i => (long)i * i).ToArray();
        var copy = RoundTrip(new MapResult(1, new TypedItems<long>(values)));
        Assert.Equal(values, Assert.IsType<long[]>(((ITypedItems)copy.Values).Array));
    }

    [Fact]
    public void Chunk_sends_only_its_slice()
    {
        var chunk = new Chunk(1, 2, 3, "square", new[] { 1, 2, 3, 4, 5 }, 1, 3);
        var copy = RoundTrip(chunk);
        Assert.Equal(new[] { 2, 3, 4 }, Assert.IsType<int[]>(copy.Items));
        Assert.Equal((0, 3), (copy.Offset, copy.Count));
    }

    [Fact]
    public void Tuples_strings_and_nulls_round_trip()
    {
        var apply = new Apply("f", (1, "two"), null, "three", 4.5);
        var copy = RoundTrip(apply);
        Assert.Equal(new object?[] { (1, "two"), null, "three", 4.5 }, copy.Arguments);
    }

    [Fact]
    public void Failures_round_trip_as_data()
    {
        var failed = new ChunkFailed(1, 0, 0, 3, new TaskFailure(FailureKind.Task, "f", "System.InvalidOperationException", "boom", "at f()"));
        var copy = RoundTrip(failed);
        Assert.Equal(failed.Failure with { Original = null }, copy.Failure);
        Assert.Equal(3, copy.ItemOffset);
    }

    [Fact]
    public void Batches_and_their_results_round_trip()
    {
        var batch = RoundTrip(new Batch("square", [1, 2, 3], [0, 1, 0], new long[] { 4, 5, 6 }));
        Assert.Equal("square", batch.Function);
        Assert.Equal(new long[] { 1, 2, 3 }, batch.Keys);
        Assert.Equal(new[] { 0, 1, 0 }, batch.Attempts);
        Assert.Equal(new long[] { 4, 5, 6 }, Assert.IsType<long[]>(batch.Items));

        var failure = new TaskFailure(FailureKind.Task, "square", "System.Exception", "no", null);
        var result = RoundTrip(new BatchResult([1, 2], [0, 0], new long[] { 16, 0 }, [new BatchFailure(1, failure)]));
        Assert.Equal(new long[] { 16, 0 }, Assert.IsType<long[]>(result.Values));
        Assert.Equal(new BatchFailure(1, failure), Assert.Single(result.Failures));
    }

    [Fact]
    public void A_worker_hosts_answer_round_trips_with_its_workers_and_functions()
    {
        var copy = RoundTrip(new WorkersOf([TestActor], ["square", "where"]));
        Assert.Equal(TestActor, Assert.Single(copy.Workers));
        Assert.Equal(["square", "where"], copy.Functions);
        Assert.Same(ListWorkers.Instance, RoundTrip(ListWorkers.Instance));
    }

    [Fact]
    public void A_worker_hosts_status_round_trips_with_every_count()
    {
        Assert.Same(HostStatusRequest.Instance, RoundTrip(HostStatusRequest.Instance));
        var status = new HostStatus(Workers: 4, Busy: 3, TasksCompleted: long.MaxValue - 1, WorkersAbandoned: 2);
        Assert.Equal(status, RoundTrip(status));
    }

    [Fact]
    public void A_progress_report_round_trips_with_every_count()
    {
        var progress = new MapProgress(RequestId: 9, Done: long.MaxValue - 2, Failed: 3, Retried: 4);
        Assert.Equal(progress, RoundTrip(progress));
    }

    [Fact]
    public void A_value_that_cannot_cross_fails_with_a_clear_error()
    {
        var error = Assert.Throws<PoolPayloadException>(() => RoundTrip(new MapResult(1, new object?[] { new Uri("http://example.invalid") })));
        Assert.Contains("System.Uri cannot be sent to another node", error.Message);
    }

    private T RoundTrip<T>(T message) where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        return (T)Sys.Serialization.Deserialize(bytes, serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));
    }
}
