using ActorPool.Serialization;
using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>
/// A worker node's capacity: starts exactly its <c>Workers</c> workers when the node starts, at a well-known path
/// (<c>/user/actorpool-workers/w0</c>, <c>w1</c>, …), and keeps them for the node's life, whoever submits work.
/// Every router in the cluster asks it which workers it has and which functions they can run
/// (<see cref="ClusterWorkers"/>); none deploys workers of its own here, so a node's thread count is its worker
/// count however many clients come and go.
/// </summary>
internal sealed class WorkerHost : ReceiveActor
{
    /// <summary>The host's name under <c>/user</c> on every worker node.</summary>
    public const string Name = "actorpool-workers";

    private readonly IActorRef[] _workers;

    public WorkerHost(int workers)
    {
        _workers = Enumerable.Range(0, workers)
            .Select(i => Context.ActorOf(Props.Create(() => new Worker(new WorkerOptions(null, null))).WithDispatcher(PoolSettings.WorkerDispatcherPath), $"w{i}"))
            .ToArray();
        Receive<ListWorkers>(_ => Sender.Tell(new WorkersOf(_workers, FunctionRegistry.All.Select(f => f.Name).ToArray())));
    }
}

/// <summary>Router (through <see cref="ClusterWorkers"/>) to a node's <see cref="WorkerHost"/>: which workers do you have?</summary>
internal sealed class ListWorkers : IPoolMessage
{
    public static readonly ListWorkers Instance = new();

    private ListWorkers() { }
}

/// <summary>A node's workers and the functions registered there (what they can run).</summary>
internal sealed record WorkersOf(IReadOnlyList<IActorRef> Workers, IReadOnlyList<string> Functions) : IPoolMessage;
