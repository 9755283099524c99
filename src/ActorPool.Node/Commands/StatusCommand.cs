using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ActorPool.Internal;
using ActorPool.Node.Hosting;
using Akka.Actor;
using Akka.Cluster;

namespace ActorPool.Node.Commands;

/// <summary>
/// <c>status</c>: joins the cluster for a moment as a client member (no workers), and prints every other member —
/// address, status, roles, reachability — with, for each worker node, its workers, how many are busy now and the tasks
/// they have completed since the node started; as a table, or with <c>--json</c> as one JSON document. The status
/// client itself is left out: it is a member only while it asks, and leaves before it exits.
/// </summary>
internal static class StatusCommand
{
    /// <summary>How long the client waits for the members it sees to finish joining before it reports what it has.</summary>
    public static readonly TimeSpan SettleBound = TimeSpan.FromSeconds(5);

    /// <summary>How long a worker node's host has to answer; one that does not is reported as such, not as a failure.</summary>
    public static readonly TimeSpan AskBound = TimeSpan.FromSeconds(3);

    private static readonly HostAnswer NoAnswer = new(null);

    public static Command Create()
    {
        var seeds = CommonOptions.Seeds();
        seeds.Required = true;
        var json = new Option<bool>("--json") { Description = "Print one JSON document ({\"members\": […]}) instead of a table." };
        var host = CommonOptions.Host();
        var config = CommonOptions.Config();
        var command = new Command("status", "Show the cluster's members, their reachability, and each worker node's workers, busy workers and tasks completed.")
        {
            seeds, json, host, config,
        };
        command.Validators.Add(result =>
        {
            if (AddressCheck.Problem("--seeds", result.GetValue(seeds) ?? [], result.GetValue(host)) is { } problem)
            {
                result.AddError(problem);
            }
        });
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(seeds) ?? [], result.GetValue(json), result.GetValue(host)!, result.GetValue(config), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string[] seeds, bool json, string host, string? configPath, CancellationToken commandToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(commandToken);
        using var signals = Shutdown.OnSignals(stop);
        var cancellationToken = stop.Token;
        // The same client member `map --seeds` joins as (role `client`, no workers), without a pool: it only asks.
        ActorSystem? system = null;
        try
        {
            var options = new ClusterOptions
            {
                Seeds = seeds,
                Host = host,
                Config = NodeConfig.Logging("WARNING") + "\n" + CommonOptions.ReadConfig(configPath),
            }.Validated();
            system = ActorSystem.Create(options.SystemName, MemberConfig.Build(options, ["client"]));
            await ClusterMembership.JoinAsync(system, options, cancellationToken).ConfigureAwait(false);
            var cluster = Akka.Cluster.Cluster.Get(system);
            var state = await SettledAsync(cluster, cancellationToken).ConfigureAwait(false);
            var members = state.Members.Where(m => m.Address != cluster.SelfAddress).ToList();
            var hosts = await Task.WhenAll(members.Select(m => AskAsync(system, m))).ConfigureAwait(false);
            var rows = members.Select((m, i) => new MemberRow(m, !state.Unreachable.Contains(m), hosts[i])).ToList();
            Console.Out.Write(json ? Json(rows) : Table(rows));
            await Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"status failed: {CommonOptions.Cause(ex).Message}");
            return 1;
        }
        finally
        {
            if (system is not null)
            {
                await ClusterMembership.LeaveAsync(system).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The cluster's state once no member is still joining (or after <see cref="SettleBound"/>, as it is then): a
    /// member that joined a moment ago shows as Up, not as a passing Joining.
    /// </summary>
    private static async Task<ClusterEvent.CurrentClusterState> SettledAsync(Akka.Cluster.Cluster cluster, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + SettleBound;
        while (DateTime.UtcNow < deadline
            && cluster.State.Members.Any(m => m.Status is MemberStatus.Joining or MemberStatus.WeaklyUp))
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        return cluster.State;
    }

    /// <summary>A worker node's host status; null for a member without the worker role, <see cref="NoAnswer"/> when it does not answer in time.</summary>
    private static async Task<HostAnswer?> AskAsync(ActorSystem system, Member member)
    {
        if (!member.HasRole(Pool.WorkerRole))
        {
            return null;
        }

        var path = new RootActorPath(member.Address) / "user" / WorkerHost.Name;
        try
        {
            return new HostAnswer(await system.ActorSelection(path).Ask<HostStatus>(HostStatusRequest.Instance, AskBound).ConfigureAwait(false));
        }
        catch (AskTimeoutException)
        {
            return NoAnswer;
        }
    }

    private static string Table(IReadOnlyList<MemberRow> rows)
    {
        string[] header = ["ADDRESS", "STATUS", "ROLES", "REACHABLE", "WORKERS", "BUSY", "TASKS"];
        var cells = rows.Select(r => new[]
        {
            r.Member.Address.ToString(),
            r.Member.Status.ToString(),
            string.Join(",", Roles(r.Member)),
            r.Reachable ? "yes" : "NO",
            Count(r.Host, s => s.Workers),
            Count(r.Host, s => s.Busy),
            Count(r.Host, s => s.TasksCompleted),
        }).ToList();
        var widths = header.Select((h, c) => cells.Select(row => row[c].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        foreach (var row in cells.Prepend(header))
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c >= 4 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd());
        }

        if (rows.Count == 0)
        {
            text.AppendLine("(no members besides this status client)");
        }

        if (rows.Any(r => r.Host is { Status: null }))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"?: the node's worker host did not answer within {AskBound.TotalSeconds:0} s.");
        }

        return text.ToString();

        // '-': not a worker node; '?': a worker node that did not answer.
        static string Count(HostAnswer? host, Func<HostStatus, long> value) => host switch
        {
            null => "-",
            { Status: null } => "?",
            { Status: { } status } => value(status).ToString("N0", CultureInfo.InvariantCulture),
        };
    }

    private static string Json(IReadOnlyList<MemberRow> rows)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("members");
            foreach (var row in rows)
            {
                writer.WriteStartObject();
                writer.WriteString("address", row.Member.Address.ToString());
                writer.WriteString("status", row.Member.Status.ToString());
                writer.WriteStartArray("roles");
                foreach (var role in Roles(row.Member))
                {
                    writer.WriteStringValue(role);
                }

                writer.WriteEndArray();
                writer.WriteBoolean("reachable", row.Reachable);
                // Worker nodes only: whether the host answered, and, when it did, its counts.
                if (row.Host is { } host)
                {
                    writer.WriteBoolean("answered", host.Status is not null);
                    if (host.Status is { } status)
                    {
                        writer.WriteNumber("workers", status.Workers);
                        writer.WriteNumber("busy", status.Busy);
                        writer.WriteNumber("tasksCompleted", status.TasksCompleted);
                        writer.WriteNumber("workersAbandoned", status.WorkersAbandoned);
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + Environment.NewLine;
    }

    // Akka adds a data-centre role (dc-default) to every member; it says nothing here.
    private static IEnumerable<string> Roles(Member member) =>
        member.Roles.Where(r => !r.StartsWith("dc-", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    /// <summary>A worker node's answer: <see cref="Status"/> is null when it did not answer in time.</summary>
    private sealed record HostAnswer(HostStatus? Status);

    private sealed record MemberRow(Member Member, bool Reachable, HostAnswer? Host);
}
