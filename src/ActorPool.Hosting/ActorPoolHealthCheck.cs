using ActorPool.Internal;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorPool.Hosting;

/// <summary>
/// Readiness: healthy when the pool's router answers and deals to at least one worker. A cluster member's pool has
/// none until a worker node has joined, so the app reports ready only once work can run.
/// </summary>
internal sealed class ActorPoolHealthCheck : IAkkaHealthCheck
{
    /// <summary>How long the router may take to answer: it answers from memory, so only a stuck system takes longer.</summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(AkkaHealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var hosted = HostedPool.For(context.ActorSystem);
        if (hosted.Closing)
        {
            return HealthCheckResult.Unhealthy("The pool is closing: the host is shutting down.");
        }

        if (!hosted.Started)
        {
            return HealthCheckResult.Unhealthy("The pool has not started yet.");
        }

        try
        {
            var count = await hosted.Pool.Router.Ask<WorkerCount>(CountWorkers.Instance, AnswerTimeout, cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object> { ["workers"] = count.Workers };
            return count.Workers > 0
                ? HealthCheckResult.Healthy($"The pool deals to {count.Workers} workers.", data)
                : HealthCheckResult.Unhealthy("The pool's router has no worker: no worker node has joined yet.", data: data);
        }
        catch (AskTimeoutException ex)
        {
            return HealthCheckResult.Unhealthy($"The pool's router did not answer within {AnswerTimeout.TotalSeconds:0} s.", ex);
        }
    }
}
