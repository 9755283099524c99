using Akka.Actor;
using Akka.Remote;

namespace ActorPool.Node.Bench;

/// <summary>
/// The <c>akka-floor-*</c> engines: bare Akka.NET round trips measured in the same run as ActorPool, so each
/// ActorPool latency can be read against what Akka itself costs on this machine at this moment. Each floor is an
/// <c>Ask</c> from the bench's thread to a <see cref="FloorActor"/> that answers x with x², driven by the very loops
/// of the apply-latency and apply-async scenarios (<see cref="Scenarios.ApplyLatencyWith"/>,
/// <see cref="Scenarios.ApplyAsyncWith"/>): same calls, same warm-up, same repeats, same percentiles.
/// </summary>
internal static class AkkaFloor
{
    /// <summary>In-process, to an actor on the default dispatcher: the cheapest Akka round trip there is.</summary>
    public const string DefaultEngine = "akka-floor-default";

    /// <summary>In-process, to an actor on ActorPool's own worker dispatcher (a PinnedDispatcher): what one worker hop costs.</summary>
    public const string PinnedEngine = "akka-floor-pinned";

    /// <summary>Over Akka.Remote on 127.0.0.1 to an actor on the worker node's worker dispatcher: what one remote worker hop costs.</summary>
    public const string RemoteEngine = "akka-floor-remote";

    /// <summary>Every Ask is bounded: Akka's default is to wait forever, and a bench must fail rather than hang.</summary>
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The in-process floors, in the local pool's own actor system: same configuration, same dispatchers (the
    /// worker dispatcher is read from <see cref="PoolSettings.WorkerDispatcherPath"/>, not copied), same process.
    /// </summary>
    public static void InProcess(Scenarios scenarios, ActorSystem system, Action<BenchResult> record)
    {
        Measure(scenarios, DefaultEngine, system, Props.Create<FloorActor>(), record);
        Measure(scenarios, PinnedEngine, system, Props.Create<FloorActor>().WithDispatcher(PoolSettings.WorkerDispatcherPath), record);
    }

    /// <summary>
    /// The remote floor: a <see cref="FloorActor"/> deployed from the bench's cluster client onto
    /// <paramref name="node"/> (a worker node, another process; it runs this same executable, so it has the type),
    /// on that node's worker dispatcher like ActorPool's remote workers. Messages are <c>long</c>s, which Akka.Remote
    /// serializes with its compact primitive serializer, as cheap on the wire as ActorPool's own binary one.
    /// Skipped with a warning if the node cannot host it (e.g. --seeds nodes that run another executable).
    /// </summary>
    public static void Remote(Scenarios scenarios, ActorSystem system, Address node, Action<BenchResult> record)
    {
        var props = Props.Create<FloorActor>()
            .WithDispatcher(PoolSettings.WorkerDispatcherPath)
            .WithDeploy(new Deploy(new RemoteScope(node)));
        Measure(scenarios, RemoteEngine, system, props, record);
    }

    private static void Measure(Scenarios scenarios, string engine, ActorSystem system, Props props, Action<BenchResult> record)
    {
        if (!scenarios.Wants("apply-latency") && !scenarios.Wants("apply-async"))
        {
            return;
        }

        var floor = system.ActorOf(props, $"{engine}-{Guid.NewGuid():N}");
        try
        {
            // One question first, which proves the actor is up where it should be: a remote deployment that failed
            // would otherwise only show as timeouts in the middle of a scenario.
            string where;
            try
            {
                where = floor.Ask<string>(FloorActor.Describe, AskTimeout).GetAwaiter().GetResult();
            }
            catch (AskTimeoutException ex) when (engine == RemoteEngine)
            {
                Console.Error.WriteLine($"bench: {engine} skipped: its actor deployed on {props.Deploy.Scope} did not answer ({ex.Message})");
                return;
            }

            if (engine == RemoteEngine)
            {
                if (floor is not RemoteActorRef)
                {
                    throw new InvalidOperationException($"{engine} must cross the network, but its actor is local: {where}");
                }

                var serializer = system.Serialization.FindSerializerForType(typeof(long)).GetType().Name;
                Console.Error.WriteLine($"bench: {engine}: {where}; long via {serializer}");
            }

            if (scenarios.Wants("apply-latency"))
            {
                record(scenarios.ApplyLatencyWith(engine, x => floor.Ask<long>(x, AskTimeout).GetAwaiter().GetResult()));
            }

            if (scenarios.Wants("apply-async"))
            {
                record(scenarios.ApplyAsyncWith(engine, x => floor.Ask<long>(x, AskTimeout)));
            }
        }
        finally
        {
            // A pinned actor holds a thread of its own until it stops: give it back before the next engine runs.
            try
            {
                floor.GracefulStop(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is TaskCanceledException or AskTimeoutException)
            {
                // The actor or its node is already gone; nothing left to stop.
            }
        }
    }
}

/// <summary>
/// The bare-Akka twin of a worker running <c>square</c>: answers a <c>long</c> x with x², and nothing more. Public
/// so a remote node can create it when the bench deploys it there.
/// </summary>
public sealed class FloorActor : UntypedActor
{
    /// <summary>Asks the actor where it runs: its path, dispatcher and thread.</summary>
    public const string Describe = "describe";

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case long x:
                Sender.Tell(x * x);
                break;
            case Describe:
                var address = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;
                Sender.Tell($"{Self.Path.ToStringWithAddress(address)} on dispatcher {Context.Props.Dispatcher}, thread '{Thread.CurrentThread.Name}'");
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
