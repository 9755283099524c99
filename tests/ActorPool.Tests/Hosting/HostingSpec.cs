using System.Diagnostics;
using ActorPool.Hosting;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ActorPool.Tests.Hosting;

/// <summary>A real generic Host, started and stopped, with the pool injected as a worker service or a web app gets it.</summary>
public sealed class HostingSpec
{
    private static readonly int[] Items = Enumerable.Range(1, 20).ToArray();
    private static readonly int[] Squares = Items.Select(x => x * x).ToArray();

    [Fact]
    public async Task AddActorPool_injects_a_pool_configured_from_the_ActorPool_section_that_is_ready_and_closed_with_the_host()
    {
        var builder = NewHostBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ActorPool:Processes"] = "2" });
        builder.Services.AddActorPool();
        using var host = builder.Build();

        await host.StartAsync().Within();
        var pool = host.Services.GetRequiredService<Pool>();
        try
        {
            Assert.Equal(2, pool.Processes);
            Assert.Equal(Squares, await pool.MapAsync(TestJobs.Square, Items).Within());

            var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready")).Within();
            var entry = report.Entries[ActorPoolHostingExtensions.HealthCheckName];
            Assert.Equal(HealthStatus.Healthy, entry.Status);
            Assert.Equal(2, entry.Data["workers"]);
        }
        finally
        {
            await StopWithinBound(host);
        }

        // Stopping the host closed and joined the pool: it takes no more work.
        await Assert.ThrowsAsync<PoolClosedException>(() => pool.MapAsync(TestJobs.Square, Items));
    }

    [Fact]
    public async Task WithActorPool_adds_the_pool_to_the_users_own_actor_system_with_its_options_and_HOCON()
    {
        var builder = NewHostBuilder();
        // The configuration section loses to the options of WithActorPool, which the user's AddAkka set.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ActorPool:Processes"] = "2" });
        builder.Services.AddAkka("my-app", akka => akka
            .AddHocon("actorpool.chunks-in-flight-per-worker = 3", HoconAddMode.Prepend)
            .WithActorPool(options => options.Processes = 3));
        builder.Services.AddActorPool();
        using var host = builder.Build();

        // A service made before the host starts (a BackgroundService's constructor) gets the same pool.
        var early = host.Services.GetRequiredService<Pool>();
        await host.StartAsync().Within();
        try
        {
            var pool = host.Services.GetRequiredService<Pool>();
            Assert.Same(early, pool);
            Assert.Same(host.Services.GetRequiredService<ActorSystem>(), pool.System);
            Assert.Equal("my-app", pool.System.Name);
            Assert.Equal(3, pool.Processes);
            Assert.Equal(pool.Router, host.Services.GetRequiredService<ActorRegistry>().Get<Pool>());

            // The user's key stands; ActorPool's defaults fill the rest of the section (the workers' dispatcher too).
            Assert.Equal(3, pool.System.Settings.Config.GetInt("actorpool.chunks-in-flight-per-worker"));
            Assert.Equal(10_000, pool.System.Settings.Config.GetInt("actorpool.max-outstanding-calls"));
            Assert.Equal(Squares, await pool.MapAsync(TestJobs.Square, Items).Within());

            var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync().Within();
            Assert.Equal(HealthStatus.Healthy, report.Entries[ActorPoolHostingExtensions.HealthCheckName].Status);
        }
        finally
        {
            await StopWithinBound(host);
        }
    }

    [Fact]
    public async Task Stopping_the_host_terminates_work_that_outlasts_the_shutdown_phase()
    {
        var builder = NewHostBuilder();
        // The worker's thread stays inside the call, so its actor stops only when the call returns: Akka's own
        // actor-system-terminate phase waits for it (10 s unless set), whatever the pool does.
        builder.Services.AddAkka("stuck", akka => akka
            .AddHocon("""
                akka.coordinated-shutdown.phases.service-requests-done.timeout = 2s
                akka.coordinated-shutdown.phases.actor-system-terminate.timeout = 2s
                """, HoconAddMode.Prepend)
            .WithActorPool(options => options.Processes = 1));
        builder.Services.AddActorPool();
        using var host = builder.Build();
        await host.StartAsync().Within();
        var pool = host.Services.GetRequiredService<Pool>();
        var stuck = pool.ApplyAsync(TestJobs.Sleep, 15_000);
        await Task.Delay(200);

        var stopping = Stopwatch.StartNew();
        var stopped = StopWithinBound(host);

        // Closed at once, terminated at 80 % of the 2 s phase: long before the call would have returned.
        await Assert.ThrowsAsync<PoolClosedException>(() => stuck.Within());
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"The stuck call failed only after {stopping.Elapsed}.");
        await stopped;
    }

    [Fact]
    public void WithActorPool_refuses_a_second_pool_in_one_actor_system()
    {
        var services = new ServiceCollection();
        services.AddAkka("twice", akka => akka.WithActorPool().WithActorPool());
        using var provider = services.BuildServiceProvider();

        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<AkkaConfigurationBuilder>());
    }

    private static HostApplicationBuilder NewHostBuilder()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        return builder;
    }

    private static async Task StopWithinBound(IHost host)
    {
        using var timeout = new CancellationTokenSource(Bounds.Call);
        await host.StopAsync(timeout.Token).Within();
    }
}
