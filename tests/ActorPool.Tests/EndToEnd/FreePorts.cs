using System.Net;
using System.Net.Sockets;

namespace ActorPool.Tests.EndToEnd;

/// <summary>Fixed ports for seed nodes, found free at test time.</summary>
internal static class FreePorts
{
    /// <summary>
    /// <paramref name="count"/> distinct ports free on 127.0.0.1 right now: each is bound to an ephemeral port by the
    /// operating system, read and released. All are held until every one is chosen, so none repeats.
    /// </summary>
    public static int[] Take(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
                listener.Dispose();
            }
        }
    }
}
