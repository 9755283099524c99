using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace ActorPool.Tests.EndToEnd;

/// <summary>
/// TLS with mutual authentication between real node processes on 127.0.0.1, each running the repository's
/// hocon/tls.conf through <c>--config</c> with only its certificate filled in. A node holding a certificate from the
/// cluster's CA joins, and map clients get exact results over TLS, as members and from outside. Three nodes without
/// such a certificate are refused at the seed's TLS handshake and never become members: one speaking plain TCP, one
/// whose certificate comes from another CA, and one that holds the right certificate but does not present it when it
/// dials (the seed requires a certificate from whoever connects, not just a valid one when there is one).
/// </summary>
/// <remarks>
/// Every process trusts the test's CA and no other root (<see cref="TestCertificates.TrustOnly"/>), the refused ones
/// too: the impostor trusts the seed's certificate, so only the seed's check of the impostor's keeps it out.
/// </remarks>
[Collection(ProcessesCollection.Name)]
public sealed class TlsEndToEndSpec(ITestOutputHelper output)
{
    private const string Authority = "actorpool-test-ca";
    private const string OtherAuthority = "impostor-ca";

    /// <summary>How long a map over TLS may take, joining and leaving included, on a loaded machine.</summary>
    private static readonly TimeSpan MapBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_node_with_the_clusters_certificate_joins_and_nodes_without_one_are_refused()
    {
        using var certificates = new TestCertificates();
        using var authority = certificates.CreateAuthority(Authority);
        using var otherAuthority = certificates.CreateAuthority(OtherAuthority);
        var memberConfig = WriteConfig(certificates, "member", certificates.IssueMember("member", authority));
        var impostorConfig = WriteConfig(certificates, "impostor", certificates.IssueMember("impostor", otherAuthority));
        var silentConfig = WriteConfig(certificates, "silent", certificates.IssueMember("silent", authority),
            "akka.remote.dot-netty.tcp.ssl.require-mutual-authentication = off");
        var trust = certificates.TrustOnly(Authority);

        var ports = FreePorts.Take(5);
        var seed = TlsAddress(ports[0]);
        using var seedNode = StartNode("tls-seed", ports[0], seed, trust, "--config", memberConfig);
        await TestCluster.WaitUpAsync(seedNode, seed);

        var member = TlsAddress(ports[1]);
        using var memberNode = StartNode("tls-member", ports[1], seed, trust, "--config", memberConfig);
        using var impostorNode = StartNode("tls-impostor", ports[2], seed, trust, "--config", impostorConfig);
        using var plainNode = StartNode("tls-plain", ports[3], TestCluster.Address(ports[0]), trust);
        using var silentNode = StartNode("tls-silent", ports[4], seed, trust, "--config", silentConfig);
        (string Address, NodeProcess Node)[] refused = [(TlsAddress(ports[2]), impostorNode), (TestCluster.Address(ports[3]), plainNode), (TlsAddress(ports[4]), silentNode)];

        await TestCluster.WaitUpAsync(memberNode, member);
        await TestCluster.WaitForMemberEventAsync(seedNode, "member up", member, TestCluster.UpBound);

        // Work crosses TLS both ways a client can submit: as a member, and from outside through ClusterClient.
        using var joined = NodeProcess.Start("tls-map-seeds",
            ["map", "--function", "square", "--range", "0:50", "--seeds", $"{seed},{member}", "--config", memberConfig], environment: trust);
        using var outside = NodeProcess.Start("tls-map-contacts",
            ["map", "--function", "square", "--range", "0:50", "--contacts", member, "--config", memberConfig], environment: trust);
        var squares = Enumerable.Range(0, 50).Select(i => (i * i).ToString(CultureInfo.InvariantCulture)).ToList();
        foreach (var map in new[] { joined, outside })
        {
            Expect.ExitCode(0, await map.WaitForExitAsync(MapBound), map);
            Expect.Stdout(squares, map);
        }

        // None of the others comes up. Each either gives up on a round of join attempts (about 10 s) and retries, or
        // fails to start: Akka 1.5.73 shuts down a node whose outbound TLS handshake fails, when it sees the failure
        // during the handshake rather than as the connection closing just after it.
        var outcomes = new List<string>();
        foreach (var (_, node) in refused)
        {
            var seen = await node.WaitForStderrAsync(
                line => line.Contains("Couldn't join seed nodes", StringComparison.Ordinal) || line.StartsWith("node failed to start:", StringComparison.Ordinal)
                    || line.StartsWith("node up:", StringComparison.Ordinal),
                TestCluster.UpBound, "a failed round of join attempts or a failed start");
            Assert.False(seen.StartsWith("node up:", StringComparison.Ordinal), $"{node.Name} joined the cluster.{Environment.NewLine}{node.Describe()}");
            if (seen.StartsWith("node failed to start:", StringComparison.Ordinal))
            {
                Expect.ExitCode(1, await node.WaitForExitAsync(TestCluster.UpBound), node);
            }

            outcomes.Add($"{node.Name}: {seen}");
        }

        // The seed refused each at the handshake, for its own reason.
        await seedNode.WaitForStderrAsync(line => line.Contains("not an SSL/TLS record", StringComparison.Ordinal), TestCluster.UpBound,
            "a refused plain-TCP connection");
        await seedNode.WaitForStderrAsync(line => line.Contains($"Issuer: CN={OtherAuthority}", StringComparison.Ordinal), TestCluster.UpBound,
            "a refused certificate from the impostor's CA");
        await seedNode.WaitForStderrAsync(line => line.Contains("did not provide a certificate", StringComparison.Ordinal), TestCluster.UpBound,
            "a refused connection that presented no certificate");

        foreach (var (address, _) in refused)
        {
            Assert.DoesNotContain(seedNode.Stderr, line => line.StartsWith("[cluster]", StringComparison.Ordinal) && line.Split(' ').Contains(address));
        }

        output.WriteLine($"joined: {member}; refused:{Environment.NewLine}{string.Join(Environment.NewLine, outcomes)}");
    }

    private static string TlsAddress(int port) => $"akka.ssl.tcp://actorpool@127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

    private static NodeProcess StartNode(string name, int port, string seed, IReadOnlyDictionary<string, string> environment, params string[] options) =>
        NodeProcess.Start(name, ["node", "--port", port.ToString(CultureInfo.InvariantCulture), "--seeds", seed, "--workers", "1", .. options],
            environment: environment);

    /// <summary>Writes hocon/tls.conf as the repository has it, with this member's certificate and any <paramref name="extra"/> after it.</summary>
    private static string WriteConfig(TestCertificates certificates, string name, string pfx, string extra = "")
    {
        var example = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "hocon", "tls.conf"));
        var path = certificates.PathOf($"{name}.conf");
        File.WriteAllText(path, $$"""
            {{example}}
            akka.remote.dot-netty.tcp.ssl.certificate {
              path = {{Quote(pfx)}}
              password = {{Quote(TestCertificates.Password)}}
            }
            {{extra}}
            """);
        return path;
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
