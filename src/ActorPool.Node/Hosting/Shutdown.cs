using System.Runtime.InteropServices;
using Akka.Actor;

namespace ActorPool.Node.Hosting;

/// <summary>SIGTERM and Ctrl+C leave the cluster gracefully through CoordinatedShutdown instead of vanishing.</summary>
internal static class Shutdown
{
    public static IDisposable OnSignals(ActorSystem system)
    {
        void Leave(PosixSignalContext context)
        {
            context.Cancel = true;
            Console.Error.WriteLine($"{context.Signal}: leaving the cluster");
            _ = CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
        }

        var registrations = new[]
        {
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Leave),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Leave),
        };
        return new Registrations(registrations);
    }

    /// <summary>SIGTERM and Ctrl+C cancel <paramref name="stop"/>, for commands that end by themselves once cancelled.</summary>
    public static IDisposable OnSignals(CancellationTokenSource stop)
    {
        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            Console.Error.WriteLine($"{context.Signal}: stopping");
            stop.Cancel();
        }

        return new Registrations(
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel),
        ]);
    }

    /// <summary>Leaves the cluster and waits, at most <paramref name="timeout"/>, for the system to stop.</summary>
    public static async Task LeaveAsync(ActorSystem system, TimeSpan timeout)
    {
        var done = CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
        await Task.WhenAny(done, Task.Delay(timeout)).ConfigureAwait(false);
    }

    private sealed class Registrations(PosixSignalRegistration[] registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }
        }
    }
}
