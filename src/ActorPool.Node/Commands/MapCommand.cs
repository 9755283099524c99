using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ActorPool.Node.Hosting;
using Akka.Actor;

namespace ActorPool.Node.Commands;

/// <summary>
/// <c>map</c>: submits one map to the cluster and writes the results, one per line and in input order, to stdout.
/// Items come one per line from stdin (comma-separated for functions of several parameters; a JSON value, or a
/// JSON array of the arguments, where a parameter is of a complex type) or from --range. Complex results are written
/// as one JSON value per line.
/// </summary>
internal static class MapCommand
{
    /// <summary>How long <c>--contacts</c> waits for a node's router to answer before it gives up, without sending any work.</summary>
    public static readonly TimeSpan ReachTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Where every <c>ActorPool.Node node</c> registers its router with the ClusterClient receptionist.</summary>
    private const string RouterPath = "/user/pool";

    public static Command Create()
    {
        var function = new Option<string>("--function") { Description = "Name of the pool function to run (see the 'functions' command).", Required = true };
        var seeds = CommonOptions.Seeds();
        var contacts = new Option<string[]>("--contacts")
        {
            Description = "Submit from outside the cluster through ClusterClient, via these nodes (addresses or receptionist paths), comma-separated.",
            CustomParser = result => result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
        };
        var range = new Option<string?>("--range") { Description = "Map the integers A, A+1, …, B-1 instead of reading stdin (like Python's range(A, B)), e.g. 0:100000." };
        var chunkSize = new Option<int>("--chunk-size") { Description = "Items per chunk.", DefaultValueFactory = _ => 64 };
        chunkSize.Validate(1, "items per chunk");
        var timeout = new Option<double?>("--timeout") { Description = "Fail a part of the map that takes longer than this many seconds (none by default)." };
        var functions = CommonOptions.Functions();
        var host = CommonOptions.Host();
        var config = CommonOptions.Config();
        var command = new Command("map", "Map a pool function over items on the cluster; results go to stdout one per line, in input order.")
        {
            function, seeds, contacts, range, chunkSize, timeout, functions, host, config,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(seeds) is { Length: > 0 }) == (result.GetValue(contacts) is { Length: > 0 }))
            {
                result.AddError("Give exactly one of --seeds (join the cluster as a client member) or --contacts (submit from outside through ClusterClient).");
            }

