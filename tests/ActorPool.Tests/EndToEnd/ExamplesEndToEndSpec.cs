using System.Globalization;
using System.Net;
using Xunit;
using Xunit.Abstractions;

namespace ActorPool.Tests.EndToEnd;

/// <summary>Every program in <c>examples/</c>, run as the README tells a newcomer to run it, from the build CI made.</summary>
[Collection(ProcessesCollection.Name)]
public sealed class ExamplesEndToEndSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task CpuBound_counts_the_primes_on_every_core_and_agrees_with_one_thread()
    {
        using var example = Run("CpuBound", ["300000"]);

        var code = await example.WaitForExitAsync(Bound);

        Expect.ExitCode(0, code, example);
        Assert.Contains("primes below 300,000: 25,997 (one thread found 25,997)", example.Stdout);
    }

    [Fact]
    public async Task FileProcessing_counts_every_file_and_reports_its_progress()
    {
        var folder = Directory.CreateTempSubdirectory("actorpool-example-").FullName;
        try
        {
            for (var i = 0; i < 30; i++)
            {
                // File i holds i + 1 lines of three words.
                File.WriteAllLines(Path.Combine(folder, $"{i:D2}.txt"), Enumerable.Repeat("one two three", i + 1));
            }

            using var example = Run("FileProcessing", [folder]);

            var code = await example.WaitForExitAsync(Bound);

            Expect.ExitCode(0, code, example);
            Assert.Contains("465 lines, 1,395 words", example.Stdout);
            Assert.Contains("  29.txt: 90 words", example.Stdout);
            Expect.StderrLine(example, "30/30 items (100%), 0 failed, 0 retried");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task WebApp_serves_maps_on_its_injected_pool_and_reports_ready()
    {
        var port = FreePorts.Take(1)[0];
        var site = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        using var app = Run("WebApp", ["--urls", site.ToString()]);
        using var http = new HttpClient { BaseAddress = site, Timeout = TimeSpan.FromSeconds(10) };

        await UntilReadyAsync(http, app);
        var longest = await http.GetStringAsync(new Uri("/collatz?below=1000000", UriKind.Relative));
        using var refused = await http.GetAsync(new Uri("/collatz?below=1", UriKind.Relative));

        output.WriteLine(longest);
        Assert.Equal("{\"below\":1000000,\"start\":837799,\"steps\":524,\"workers\":4}", longest);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        app.Terminate();
        Expect.ExitCode(0, await app.WaitForExitAsync(Bound), app);
    }

    [Fact]
    public async Task ClusterClient_joins_a_running_cluster_in_one_line_and_maps_on_its_node()
    {
        using var cluster = await TestCluster.StartAsync("example cluster", 1, output);
        using var example = Run("ClusterClient", [cluster.Seeds]);

        var code = await example.WaitForExitAsync(Bound);

        Expect.ExitCode(0, code, example);
        Assert.Contains("squares: [1, 4, 9, 16, 25, 36, 49, 64, 81, 100]", example.Stdout);
        var places = example.Stdout.Where(line => line.StartsWith("ran on ", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, places.Count);
        Assert.All(places, place => Assert.Contains(cluster.Addresses[0], place, StringComparison.Ordinal));
    }

    private static NodeProcess Run(string example, IReadOnlyList<string> arguments)
    {
        var assembly = Checkout.Example(example);
        return NodeProcess.StartProgram(example, NodeProcess.DotnetHost, [assembly, .. arguments], Path.GetDirectoryName(assembly)!);
    }

    /// <summary>Polls the readiness endpoint until it answers 200, at most <see cref="Bound"/>.</summary>
    private static async Task UntilReadyAsync(HttpClient http, NodeProcess app)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (true)
        {
            try
            {
                using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), bound.Token);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (!app.HasExited)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (bound.IsCancellationRequested)
            {
                throw new TimeoutException($"The web app was not ready within {Bound.TotalSeconds:0} s.{Environment.NewLine}{app.Describe()}");
            }

            Assert.False(app.HasExited, $"The web app exited before it was ready.{Environment.NewLine}{app.Describe()}");
            await Task.Delay(200, bound.Token);
        }
    }
}
