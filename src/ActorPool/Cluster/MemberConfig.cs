using System.Globalization;
using Akka.Configuration;

namespace ActorPool.Internal;

/// <summary>
/// Builds a cluster member's whole configuration: the repository's <c>hocon/node.conf</c> (embedded in the
/// library), the <see cref="ClusterOptions"/>, then <see cref="ClusterOptions.Config"/> over everything.
/// ActorPool.Node, <see cref="PoolNode"/> and <see cref="Pool.ConnectAsync"/> all use this one builder.
/// </summary>
internal static class MemberConfig
{
    private static readonly Lazy<Config> Node = new(() => Embedded("node.conf"));

    /// <summary>The configuration of a member with <paramref name="defaultRoles"/> unless the options name roles.</summary>
    public static Config Build(ClusterOptions options, IReadOnlyList<string> defaultRoles)
    {
        var roles = options.Roles.Count > 0 ? options.Roles : defaultRoles;
        var overrides = $$"""
            akka.remote.dot-netty.tcp.hostname = {{Quote(options.Host)}}
            akka.remote.dot-netty.tcp.port = {{options.Port.ToString(CultureInfo.InvariantCulture)}}
            akka.cluster.seed-nodes = [{{string.Join(", ", options.Seeds.Select(Quote))}}]
            akka.cluster.roles = [{{string.Join(", ", roles.Select(Quote))}}]
            """;
        return ConfigurationFactory.ParseString(options.Config ?? "")
            .WithFallback(ConfigurationFactory.ParseString(overrides))
            .WithFallback(Node.Value)
            .WithFallback(PoolSettings.DefaultConfig);
    }

    private static Config Embedded(string name)
    {
        using var stream = typeof(MemberConfig).Assembly.GetManifestResourceStream($"ActorPool.hocon.{name}")
            ?? throw new InvalidOperationException($"hocon/{name} is not embedded in ActorPool.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
