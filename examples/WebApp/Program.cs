// A web app using the injected pool: an ASP.NET Core minimal API whose requests map on a pool the host owns.
// Run: dotnet run --project examples/WebApp -- --urls http://127.0.0.1:5080
//      curl 'http://127.0.0.1:5080/collatz?below=1000000'   and   curl http://127.0.0.1:5080/health/ready
using ActorPool;
using ActorPool.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);
// The pool, its actor system and a readiness check, configured from the "ActorPool" section of appsettings.json;
// code given here wins over it. The host starts the pool and closes it, letting calls finish, when it stops.
builder.Services.AddActorPool(options => options.TaskTimeout = TimeSpan.FromSeconds(30));
var app = builder.Build();

// Each request is one map over the pool's workers; a client that goes away cancels its map.
app.MapGet("/collatz", async (int below, Pool pool, CancellationToken cancellationToken) =>
{
    if (below is < 2 or > 10_000_000)
    {
        return Results.BadRequest("below must be between 2 and 10,000,000");
    }

    const int BlockSize = 100_000;
    var blocks = Enumerable.Range(0, (below + BlockSize - 1) / BlockSize).Select(i => (Math.Max(1, i * BlockSize), Math.Min(below, (i + 1) * BlockSize)));
    var longest = (await pool.StarMapAsync(Collatz.LongestIn, blocks, cancellationToken: cancellationToken)).MaxBy(chain => chain.Steps)!;
    return Results.Ok(new { below, longest.Start, longest.Steps, workers = pool.Processes });
});

// Ready once the pool's router deals to at least one worker.
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

app.Run();

/// <summary>The work behind /collatz: the longest Collatz chain starting in a block of numbers.</summary>
public static class Collatz
{
    /// <summary>The start in [<paramref name="start"/>, <paramref name="end"/>) whose chain to 1 is longest.</summary>
    /// <param name="start">The first start to try (1 or more).</param>
    /// <param name="end">One past the last start to try.</param>
    /// <returns>That start and its number of steps.</returns>
    [PoolFunction("collatz-longest")]
    public static Chain LongestIn(int start, int end)
    {
        var longest = new Chain(start, 0);
        for (var n = start; n < end; n++)
        {
            var steps = 0;
            for (var x = (long)n; x != 1; x = x % 2 == 0 ? x / 2 : (3 * x) + 1)
            {
                steps++;
            }

            if (steps > longest.Steps)
            {
                longest = new Chain(n, steps);
            }
        }

        return longest;
    }
}

/// <summary>A Collatz chain: where it starts and how many steps it takes to reach 1.</summary>
/// <param name="Start">The first number.</param>
/// <param name="Steps">Steps to 1.</param>
public sealed record Chain(int Start, int Steps);
