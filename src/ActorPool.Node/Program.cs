using System.CommandLine;
using ActorPool.Node.Bench;
using ActorPool.Node.Commands;
using ActorPool.Node.Demo;

var root = new RootCommand("ActorPool.Node: Python's multiprocessing.Pool on Akka.NET — the demo, a cluster node, a map client and the benchmark.")
{
    DemoCommand.Create(),
    NodeCommand.Create(),
    MapCommand.Create(),
    FunctionsCommand.Create(),
    BenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
