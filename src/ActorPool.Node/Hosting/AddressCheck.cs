using System.Net;
using Akka.Actor;

namespace ActorPool.Node.Hosting;

/// <summary>
/// Checks the cluster addresses given on the command line before anything connects. Akka compares addresses as
/// strings: a message for <c>akka.tcp://actorpool@localhost:4053</c> is dropped by a node that advertises
/// <c>akka.tcp://actorpool@127.0.0.1:4053</c>, so mixing the two spellings waits forever instead of failing.
/// </summary>
internal static class AddressCheck
{
    /// <summary>
    /// The usage error for the first of <paramref name="addresses"/> that is no Akka address, or that spells the loopback
    /// host differently from <paramref name="host"/> (one says <c>localhost</c>, the other a loopback IP such as
    /// 127.0.0.1); null when all are fine.
    /// </summary>
    /// <param name="option">The option the addresses came from, e.g. <c>--seeds</c>, for the message.</param>
    /// <param name="addresses">Node addresses (<c>akka.tcp://actorpool@127.0.0.1:4053</c>) or actor paths on nodes.</param>
    /// <param name="host">
    /// The address this process binds and advertises (<c>--host</c>); null means the default, 127.0.0.1 (a command's
    /// validators run before System.CommandLine fills in the options' default values).
    /// </param>
    public static string? Problem(string option, IEnumerable<string> addresses, string? host)
    {
        host ??= NodeConfig.DefaultHost;
        foreach (var text in addresses)
        {
            if (!ActorPath.TryParseAddress(text, out var address) || string.IsNullOrEmpty(address.Host) || address.Port is null)
            {
                return $"{option}: '{text}' is not a node address such as akka.tcp://{NodeConfig.SystemName}@{NodeConfig.DefaultHost}:4053.";
            }

            if (SpelledDifferently(address.Host, host, out var ip))
            {
                return $"{option}: {text} uses '{address.Host}' while this process binds and advertises {host} (--host). "
                    + $"Akka compares addresses as strings, so '{address.Host}' never matches '{host}' and nothing would ever connect: "
                    + $"every node and client must use the same spelling ({ip} everywhere, in --host, --seeds and --contacts).";
            }
        }

        return null;
    }

    /// <summary>One of the two is <c>localhost</c> and the other a loopback IP: the same machine, spelled two ways.</summary>
    private static bool SpelledDifferently(string a, string b, out string ip)
    {
        ip = IsLocalhost(a) ? b : a;
        return IsLocalhost(a) != IsLocalhost(b) && IsLoopbackIp(ip);
    }

    private static bool IsLocalhost(string host) => string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase);

    private static bool IsLoopbackIp(string host) => IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
}
