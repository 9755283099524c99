namespace ActorPool;

/// <summary>
/// How a process joins an ActorPool cluster, as a worker node (<see cref="PoolNode.StartAsync"/>) or as a client
/// member (<see cref="Pool.ConnectAsync"/>). The library builds the member's whole Akka configuration from these
/// (remoting, membership, failure detection, split-brain resolver, ActorPool's serializer); <see cref="Config"/>
/// adds HOCON on top.
/// </summary>
public sealed record ClusterOptions
{
    /// <summary>The address to bind and advertise; 127.0.0.1 by default. Every member must spell addresses alike: never mix <c>localhost</c> and 127.0.0.1.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port to listen on; 0 (the default) picks a free one. Seed nodes need a fixed one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Seed node addresses, e.g. <c>akka.tcp://actorpool@127.0.0.1:4053</c>. A node whose seeds are empty, or whose
    /// own address is the first seed, forms a new cluster when it cannot reach the others.
    /// </summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>The member's roles; empty for the default: <c>worker</c> for a node, <c>client</c> for a client.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Workers a node with the <c>worker</c> role starts and keeps for its life; its processor count by default.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>The actor system's name, part of every address; <c>actorpool</c> by default. Every member must use the same.</summary>
    public string SystemName { get; init; } = "actorpool";

    /// <summary>Assemblies (.dll paths) of <see cref="PoolFunctionAttribute"/> methods to load before joining.</summary>
    public IReadOnlyList<string> FunctionAssemblies { get; init; } = [];

    /// <summary>Further HOCON, applied over everything the library sets.</summary>
    public string? Config { get; init; }

    internal ClusterOptions Validated()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Host, nameof(Host));
        ArgumentException.ThrowIfNullOrWhiteSpace(SystemName, nameof(SystemName));
        ArgumentOutOfRangeException.ThrowIfNegative(Port, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfLessThan(Workers, 1, nameof(Workers));
        ArgumentNullException.ThrowIfNull(Seeds, nameof(Seeds));
        ArgumentNullException.ThrowIfNull(Roles, nameof(Roles));
        ArgumentNullException.ThrowIfNull(FunctionAssemblies, nameof(FunctionAssemblies));
        foreach (var seed in Seeds)
        {
            if (!Akka.Actor.Address.TryParse(seed, out var address) || address.Host is null)
            {
                throw new ArgumentException($"'{seed}' is not a node address such as akka.tcp://{SystemName}@127.0.0.1:4053.", nameof(Seeds));
            }

            if (address.System != SystemName)
            {
                throw new ArgumentException($"Seed {seed} names actor system '{address.System}', but this member's is '{SystemName}': every member must use the same.", nameof(Seeds));
            }

            if (IsLoopbackName(address.Host) != IsLoopbackName(Host) && IsLoopback(address.Host) && IsLoopback(Host))
            {
                throw new ArgumentException(
                    $"Seed {seed} uses '{address.Host}' while this member advertises {Host}. Akka compares addresses as strings, so the two never match: " +
                    "spell every address the same way (127.0.0.1 everywhere).", nameof(Seeds));
            }
        }

        return this;
    }

    private static bool IsLoopbackName(string host) => string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase);

    private static bool IsLoopback(string host) =>
        IsLoopbackName(host) || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
