// A cluster client in one line: join a running ActorPool cluster as a client member and map on its worker nodes.
// Start a node first (README, "Three nodes and a client"), then:
// Run: dotnet run --project examples/ClusterClient -- akka.tcp://actorpool@127.0.0.1:4053
using ActorPool;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: ClusterClient SEED [SEED…]   e.g. akka.tcp://actorpool@127.0.0.1:4053");
    return 2;
}

// The one line: joins through the seeds, waits for a worker node, and returns a pool over every node's workers.
await using var pool = await Pool.ConnectAsync(new ClusterOptions { Seeds = args });

// "square" and "where" are functions every `actorpool node` has built in; the nodes run them, this process only asks.
var squares = new List<long>();
await foreach (var square in pool.Imap("square", Enumerable.Range(1, 10).Select(i => (object?)(long)i)))
{
    squares.Add((long)square!);
}

Console.WriteLine($"squares: [{string.Join(", ", squares)}]");
await foreach (var place in pool.Imap("where", Enumerable.Range(0, 6).Select(i => (object?)i), chunkSize: 1))
{
    Console.WriteLine($"ran on {place}");
}

return 0;
