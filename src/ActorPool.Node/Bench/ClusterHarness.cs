using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ActorPool.Node.Hosting;
using Akka.Actor;
using Akka.Cluster;

namespace ActorPool.Node.Bench;

/// <summary>
/// The actorpool-cluster engine: this process joins as a client member (no workers) and its pool's workers run
/// on another node process, one the bench starts on 127.0.0.1 and stops, or the nodes of --seeds.
/// </summary>
internal sealed class ClusterHarness : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process? _node;
    private readonly ActorSystem _system;

    private ClusterHarness(Process? node, ActorSystem system, Pool pool)
    {
        _node = node;
        _system = system;
        Pool = pool;
    }

    public Pool Pool { get; }

    /// <summary>
    /// A worker node other than this process: the one the bench started, or with --seeds the first worker member
    /// by address. The akka-floor-remote engine deploys its actor there, so it crosses the same hop as the workers.
    /// </summary>
    public Address WorkerNode => Cluster.Get(_system).State.Members
        .Where(m => m.Status == MemberStatus.Up && m.HasRole("worker") && m.Address != Cluster.Get(_system).SelfAddress)
        .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal)
        .Select(m => m.Address)
        .FirstOrDefault() ?? throw new InvalidOperationException("No worker node is up.");

    public static async Task<ClusterHarness> StartAsync(string[] seeds, int workersPerNode, CancellationToken cancellationToken)
    {
        Process? node = null;
        try
        {
            if (seeds.Length == 0)
            {
                var port = FreePort();
                var address = $"akka.tcp://{NodeConfig.SystemName}@127.0.0.1:{port}";
                node = await StartNodeAsync(port, address, workersPerNode, cancellationToken).ConfigureAwait(false);
                seeds = [address];
            }

            // A client member whose router deals to the workers the node owns (--workers).
            var pool = await Pool.ConnectAsync(new ClusterOptions { Seeds = seeds, Config = NodeConfig.Logging("WARNING") }, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            await pool.MapAsync(SampleFunctions.Square, [1L, 2L, 3L], cancellationToken: cancellationToken)
                .WaitAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
            return new ClusterHarness(node, pool.System, pool);
        }
        catch
        {
            Stop(node);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Pool.Terminate();
        await Pool.JoinAsync().ConfigureAwait(false);
        Stop(_node);
    }

    private static async Task<Process> StartNodeAsync(int port, string address, int workers, CancellationToken cancellationToken)
    {
        var (file, prefix) = SelfCommand();
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in prefix.Concat(["node", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seeds", address,
                     "--workers", workers.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a worker node process.");
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("node up:", StringComparison.Ordinal) == true)
            {
                up.TrySetResult();
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await up.Task.WaitAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Stop(process);
            throw;
        }

        Console.Error.WriteLine($"bench: worker node {address} is up (pid {process.Id})");
        return process;
    }

    /// <summary>How to run this executable again: its apphost, or <c>dotnet ActorPool.Node.dll</c>.</summary>
    private static (string File, string[] Prefix) SelfCommand()
    {
        var path = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? (path, [typeof(ClusterHarness).Assembly.Location])
            : (path, []);
    }

    /// <summary>Stops a node gracefully (SIGTERM: it leaves the cluster), and for good if it does not exit in time.</summary>
    private static void Stop(Process? process)
    {
        if (process is null || process.HasExited)
        {
            process?.Dispose();
            return;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
        {
            kill?.WaitForExit(5_000);
        }

        if (!process.WaitForExit(15_000))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
        }

        process.Dispose();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
