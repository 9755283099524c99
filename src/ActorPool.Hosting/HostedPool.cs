using Akka;
using Akka.Actor;
using Akka.Event;

namespace ActorPool.Hosting;

/// <summary>
/// The one pool of a hosted actor system, made once from its <see cref="HostedPoolSetup"/>, whoever asks first (the
/// start-up hook, the container resolving <see cref="Pool"/>, the health check), and closed and joined when the
/// system shuts down.
/// </summary>
internal sealed class HostedPool : IExtension
{
    /// <summary>The CoordinatedShutdown phase that waits for in-flight requests: the pool's outstanding work is one.</summary>
    private const string ClosePhase = "service-requests-done";

    private readonly ExtendedActorSystem _system;
    private readonly Lazy<Pool> _pool;
    private volatile bool _closing;

    public HostedPool(ExtendedActorSystem system)
    {
        _system = system;
        _pool = new Lazy<Pool>(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The pool, made now if nobody asked for it before.</summary>
    /// <exception cref="InvalidOperationException">The actor system was configured without <see cref="ActorPoolHostingExtensions.WithActorPool"/>.</exception>
    public Pool Pool => _pool.Value;

    /// <summary>Whether the pool has been made (a health check must not be what makes it).</summary>
    public bool Started => _pool.IsValueCreated;

    /// <summary>Whether the host is shutting down and the pool no longer takes work.</summary>
    public bool Closing => _closing;

    public static HostedPool For(ActorSystem system) => system.WithExtension<HostedPool, HostedPoolId>();

    private Pool Start()
    {
        var setup = _system.Settings.Setup.Get<HostedPoolSetup>();
        if (!setup.HasValue)
        {
            throw new InvalidOperationException(
                $"The actor system '{_system.Name}' has no pool: add one with services.AddActorPool(), or .WithActorPool() in your AddAkka(...) call.");
        }

        var pool = Pool.Create(_system, setup.Value.Options.ToPoolOptions());
        var shutdown = CoordinatedShutdown.Get(_system);
        var bound = shutdown.Timeout(ClosePhase);
        shutdown.AddTask(ClosePhase, "actorpool-close", () => CloseAsync(pool, bound));
        return pool;
    }

    /// <summary>
    /// Closes the pool and waits for its outstanding work, within most of the phase's timeout; work still running then
    /// is terminated, so stopping the host never waits for ever and the phase does not time out first.
    /// </summary>
    private async Task<Done> CloseAsync(Pool pool, TimeSpan phaseTimeout)
    {
        _closing = true;
        pool.Close();
        using var deadline = new CancellationTokenSource(phaseTimeout * 0.8);
        try
        {
            await pool.JoinAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            _system.Log.Warning("ActorPool: outstanding work did not finish within {0} of the host stopping; the pool is terminated.", phaseTimeout * 0.8);
            pool.Terminate();
        }

        return Done.Instance;
    }
}

/// <summary>Akka's key for <see cref="HostedPool"/>.</summary>
internal sealed class HostedPoolId : ExtensionIdProvider<HostedPool>
{
    public override HostedPool CreateExtension(ExtendedActorSystem system) => new(system);
}
