using System.CommandLine;
using ActorPool.Node.Hosting;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.Client;

namespace ActorPool.Node.Commands;

/// <summary><c>node</c>: joins or forms the cluster, hosts workers and a router, and leaves gracefully.</summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var port = CommonOptions.Port(0, "Port to listen on at 127.0.0.1 (seed nodes need a fixed one, e.g. 4053).");
        var seeds = CommonOptions.Seeds();
        var roles = new Option<string[]>("--roles")
        {
            Description = "Roles of this node, comma-separated; nodes with 'worker' host workers.",
            DefaultValueFactory = _ => ["worker"],
            CustomParser = result => result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
        };
        var workers = new Option<int>("--workers")
        {
            Description = "Workers a router starts on each worker node (max-nr-of-instances-per-node).",
            DefaultValueFactory = _ => 2,
        };
        workers.Validate(1, "workers per node");
        var functions = CommonOptions.Functions();
        var host = CommonOptions.Host();
        var command = new Command("node", "Run a cluster node: join (or, as the first seed, form) the cluster and host workers until SIGTERM or Ctrl+C.")
        {
            host, port, seeds, roles, workers, functions,
        };
        command.Validators.Add(result =>
        {
            if (AddressCheck.Problem("--seeds", result.GetValue(seeds) ?? [], result.GetValue(host)) is { } problem)
            {
                result.AddError(problem);
            }
        });
        command.SetAction((result, _) => RunAsync(result.GetValue(host)!, result.GetValue(port), result.GetValue(seeds) ?? [], result.GetValue(roles) ?? ["worker"],
            result.GetValue(workers), result.GetValue(functions)));
        return command;
    }

    private static async Task<int> RunAsync(string host, int port, string[] seeds, string[] roles, int workers, string[]? functions)
    {
        ActorSystem system;
        try
        {
            CommonOptions.LoadFunctions(functions);
            system = ActorSystem.Create(NodeConfig.SystemName, NodeConfig.Member(port, seeds, roles, workers, host: host));
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"node failed to start: {ex.GetBaseException().Message}");
            return 1;
        }

        using var signals = Shutdown.OnSignals(system);
        var cluster = Cluster.Get(system);
        if (seeds.Length == 0)
        {
            // No seeds: this node forms a cluster of its own.
            cluster.Join(cluster.SelfAddress);
        }

        system.ActorOf(Props.Create<MembershipLogger>(), "membership");
        var pool = Pool.Create(system, new PoolOptions { Processes = workers });
        ClusterClientReceptionist.Get(system).RegisterService(pool.Router);
        cluster.RegisterOnMemberUp(() =>
            Console.Error.WriteLine($"node up: {cluster.SelfAddress} roles [{string.Join(",", roles)}], router {pool.Router.Path.ToStringWithoutAddress()}, {PoolFunctions.List().Count} functions"));
        await system.WhenTerminated.ConfigureAwait(false);
        Console.Error.WriteLine("node stopped");
        return 0;
    }
}