            var advertised = result.GetValue(host);
            if ((AddressCheck.Problem("--seeds", result.GetValue(seeds) ?? [], advertised)
                ?? AddressCheck.Problem("--contacts", result.GetValue(contacts) ?? [], advertised)) is { } problem)
            {
                result.AddError(problem);
            }
        });
        command.SetAction((result, cancellationToken) => RunAsync(new MapRequest(
            result.GetValue(function)!, result.GetValue(seeds) ?? [], result.GetValue(contacts) ?? [], result.GetValue(range),
            result.GetValue(chunkSize), result.GetValue(timeout), result.GetValue(functions), result.GetValue(host)!,
            result.GetValue(config)), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(MapRequest request, CancellationToken commandToken)
    {
        // Ctrl+C or SIGTERM stops the map (and the client leaves the cluster) instead of killing the process mid-write.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(commandToken);
        using var signals = Shutdown.OnSignals(stop);
        var cancellationToken = stop.Token;
        PoolFunctionInfo function;
        IEnumerable<object?> items;
        try
        {
            CommonOptions.LoadFunctions(request.Functions);
            function = PoolFunctions.List().FirstOrDefault(f => f.Name == request.Function)
                ?? throw new ArgumentException($"Unknown function '{request.Function}'. '{RootCommand.ExecutableName} functions' lists them; load yours with --functions my.dll.");
            items = request.Range is { } range ? Range(range) : Lines(Console.In, function.ParameterTypes);
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or BadImageFormatException)
        {
            Console.Error.WriteLine($"map: {ex.Message}");
            return 2;
        }

        ActorSystem? system = null;
        var clock = Stopwatch.StartNew();
        long count = 0;
        var output = new StreamWriter(Console.OpenStandardOutput(), bufferSize: 1 << 16) { AutoFlush = false };
        try
        {
            var options = new PoolOptions { TaskTimeout = request.Timeout is { } t ? TimeSpan.FromSeconds(t) : null };
            Pool pool;
            if (request.Seeds.Length > 0)
            {
                // A client member: its router deals to the workers the nodes own; the pool leaves the cluster when disposed.
                var config = NodeConfig.Logging("WARNING") + "\n" + CommonOptions.ReadConfig(request.Config);
                pool = await Pool.ConnectAsync(new ClusterOptions { Seeds = request.Seeds, Host = request.Host, Config = config }, options, cancellationToken)
                    .ConfigureAwait(false);
            }
            else
            {
                system = ActorSystem.Create(NodeConfig.SystemName, NodeConfig.Client(CommonOptions.ReadConfig(request.Config), request.Host));
                var receptionists = request.Contacts.Select(c => c.Contains("/system/", StringComparison.Ordinal) ? c : NodeConfig.Receptionist(c)).ToList();
                pool = Pool.ConnectViaClusterClient(system, receptionists, options, RouterPath);
                var serving = await ReachAsync(pool, system, receptionists, cancellationToken).ConfigureAwait(false);
                Console.Error.WriteLine($"map: calls go to the router on {serving}");
            }

            await using (pool.ConfigureAwait(false))
            {
                Console.Error.WriteLine($"map: running {function.Signature} on the cluster");
                await ProgressDisplay.RunAsync("map", stdoutViaConsole: false, async progress =>
                {
                    await foreach (var value in pool.Imap(function.Name, items, request.ChunkSize, progress, cancellationToken).ConfigureAwait(false))
                    {
                        await output.WriteLineAsync(JsonValues.Line(value)).ConfigureAwait(false);
                        count++;
                    }

                    return count;
                }).ConfigureAwait(false);
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            Console.Error.WriteLine($"map: {count:N0} results in {clock.Elapsed.TotalSeconds:0.00} s");
            return 0;
        }
        catch (Exception ex)
        {
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            Console.Error.WriteLine($"map failed after {count:N0} results: {Describe(ex)}");
            return 1;
        }
        finally
        {
            if (system is not null)
            {
                await Shutdown.LeaveAsync(system, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Checks, within <see cref="ReachTimeout"/>, that the router of some node answers through ClusterClient before any
    /// work is sent, and says which: the pool asks over the path its work takes (receptionist, then the router
    /// registered at <see cref="RouterPath"/> on the receptionist's node), and sends all its calls to the router that answers.
    /// </summary>
    private static async Task<Address> ReachAsync(Pool pool, ActorSystem system, IReadOnlyCollection<string> receptionists, CancellationToken cancellationToken)
    {
        try
        {
            return await pool.ServingNodeAsync(ReachTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AskTimeoutException or PoolWorkerLostException)
        {
            throw new InvalidOperationException(
                $"No node answered at {string.Join(", ", receptionists)} within {ReachTimeout.TotalSeconds:0} s "
                + $"(asked through ClusterClient for the router at {RouterPath}; this client is {Self(system)}). "
                + "Are the nodes running, and is each address spelled exactly as the node advertises it (its 'node up: …' line)?", ex);
        }
    }

    private static string Self(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString();

    private static IEnumerable<object?> Range(string range)
    {
        var parts = range.Split(':');
        if (parts.Length != 2 || !long.TryParse(parts[0], CultureInfo.InvariantCulture, out var start)
            || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var end) || end < start)
        {
            throw new ArgumentException($"--range takes A:B with integers A <= B, like 0:100000; got '{range}'.");
        }

        // A collection can say its length only up to int.MaxValue; a longer range streams without a known total.
        return (ulong)(end - start) <= int.MaxValue ? new LongRange(start, end) : Enumerate(start, end);
    }

    private static IEnumerable<object?> Enumerate(long start, long end)
    {
        for (var i = start; i < end; i++)
        {
            yield return i;
        }
    }

    /// <summary>A --range, read lazily; its length is known up front, so the progress shows a total.</summary>
    private sealed class LongRange(long start, long end) : IReadOnlyCollection<object?>
    {
        public int Count => (int)(end - start);

        public IEnumerator<object?> GetEnumerator() => Enumerate(start, end).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static IEnumerable<object?> Lines(TextReader input, IReadOnlyList<Type> parameters)
    {
        var number = 0;
        while (input.ReadLine() is { } line)
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return JsonValues.Item(line, parameters, number);
            }
        }
    }

    private static string Describe(Exception ex) => CommonOptions.Cause(ex) switch
    {
        PoolTaskException task => $"{task.Message}{Environment.NewLine}{task.RemoteStackTrace}",
        var cause => cause.Message,
    };

    private sealed record MapRequest(string Function, string[] Seeds, string[] Contacts, string? Range, int ChunkSize, double? Timeout, string[]? Functions, string Host, string? Config);
}
