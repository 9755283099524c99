using Akka.Configuration;

namespace ActorPool.Node.Hosting;

/// <summary>Builds the HOCON of a node or client from the repository's hocon/ files and the command line.</summary>
public static class NodeConfig
{
    /// <summary>The actor system name every node and client shares (it is part of every address).</summary>
    public const string SystemName = "actorpool";

    /// <summary>The address nodes and clients bind and advertise unless told otherwise.</summary>
    public const string DefaultHost = "127.0.0.1";

    /// <summary>
    /// The executable's logging on top of a member's configuration (the library builds the rest from
    /// <see cref="ClusterOptions"/>): Akka's log to stderr at <paramref name="level"/>, so stdout carries results only.
    /// </summary>
    /// <param name="level">Akka's log level, e.g. INFO for a node, WARNING for a client.</param>
    public static string Logging(string level) => $$"""
        akka.loglevel = {{level}}
        akka.stdout-loglevel = OFF
        akka.loggers = ["ActorPool.Node.Hosting.StderrLogger, ActorPool.Node"]
        """;

    /// <summary>A client outside the cluster, talking to it through ClusterClient.</summary>
    /// <param name="extra">Further HOCON that overrides everything else.</param>
    /// <param name="host">The address to bind and advertise (the nodes answer it there); 127.0.0.1 by default.</param>
    public static Config Client(string? extra = null, string host = DefaultHost) =>
        ConfigurationFactory.ParseString(extra ?? "")
            .WithFallback(ConfigurationFactory.ParseString($"akka.remote.dot-netty.tcp.hostname = {Quote(host)}"))
            .WithFallback(Load("client.conf"))
            .WithFallback(PoolSettings.DefaultConfig);

    /// <summary>One of the embedded hocon/ files.</summary>
    /// <param name="name">The file name, e.g. <c>node.conf</c>.</param>
    public static Config Load(string name)
    {
        using var stream = typeof(NodeConfig).Assembly.GetManifestResourceStream($"ActorPool.Node.hocon.{name}")
            ?? throw new InvalidOperationException($"hocon/{name} is not embedded in ActorPool.Node.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }

    /// <summary>The receptionist path of a node address, for <c>--contacts</c>.</summary>
    /// <param name="address">A node address such as <c>akka.tcp://actorpool@127.0.0.1:4053</c>.</param>
    public static string Receptionist(string address) => $"{address.TrimEnd('/')}/system/receptionist";

    private static string Quote(string value) => "\"" + value.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
