using Akka.Actor;
using Akka.Event;

namespace ActorPool.Node.Hosting;

/// <summary>
/// Akka's log, written to stderr: a node's and a client's stdout carry results only. Akka's remoting warnings carry
/// a whole exception with its stack (a node that died is "Disassociated" at a dozen frames of Akka's own code): the
/// messages are kept, since they say why (a TLS handshake refused, say), the stack frames dropped; at DEBUG every line
/// is kept.
/// </summary>
public sealed class StderrLogger : ReceiveActor
{
    /// <summary>Creates the logger; Akka starts it from <c>akka.loggers</c>.</summary>
    public StderrLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => Console.Error.WriteLine($"[{e.LogLevel().ToString().Replace("Level", "", StringComparison.Ordinal).ToUpperInvariant()}] {e.Timestamp:HH:mm:ss.fff} {e.LogSource}: {Text(e)}"));
    }

    private static string Text(LogEvent e)
    {
        var message = e.Message?.ToString() ?? "";
        if (e.LogLevel() == LogLevel.DebugLevel || !message.Contains('\n', StringComparison.Ordinal))
        {
            return message;
        }

        var lines = message.Split('\n').Select(line => line.TrimEnd('\r'))
            .Where(line => !line.TrimStart().StartsWith("at ", StringComparison.Ordinal) && !line.TrimStart().StartsWith("--- End of", StringComparison.Ordinal));
        return string.Join(Environment.NewLine, lines);
    }
}
