// A web app using the injected pool: an ASP.NET Core minimal API whose requests map on a pool the host owns.
// Run: dotnet run --project examples/WebApp -- --urls http://127.0.0.1:5080
//      curl 'http://127.0.0.1:5080/primes?below=100000'   and   curl http://127.0.0.1:5080/health/ready
using ActorPool;
using ActorPool.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);
// The pool, its actor system and a readiness check, configured from the "ActorPool" section of appsettings.json;
// code given here wins over it. The host starts the pool and closes it, letting calls finish, when it stops.
builder.Services.AddActorPool(options => options.TaskTimeout = TimeSpan.FromSeconds(30));
var app = builder.Build();

// Each request is one map over the pool's workers; a client that goes away cancels its map.
app.MapGet("/primes", async (int below, Pool pool, CancellationToken cancellationToken) =>
{
    if (below is < 2 or > 50_000_000)
    {
        return Results.BadRequest("below must be between 2 and 50,000,000");
    }

    const int BlockSize = 100_000;
    var blocks = Enumerable.Range(0, (below + BlockSize - 1) / BlockSize).Select(i => (i * BlockSize, Math.Min(below, (i + 1) * BlockSize)));
    var counts = await pool.StarMapAsync(Primes.CountIn, blocks, cancellationToken: cancellationToken);
    return Results.Ok(new { below, primes = counts.Sum(), workers = pool.Processes });
});

// Ready once the pool's router deals to at least one worker.
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

app.Run();

/// <summary>The work behind /primes.</summary>
public static class Primes
{
    /// <summary>Counts the primes in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    /// <param name="start">The first number to test.</param>
    /// <param name="end">One past the last number to test.</param>
    /// <returns>How many primes there are.</returns>
    [PoolFunction("count-primes")]
    public static int CountIn(int start, int end)
    {
        var count = 0;
        for (var n = Math.Max(start, 2); n < end; n++)
        {
            count += IsPrime(n) ? 1 : 0;
        }

        return count;
    }

    private static bool IsPrime(int n)
    {
        if (n % 2 == 0)
        {
            return n == 2;
        }

        for (var d = 3; (long)d * d <= n; d += 2)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        return true;
    }
}
