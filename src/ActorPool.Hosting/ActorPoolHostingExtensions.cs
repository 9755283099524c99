using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ActorPool.Hosting;

/// <summary>
/// ActorPool in a .NET host, through Akka.Hosting: <see cref="AddActorPool"/> for a <see cref="Pool"/> injected into
/// a worker service or an ASP.NET Core app, <see cref="WithActorPool"/> to add the pool to an actor system you
/// configure yourself with <c>AddAkka</c>.
/// </summary>
public static class ActorPoolHostingExtensions
{
    /// <summary>The name of the readiness health check, tagged <c>ready</c>.</summary>
    public const string HealthCheckName = "actorpool";

    /// <summary>Builders that already have a pool, with its setup: an actor system runs one hosted pool.</summary>
    private static readonly ConditionalWeakTable<AkkaConfigurationBuilder, HostedPoolSetup> WithPool = [];

    /// <summary>
    /// Adds a pool to the actor system: it is made once the system has started (or earlier, when a service that
    /// injects it is made), with <see cref="Pool.Create(ActorSystem, PoolOptions)"/>, so in a system that is a cluster
    /// member it deals to the workers of the nodes with the <c>worker</c> role, and otherwise runs
    /// <see cref="ActorPoolHostingOptions.Processes"/> workers in this process.
    /// </summary>
    /// <remarks>
    /// <para>
    /// ActorPool's HOCON defaults (<c>actorpool { … }</c>) go in as a fallback: set any key in your own HOCON. The
    /// pool's router is registered in the <see cref="ActorRegistry"/> under the key <see cref="Pool"/>. A readiness
    /// check named <see cref="HealthCheckName"/>, tagged <c>ready</c>, is healthy when the router deals to at least
    /// one worker (it reports once the host calls <c>services.AddHealthChecks()</c>, which
    /// <see cref="AddActorPool"/> does).
    /// </para>
    /// <para>
    /// When the host stops, CoordinatedShutdown's <c>service-requests-done</c> phase closes the pool and waits for its
    /// outstanding work for most of that phase's timeout (<c>akka.coordinated-shutdown.phases.service-requests-done.timeout</c>,
    /// 5 s unless set), then terminates what is left.
    /// </para>
    /// <para>To have the <see cref="Pool"/> injected as well, call <see cref="AddActorPool"/> after your <c>AddAkka</c>.</para>
    /// </remarks>
    /// <param name="builder">The builder of the actor system.</param>
    /// <param name="configure">Sets the pool's options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="InvalidOperationException">The builder already has a pool.</exception>
    public static AkkaConfigurationBuilder WithActorPool(this AkkaConfigurationBuilder builder, Action<ActorPoolHostingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ActorPoolHostingOptions();
        configure?.Invoke(options);
        var setup = new HostedPoolSetup(options.Copy());
        if (!WithPool.TryAdd(builder, setup))
        {
            throw new InvalidOperationException("This actor system already has a pool: a host runs one, shared by injecting Pool.");
        }

        return builder
            .AddHocon(PoolSettings.DefaultConfig, HoconAddMode.Append)
            .AddSetup(setup)
            .WithActors((system, registry) => registry.Register<Pool>(HostedPool.For(system).Pool.Router))
            .WithHealthCheck(HealthCheckName, new ActorPoolHealthCheck(), tags: ["ready", HealthCheckName]);
    }

    /// <summary>
    /// Adds a <see cref="Pool"/> to the services, as a singleton, configured from the <c>ActorPool</c> section of
    /// <c>IConfiguration</c> and then by <paramref name="configure"/>, with its readiness check
    /// (<see cref="WithActorPool"/>). The pool runs in the actor system of an earlier <c>AddAkka</c> call if there is
    /// one (one that already called <see cref="WithActorPool"/> keeps its own options), otherwise in an actor system
    /// of its own named <c>actorpool</c>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Sets the pool's options after the configuration section is bound.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddActorPool(this IServiceCollection services, Action<ActorPoolHostingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        void AddPool(AkkaConfigurationBuilder builder, IServiceProvider provider)
        {
            if (WithPool.TryGetValue(builder, out _))
            {
                return;
            }

            builder.WithActorPool(options =>
            {
                provider.GetService<IConfiguration>()?.GetSection(ActorPoolHostingOptions.SectionName).Bind(options);
                configure?.Invoke(options);
            });
        }

        // Akka.Hosting runs an AddAkka's configuration when the container first makes the builder: wrap that.
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(AkkaConfigurationBuilder) && !d.IsKeyedService);
        if (existing?.ImplementationFactory is { } factory)
        {
            services.Replace(ServiceDescriptor.Singleton(provider =>
            {
                var builder = (AkkaConfigurationBuilder)factory(provider);
                AddPool(builder, provider);
                return builder;
            }));
        }
        else
        {
            services.AddAkka("actorpool", AddPool);
        }

        services.TryAddSingleton(provider => HostedPool.For(provider.GetRequiredService<ActorSystem>()).Pool);
        services.AddHealthChecks();
        return services;
    }
}
