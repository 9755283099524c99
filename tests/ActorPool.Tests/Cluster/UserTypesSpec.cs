using System.Text;
using ActorPool.Internal;
using ActorPool.Serialization;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorPool.Tests.Cluster;

/// <summary>
/// User types cross to real other nodes (three in-process nodes on 127.0.0.1, a client member with no workers of
/// its own, so every value goes over TCP both ways), limited to the types of pool function signatures.
/// </summary>
[Collection("cluster")]
public sealed class UserTypesSpec(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    private static readonly TimeSpan Bound = ThreeNodeCluster.Bound;

    private int Workers => cluster.PoolNodes.Length * ThreeNodeCluster.WorkersPerNode;

    [Fact]
    public async Task Records_classes_structs_enums_nullables_and_collections_cross_both_ways()
    {
        await WithClient(async client =>
        {
            var orders = Enumerable.Range(0, 500).Select(i => new Order(i, $"customer {i % 7}", i * 1.25m, [$"t{i % 3}", "all"])).ToList();
            Assert.Equal(orders.Select(UserTypeJobs.Sum), await client.MapAsync(UserTypeJobs.Sum, orders).WaitAsync(Bound));

            var parcels = Enumerable.Range(0, 40).Select(i => new Parcel
            {
                Id = i,
                Speed = i % 2 == 0 ? Speed.Standard : Speed.Express,
                SentAt = new DateTimeOffset(2026, 11, 25, 10, i, 0, TimeSpan.FromHours(i % 5 - 2)),
                ArrivedAt = i % 3 == 0 ? null : new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero),
                Insured = i % 4 == 0 ? null : 10.5m * i,
                Orders = orders.Skip(i).Take(i % 4).ToList(),
                Counts = Enumerable.Range(0, i % 5).ToDictionary(k => $"p{k}", k => k * i),
                Stops = [.. Enumerable.Range(0, i % 3).Select(k => $"stop {k}")],
                Route = Enumerable.Range(0, i % 6).Select(k => new Spot(k, k * 0.5)).ToArray(),
            }).ToList();
            var forwarded = await client.MapAsync(UserTypeJobs.Forward, parcels, chunkSize: 3).WaitAsync(Bound);
            Assert.Equal(parcels.Select(p => UserTypeJobs.Forward(p).Describe()), forwarded.Select(p => p.Describe()));

            var tags = await client.ApplyAsync(UserTypeJobs.ByTag, orders.Take(30).ToList(), "customer 3").WaitAsync(Bound);
            Assert.Equal(Describe(UserTypeJobs.ByTag(orders.Take(30).ToList(), "customer 3")), Describe(tags));

            var spots = new (Spot?, Speed)[] { (new Spot(3, 4), Speed.Standard), (null, Speed.Express), (new Spot(6, 8), Speed.Express) };
            Assert.Equal([5m, null, 20m], await client.StarMapAsync(UserTypeJobs.Distance, spots).WaitAsync(Bound));
        });
    }

    [Fact]
    public async Task Async_functions_over_user_types_are_awaited_on_other_nodes()
    {
        await WithClient(async client =>
        {
            var orders = Enumerable.Range(0, 200).Select(i => new Order(i, "c", i, [])).ToList();

            var totals = await client.MapAsync(UserTypeJobs.FetchTotal, orders, chunkSize: 10).WaitAsync(Bound);

            Assert.Equal(orders.Select(UserTypeJobs.Sum), totals);
            Assert.Equal(new Total(7, 7), await client.ApplyAsync(UserTypeJobs.FetchTotal, orders[7]).WaitAsync(Bound));
        });
    }

    [Fact]
    public async Task A_value_of_a_type_no_signature_names_fails_its_call_naming_the_type_and_the_cluster_goes_on()
    {
        await WithClient(async client =>
        {
            Assert.Equal(["rex"], await client.MapAsync(UserTypeJobs.NameOf, [new Animal { Name = "rex" }]).WaitAsync(Bound));

            var refused = await Assert.ThrowsAsync<PoolPayloadException>(() =>
                client.MapAsync(UserTypeJobs.NameOf, [new Animal { Name = "a" }, new Dog { Name = "fido", Barks = true }]).WaitAsync(Bound));

            Assert.Contains(typeof(Dog).FullName!, refused.Message, StringComparison.Ordinal);
            Assert.Contains("[PoolFunction] signature", refused.Message, StringComparison.Ordinal);
            Assert.Equal(new Total(1, 2), await client.ApplyAsync(UserTypeJobs.Sum, new Order(1, "c", 2, [])).WaitAsync(Bound));
        });
    }

    [Fact]
    public async Task A_function_whose_types_could_hold_anything_is_reported_at_registration_and_refused_across_nodes()
    {
        var open = PoolFunctions.List().Single(f => f.Name.EndsWith(".UserTypeJobs.Open", StringComparison.Ordinal));
        Assert.Contains("Envelope.Payload is Object", open.WireProblem, StringComparison.Ordinal);
        Assert.Contains("Echo", PoolFunctions.List().Single(f => f.Name.EndsWith(".UserTypeJobs.Echo", StringComparison.Ordinal)).Signature, StringComparison.Ordinal);
        Assert.NotNull(PoolFunctions.List().Single(f => f.Name.EndsWith(".UserTypeJobs.Echo", StringComparison.Ordinal)).WireProblem);
        Assert.Null(PoolFunctions.List().Single(f => f.Name.EndsWith(".UserTypeJobs.Forward", StringComparison.Ordinal)).WireProblem);

        await WithClient(async client =>
        {
            var refused = await Assert.ThrowsAsync<PoolPayloadException>(() => client.ApplyAsync(UserTypeJobs.Open, new Envelope(1, "x")).WaitAsync(Bound));
            Assert.Contains("cannot run on another node", refused.Message, StringComparison.Ordinal);
            Assert.Contains("Envelope.Payload", refused.Message, StringComparison.Ordinal);
        });

        // In-process it runs: nothing has to cross.
        await using var local = PoolLease.Create(1);
        Assert.Equal(3, local.Pool.Apply(UserTypeJobs.Open, new Envelope(3, new object())));
    }

    [Fact]
    public async Task A_crafted_chunk_naming_FileInfo_is_refused_by_the_node_which_stays_alive()
    {
        await WithClient(async client =>
        {
            // A real chunk of one order, then its type name swapped on the wire for one no signature names.
            var system = client.System;
            var serializer = (ActorPoolSerializer)system.Serialization.FindSerializerForType(typeof(Chunk));
            var chunk = new Chunk(1, 0, 0, "ActorPool.Tests.Cluster.UserTypeJobs.Sum", new[] { new Order(1, "c", 2, []) }, 0, 1);
            var crafted = Swap(serializer.ToBinary(chunk), typeof(Order).FullName!, typeof(FileInfo).FullName!);
            Assert.Contains("System.IO.FileInfo", Encoding.UTF8.GetString(crafted), StringComparison.Ordinal);

            // Read here first: the header is read, the payload refused, the chunk marked to fail, no type built.
            var read = (Chunk)serializer.FromBinary(crafted, serializer.Manifest(chunk));
            Assert.Contains("System.IO.FileInfo", read.Undecodable!.Message, StringComparison.Ordinal);
            Assert.Contains("not on this node's allow-list", read.Undecodable.Message, StringComparison.Ordinal);

            // Sent as is to a worker on another node: that node answers with the failure, and then runs real work.
            var probe = new TestProbe(system, new XunitAssertions());
            var worker = system.ActorSelection($"{cluster.PoolNodes[1].Address}/user/actorpool-workers/w0");
            worker.Tell(new Encoded(serializer.Manifest(chunk), crafted), probe.Ref);
            var failed = probe.ExpectMsg<ChunkFailed>(Bound);
            Assert.Contains("System.IO.FileInfo", failed.Failure.Message, StringComparison.Ordinal);
            // The probe's TestKit injected its configuration into the client's system, which makes Akka build new
            // serializers: they must still know the pool functions' types.
            Assert.Equal(new Total(1, 2), await client.ApplyAsync(UserTypeJobs.Sum, new Order(1, "c", 2, [])).WaitAsync(Bound));
        });
    }

    [Fact]
    public void The_allow_list_is_the_closure_of_the_signatures()
    {
        var list = new TypeAllowList();
        list.Include(typeof(Parcel));

        foreach (var type in new[] { typeof(Parcel), typeof(Order), typeof(Spot), typeof(Speed), typeof(List<Order>), typeof(Dictionary<string, int>), typeof(HashSet<string>), typeof(DateTimeOffset?) })
        {
            Assert.True(list.IsAllowed(type), $"{type} should be allowed");
        }

        foreach (var type in new[] { typeof(FileInfo), typeof(object), typeof(Total), typeof(Dog) })
        {
            Assert.False(list.IsAllowed(type), $"{type} should not be allowed");
        }

        Assert.False(list.TryResolve(typeof(FileInfo).FullName!, out _));
    }

    private async Task WithClient(Func<Pool, Task> test)
    {
        var client = await ClusterClients.ConnectAsync(cluster.PoolNodes[0].Address, Workers);
        try
        {
            await test(client);
        }
        finally
        {
            await ClusterClients.LeaveAsync([client]);
        }
    }

    private static string Describe(Dictionary<string, List<int>> byTag) =>
        string.Join(";", byTag.OrderBy(p => p.Key).Select(p => $"{p.Key}={string.Join(",", p.Value)}"));

    /// <summary>Replaces a length-prefixed string (BinaryWriter's form, lengths under 128) in a message.</summary>
    private static byte[] Swap(byte[] message, string from, string to)
    {
        byte[] Prefixed(string s) => [(byte)Encoding.UTF8.GetByteCount(s), .. Encoding.UTF8.GetBytes(s)];
        var old = Prefixed(from);
        var at = message.AsSpan().IndexOf(old);
        Assert.True(at >= 0, $"'{from}' is not in the message");
        return [.. message[..at], .. Prefixed(to), .. message[(at + old.Length)..]];
    }
}
