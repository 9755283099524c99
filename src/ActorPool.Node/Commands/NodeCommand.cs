using System.CommandLine;
using ActorPool.Node.Hosting;
using Akka.Actor;

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
            Description = "Workers this node starts and keeps for its life (with the worker role); every client's pool deals to them. Default: the processor count.",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        workers.Validate(1, "workers per node");
        var functions = CommonOptions.Functions();
        var host = CommonOptions.Host();
        var config = CommonOptions.Config();
        var command = new Command("node", "Run a cluster node: join (or, as the first seed, form) the cluster and host workers until SIGTERM or Ctrl+C.")
        {
            host, port, seeds, roles, workers, functions, config,
        };
        command.Validators.Add(result =>
        {
            if (AddressCheck.Problem("--seeds", result.GetValue(seeds) ?? [], result.GetValue(host)) is { } problem)
            {
                result.AddError(problem);
            }
        });
        command.SetAction((result, _) => RunAsync(result.GetValue(host)!, result.GetValue(port), result.GetValue(seeds) ?? [], result.GetValue(roles) ?? ["worker"],
            result.GetValue(workers), result.GetValue(functions), result.GetValue(config)));
        return command;
    }

    private static async Task<int> RunAsync(string host, int port, string[] seeds, string[] roles, int workers, string[]? functions, string? config)
    {
        PoolNode node;
        try
        {
            CommonOptions.LoadFunctions(functions);
            node = await PoolNode.StartAsync(new ClusterOptions
            {
                Host = host,
                Port = port,
                Seeds = seeds,
                Roles = roles,
                Workers = workers,
                // The --config file goes last, over everything, logging included.
                Config = NodeConfig.Logging("INFO") + "\n" + CommonOptions.ReadConfig(config),
            }).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // ActorPool's own exceptions say what to do; Akka's say it in their innermost one (a port in use, say).
            var cause = CommonOptions.Cause(ex);
            Console.Error.WriteLine($"node failed to start: {(cause is PoolException ? cause.Message : cause.GetBaseException().Message)}");
            return 1;
        }

        if (seeds.Length > 0 && seeds.All(seed => string.Equals(seed.TrimEnd('/'), node.Address, StringComparison.Ordinal)))
        {
            // Akka's first seed forms a new cluster when it cannot reach the other seeds; with no other seed listed it
            // never asks, so after a restart it would silently form an island that later nodes and clients join.
            Console.Error.WriteLine(
                $"WARNING: {node.Address} is the only seed node. Restarted after a crash it will form a new cluster of its own instead of rejoining this one. "
                + "Give every node the same list of two or more seeds: --seeds <this node>,<another node>,…");
        }

        using var signals = Shutdown.OnSignals(node.System);
        node.System.ActorOf(Props.Create<MembershipLogger>(), "membership");
        Console.Error.WriteLine(
            $"node up: {node.Address} roles [{string.Join(",", roles)}], {node.Workers} workers at /user/actorpool-workers, router {PoolNode.RouterPath}, {PoolFunctions.List().Count} functions");
        await node.WhenTerminated.ConfigureAwait(false);
        Console.Error.WriteLine("node stopped");
        return 0;
    }
}
