using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;

namespace ActorPool;

/// <summary>The <c>actorpool { … }</c> HOCON section, read once per actor system. Every key is documented in <c>actorpool.conf</c>.</summary>
internal sealed record PoolSettings
{
    /// <summary>The HOCON path of the dispatcher workers run on.</summary>
    public const string WorkerDispatcherPath = "actorpool.worker-dispatcher";

    /// <summary>The HOCON path of the dispatcher routers run on (<see cref="Internal.CallerRunsDispatcher"/>).</summary>
    public const string RouterDispatcherPath = "actorpool.router-dispatcher";

    /// <summary>Chunks the router keeps at one worker at a time (<c>chunks-in-flight-per-worker</c>).</summary>
    public int ChunksInFlightPerWorker { get; init; } = 2;

    /// <summary>How long a call waits with no worker at all before it fails (<c>no-workers-timeout</c>).</summary>
    public TimeSpan NoWorkersTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a cluster router looks for new routees (<c>routee-refresh-interval</c>).</summary>
    public TimeSpan RouteeRefreshInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest payload of one message to another node (<c>max-remote-payload-bytes</c>).</summary>
    public int MaxRemotePayloadBytes { get; init; } = 1_000_000;

    /// <summary>Calls of async functions one worker keeps running at once (<c>async-calls-per-worker</c>).</summary>
    public int AsyncCallsPerWorker { get; init; } = 100;

    /// <summary>Calls one pool facade keeps outstanding before a submitter waits (<c>max-outstanding-calls</c>).</summary>
    public int MaxOutstandingCalls { get; init; } = 10_000;

    /// <summary>Whether routers publish a <see cref="ChunkEvent"/> per chunk on the event stream (<c>publish-chunk-events</c>).</summary>
    public bool PublishChunkEvents { get; init; }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ActorSystem, PoolSettings> PerSystem = new();

    /// <summary>ActorPool's embedded defaults.</summary>
    public static Config DefaultConfig { get; } = LoadDefaultConfig();

    /// <summary>Reads the settings from a system's configuration, falling back to the defaults.</summary>
    /// <param name="system">The actor system whose configuration holds an <c>actorpool</c> section.</param>
    public static PoolSettings Create(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Create(system.Settings.Config);
    }

    /// <summary>The system's settings, read once: actors on hot paths ask for them per message.</summary>
    internal static PoolSettings Of(ActorSystem system) => PerSystem.GetValue(system, Create);

    /// <summary>Reads the settings from a configuration, falling back to the defaults.</summary>
    /// <param name="config">A configuration that may hold an <c>actorpool</c> section.</param>
    public static PoolSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.WithFallback(DefaultConfig).GetConfig("actorpool");
        var settings = new PoolSettings
        {
            ChunksInFlightPerWorker = section.GetInt("chunks-in-flight-per-worker"),
            NoWorkersTimeout = section.GetTimeSpan("no-workers-timeout"),
            RouteeRefreshInterval = section.GetTimeSpan("routee-refresh-interval"),
            MaxRemotePayloadBytes = section.GetInt("max-remote-payload-bytes"),
            AsyncCallsPerWorker = section.GetInt("async-calls-per-worker"),
            MaxOutstandingCalls = section.GetInt("max-outstanding-calls"),
            PublishChunkEvents = section.GetBoolean("publish-chunk-events"),
        };
        if (settings.ChunksInFlightPerWorker < 1)
        {
            throw new ConfigurationException("actorpool.chunks-in-flight-per-worker must be at least 1.");
        }

        if (settings.AsyncCallsPerWorker < 1)
        {
            throw new ConfigurationException("actorpool.async-calls-per-worker must be at least 1.");
        }

        if (settings.MaxOutstandingCalls < 1)
        {
            throw new ConfigurationException("actorpool.max-outstanding-calls must be at least 1.");
        }

        return settings;
    }

    private static Config LoadDefaultConfig()
    {
        using var stream = typeof(PoolSettings).Assembly.GetManifestResourceStream("ActorPool.Configuration.actorpool.conf")
            ?? throw new InvalidOperationException("ActorPool's embedded actorpool.conf is missing.");
        using var reader = new StreamReader(stream);
        // ClusterClient wraps requests in pub-sub messages whose serializer bindings live in Akka.Cluster.Tools'
        // own config, which a client outside the cluster never loads: without them they would go as JSON.
        return ConfigurationFactory.ParseString(reader.ReadToEnd())
            .WithFallback(DistributedPubSub.DefaultConfig())
            .WithFallback(ClusterClientReceptionist.DefaultConfig());
    }
}
