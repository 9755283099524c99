using Akka.Actor;
using Akka.Event;

namespace ActorPool.Node.Hosting;

/// <summary>Akka's log, written to stderr: a node's and a client's stdout carry results only.</summary>
public sealed class StderrLogger : ReceiveActor
{
    /// <summary>Creates the logger; Akka starts it from <c>akka.loggers</c>.</summary>
    public StderrLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => Console.Error.WriteLine($"[{e.LogLevel().ToString().Replace("Level", "", StringComparison.Ordinal).ToUpperInvariant()}] {e.Timestamp:HH:mm:ss.fff} {e.LogSource}: {e.Message}"));
    }
}
