using System.CommandLine;
using ActorPool.Node.Bench;
using ActorPool.Node.Commands;
using ActorPool.Node.Demo;

// Help's usage lines name the program as it was run (RootCommand.ExecutableName): `actorpool` as the installed .NET
// tool, ActorPool.Node under `dotnet run`; so the description names none.
var root = new RootCommand("ActorPool: Python's multiprocessing.Pool on Akka.NET — the demo, a cluster node, a map client, cluster status and the benchmark.")
{
    DemoCommand.Create(),
    NodeCommand.Create(),
    MapCommand.Create(),
    StatusCommand.Create(),
    FunctionsCommand.Create(),
    BenchCommand.Create(),
};
var parse = root.Parse(args);
// Signals belong to the commands (a node leaves the cluster through CoordinatedShutdown); System.CommandLine's own
// handler would race Akka's and force an exit mid-leave.
var exit = await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
// Bad usage exits 2, so scripts can tell it from a failed run (1).
return parse.Errors.Count > 0 ? 2 : exit;
