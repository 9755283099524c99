using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ActorPool.Internal;
using ActorPool.Node.Hosting;
using ActorPool.Tests.Cluster;
using Akka.Actor;
using Akka.Event;
using Xunit;
using Xunit.Abstractions;

namespace ActorPool.Tests.EndToEnd;

/// <summary>
/// The soak: three real nodes, every one a seed, and a client member in this process that runs maps back to back for
/// <c>ACTORPOOL_SOAK_MINUTES</c> while nodes 1 and 2 are killed (SIGKILL) and restarted in turn every few seconds.
/// Nothing may be lost or duplicated — every result exact and in order — and node 0, never restarted, must stay flat
/// after warm-up: its RSS and its live actors. Minutes long, so <see cref="SoakFactAttribute"/> skips it unless asked.
/// test.runsettings ends a test session after 20 minutes and stops a test that runs 5, so a soak needs more, e.g.
/// <c>ACTORPOOL_SOAK_MINUTES=10 dotnet test --filter FullyQualifiedName~SoakEndToEndSpec --blame-hang --blame-hang-timeout 60m -- RunConfiguration.TestSessionTimeout=4000000</c>.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed partial class SoakEndToEndSpec(ITestOutputHelper output)
{
    private const int Nodes = 3;
    private const int WorkersPerNode = 2;
    private const int Items = 2_000;
    private const int ChunkSize = 10;
    private const int AppliesPerMap = 4;

    /// <summary>Past this many failures the soak stops early: something is broken, and more of it only floods the log.</summary>
    private const int MaxFailures = 50;

    /// <summary>Actors counted at one path at most: far above what a node runs, so a leak shows as growth, not a ceiling.</summary>
    private const int ActorCap = 10_000;

    /// <summary>Live actors a sample may count above the warm-up sample: requests in flight come and go.</summary>
    private const int ActorSlack = 10;

    private const double RssFactor = 1.5;
    private const long RssAllowanceKb = 100 * 1024;

    /// <summary>
    /// The client logs warnings only, and to no console: every restart makes a few (associations failing, addresses
    /// quarantined), which the summary counts and quotes instead (<see cref="WatchClientWarnings"/>).
    /// </summary>
    private const string ClientConfig = """
        akka.loglevel = WARNING
        akka.loggers = []
        """;

    private static readonly string[] NodeOptions = ["--workers", WorkersPerNode.ToString(CultureInfo.InvariantCulture)];

    /// <summary>Nodes 1 and 2 take turns being killed and restarted; node 0 stays, so its process can be measured.</summary>
    private static readonly int[] Victims = [1, 2];

    /// <summary>
    /// A kill comes at least this long after the previous one, and never before the restarted node is Up. On one machine
    /// Up comes about 12 s after the kill (the new incarnation's first join is refused while the old one is removed, and
    /// Akka tries again after <c>retry-unsuccessful-join-after</c>, 10 s), so that sets the pace.
    /// </summary>
    private static readonly TimeSpan RestartEvery = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A map takes about a second; one that lost a chunk on a killed node waits for the failure detector and the
    /// split-brain resolver (about 10 s) before the chunk is sent again. 90 s is far beyond either.
    /// </summary>
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(90);

    /// <summary>How long a cancelled call may take to end before the test calls it hung.</summary>
    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(10);

    /// <summary>Joining, finding workers and leaving.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>No Identify answer for this long over loopback means there are no more.</summary>
    private static readonly TimeSpan IdentifyQuiet = TimeSpan.FromSeconds(1);

    private readonly Stopwatch _run = new();
    private readonly ConcurrentQueue<Failure> _failures = new();
    private readonly ConcurrentQueue<Restart> _restarts = new();
    private readonly ConcurrentQueue<Sample> _samples = new();
    private readonly ConcurrentQueue<string> _clientWarnings = new();
    private readonly Dictionary<string, long> _itemsByNode = new(StringComparer.Ordinal);
    private int _maps;
    private long _items;
    private int _applies;
    private TimeSpan _slowestMap;

    [SoakFact]
    public async Task Three_nodes_restarted_in_turn_every_few_seconds_lose_and_duplicate_nothing_and_node_0_stays_flat()
    {
        var length = TimeSpan.FromMinutes(SoakFactAttribute.Minutes ?? throw new InvalidOperationException($"{SoakFactAttribute.Variable} is not set."));
        var warmUp = length / 3 < TimeSpan.FromMinutes(2) ? length / 3 : TimeSpan.FromMinutes(2);
        using var cluster = await TestCluster.StartEverySeedAsync("soak", Nodes, output, NodeOptions);
        Pool pool;
        using (var joining = new CancellationTokenSource(Bound))
        {
            pool = await Pool.ConnectAsync(new ClusterOptions { Seeds = [.. cluster.Addresses], Config = ClientConfig }, null, joining.Token);
        }

        using var stop = new CancellationTokenSource();
        try
        {
            WatchClientWarnings(pool.System);
            await UntilWorkersAsync(pool, Nodes * WorkersPerNode, cluster);
            output.WriteLine($"soak of {length.TotalMinutes:0.#} min, warm-up {warmUp.TotalSeconds:0} s: maps of {Items} items in chunks of {ChunkSize} " +
                $"(where and sleep in turn) with {AppliesPerMap} apply calls beside each; nodes {string.Join(" and ", Victims)} killed and restarted in turn");

            _run.Start();
            stop.CancelAfter(length);
            // Each loop's waits are bounded: a map and its calls by CallBound and CancelGrace, a restart by the Up bound.
            await Task.WhenAll(
                UntilStoppedAsync(() => WorkAsync(pool, stop.Token), stop),
                UntilStoppedAsync(() => RestartAsync(cluster, stop.Token), stop),
                UntilStoppedAsync(() => SampleAsync(cluster, pool, stop.Token), stop)).WaitAsync(length + CallBound + Bound);

            _samples.Enqueue(await SampleNode0Async(cluster, pool, "end"));
            output.WriteLine(Describe(_samples.Last()));
            Summarize(cluster, warmUp);

            // Every node is back: the client deals to all six workers again, and a last map runs on all three nodes.
            await UntilWorkersAsync(pool, Nodes * WorkersPerNode, cluster);
            var last = await pool.MapAsync(SampleFunctions.Where, Enumerable.Range(0, Items), ChunkSize).WaitAsync(CallBound);
            var lastWrong = CheckWhere(last);
            var lastNodes = last.Select(r => r.Split(' ', 2)[0].Split('@', 2)[^1]).ToHashSet(StringComparer.Ordinal);

            Assert.True(_failures.IsEmpty, $"{_failures.Count} of {_maps} maps and {_applies} apply calls failed or were not exact:{Environment.NewLine}" +
                string.Join(Environment.NewLine, _failures.Take(30)));
            Assert.Null(lastWrong);
            Assert.True(lastNodes.SetEquals(cluster.Addresses), $"The last map ran on [{string.Join(", ", lastNodes)}] only.");
            Assert.True(_maps > 0 && !_restarts.IsEmpty, $"{_maps} maps and {_restarts.Count} restarts: the soak did nothing.");
            AssertFlat(warmUp);
        }
        finally
        {
            // Should the soak end early, its loops stop too before the nodes are killed.
            await stop.CancelAsync();
            await ClusterClients.LeaveAsync([pool]);
        }
    }

    /// <summary>
    /// Maps back to back until stopped, each with a few apply calls beside it, every one bounded. No failure is expected
    /// at all: node 0 is always up and a killed node's chunks are sent again, so any exception — even
    /// <see cref="PoolWorkerLostException"/> — is recorded as a failure, with its message.
    /// </summary>
    private async Task WorkAsync(Pool pool, CancellationToken stop)
    {
        var range = Enumerable.Range(0, Items).ToArray();
        // 1-4 ms each, about a second of work for six workers: most kills land mid-map. The period (4) does not divide
        // the chunk size (10), so a chunk's results in another chunk's place would not match.
        var sleeps = range.Select(i => 1 + (i % 4)).ToArray();
        while (!stop.IsCancellationRequested)
        {
            var map = _maps + 1;
            var where = map % 2 == 1;
            var clock = Stopwatch.StartNew();
            using var bound = new CancellationTokenSource(CallBound);
            var firstApply = (long)map * AppliesPerMap;
            var applies = Enumerable.Range(0, AppliesPerMap)
                .Select(i => pool.ApplyAsync(SampleFunctions.Square, firstApply + i, cancellationToken: bound.Token)).ToArray();
            var what = $"map {map} ({(where ? "where" : "sleep")})";
            try
            {
                var wrong = where
                    ? CheckWhere(await pool.MapAsync(SampleFunctions.Where, range, ChunkSize, cancellationToken: bound.Token).WaitAsync(CallBound + CancelGrace, CancellationToken.None))
                    : CheckSleeps(sleeps, await pool.MapAsync(SampleFunctions.Sleep, sleeps, ChunkSize, cancellationToken: bound.Token).WaitAsync(CallBound + CancelGrace, CancellationToken.None));
                if (wrong is not null)
                {
                    Fail(what, clock, wrong);
                }
            }
            catch (Exception ex)
            {
                Fail(what, clock, Explain(ex, bound));
            }

            for (var i = 0; i < applies.Length; i++)
            {
                var x = firstApply + i;
                try
                {
                    var square = await applies[i].WaitAsync(CallBound + CancelGrace, CancellationToken.None);
                    if (square != x * x)
                    {
                        Fail($"apply {x} beside {what}", clock, $"returned {square}, expected {x * x}");
                    }
                }
                catch (Exception ex)
                {
                    Fail($"apply {x} beside {what}", clock, Explain(ex, bound));
                }
            }

            if (_failures.Count >= MaxFailures)
            {
                throw new InvalidOperationException($"{_failures.Count} failures in {map} maps: the soak stops early.{Environment.NewLine}" +
                    string.Join(Environment.NewLine, _failures.Take(30)));
            }

            _maps = map;
            _items += Items;
            _applies += AppliesPerMap;
            _slowestMap = clock.Elapsed > _slowestMap ? clock.Elapsed : _slowestMap;
        }
    }

    /// <summary>Kills nodes 1 and 2 in turn and starts each again with the same command, waiting (bounded) for it to be Up.</summary>
    private async Task RestartAsync(TestCluster cluster, CancellationToken stop)
    {
        var sinceKill = Stopwatch.StartNew();
        for (var turn = 0; ; turn++)
        {
            if (!await PauseAsync(RestartEvery - sinceKill.Elapsed, stop))
            {
                return;
            }

            var index = Victims[turn % Victims.Length];
            var at = _run.Elapsed;
            sinceKill.Restart();
            var node = cluster.Restart(index, NodeOptions);
            await TestCluster.WaitUpAsync(node, cluster.Addresses[index]);
            var restart = new Restart(index, at, sinceKill.Elapsed);
            _restarts.Enqueue(restart);
            output.WriteLine($"{at.TotalSeconds,6:0.0} s  restart {_restarts.Count}: node {index} killed and started again, Up {restart.UpAfter.TotalSeconds:0.0} s later");
        }
    }

    /// <summary>Measures node 0 every <see cref="SampleEvery"/> until stopped.</summary>
    private async Task SampleAsync(TestCluster cluster, Pool pool, CancellationToken stop)
    {
        while (true)
        {
            var sample = await SampleNode0Async(cluster, pool, $"{_run.Elapsed.TotalSeconds:0} s");
            _samples.Enqueue(sample);
            output.WriteLine(Describe(sample));
            if (!await PauseAsync(SampleEvery * _samples.Count - _run.Elapsed, stop))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Node 0's RSS and threads (<c>/proc/PID/status</c>), the actors that answer Identify under its <c>/user/*</c>,
    /// its router's <c>/user/pool/*</c> and its workers' <c>/user/actorpool-workers/*</c> (asked from the client), and the
    /// client's own actors under <c>/user/*/*</c> (its router's children: requests in flight).
    /// </summary>
    private async Task<Sample> SampleNode0Async(TestCluster cluster, Pool pool, string label)
    {
        var elapsed = _run.Elapsed;
        var status = File.ReadAllLines($"/proc/{cluster.Nodes[0].Id.ToString(CultureInfo.InvariantCulture)}/status");
        var address = cluster.Addresses[0];
        var user = await LiveActors.CountAsync(pool.System, $"{address}/user/*", IdentifyQuiet, ActorCap);
        var router = await LiveActors.CountAsync(pool.System, $"{address}{PoolNode.RouterPath}/*", IdentifyQuiet, ActorCap);
        var workers = await LiveActors.CountAsync(pool.System, $"{address}/user/{WorkerHost.Name}/*", IdentifyQuiet, ActorCap);
        var client = await LiveActors.CountAsync(pool.System, "/user/*/*", IdentifyQuiet, ActorCap);
        return new Sample(label, elapsed, Field(status, "VmRSS:"), (int)Field(status, "Threads:"), user, router, workers, client,
            _maps, _items, _restarts.Count, _failures.Count);
    }

    private static string Describe(Sample s) =>
        $"{s.Elapsed.TotalSeconds,6:0.0} s  sample {s.Label}: node 0 RSS {s.RssKb / 1024.0:0.0} MB, {s.Threads} threads, actors /user/* {s.UserActors}, " +
        $"/user/pool/* {s.RouterActors}, /user/{WorkerHost.Name}/* {s.WorkerActors}; client /user/*/* {s.ClientActors}; " +
        $"so far {s.Maps} maps, {s.Items} items, {s.Restarts} restarts, {s.Failures} failures";

    /// <summary>After warm-up node 0 is flat: the last RSS samples within bounds of the warm-up sample, and no more live actors.</summary>
    private void AssertFlat(TimeSpan warmUp)
    {
        var samples = _samples.ToList();
        var warm = samples.First(s => s.Elapsed >= warmUp);
        var after = samples.Where(s => s.Elapsed > warm.Elapsed).ToList();
        Assert.True(after.Count >= 2, $"Only {after.Count} samples after the warm-up sample at {warm.Elapsed.TotalSeconds:0} s: run the soak longer.");
        var rssLimitKb = Math.Max((long)(warm.RssKb * RssFactor), warm.RssKb + RssAllowanceKb);
        foreach (var s in after.TakeLast(3))
        {
            Assert.True(s.RssKb <= rssLimitKb,
                $"Node 0's RSS grew to {s.RssKb / 1024.0:0.0} MB at {s.Elapsed.TotalSeconds:0} s, from {warm.RssKb / 1024.0:0.0} MB after warm-up (limit {rssLimitKb / 1024.0:0.0} MB).");
        }

        foreach (var s in after)
        {
            Assert.True(s.NodeActors <= warm.NodeActors + ActorSlack,
                $"Node 0 had {s.NodeActors} live actors at {s.Elapsed.TotalSeconds:0} s, {warm.NodeActors} after warm-up.{Environment.NewLine}{Describe(s)}");
            Assert.True(s.ClientActors <= warm.ClientActors + ActorSlack,
                $"The client had {s.ClientActors} live actors under /user/*/* at {s.Elapsed.TotalSeconds:0} s, {warm.ClientActors} after warm-up.{Environment.NewLine}{Describe(s)}");
        }
    }

    /// <summary>The figures, for the log: work done, restarts, where items ran, warnings seen.</summary>
    private void Summarize(TestCluster cluster, TimeSpan warmUp)
    {
        var ups = _restarts.Select(r => r.UpAfter.TotalSeconds).Order().ToList();
        output.WriteLine($"soak done: {_maps} maps, {_items} items, {_applies} apply calls in {_run.Elapsed.TotalMinutes:0.0} min; slowest map {_slowestMap.TotalSeconds:0.0} s; " +
            $"{_failures.Count} failures");
        if (ups.Count > 0)
        {
            output.WriteLine($"{ups.Count} restarts ({string.Join(", ", Victims.Select(v => $"node {v}: {_restarts.Count(r => r.Node == v)}"))}); " +
                $"Up again after min {ups[0]:0.0} s, median {ups[ups.Count / 2]:0.0} s, max {ups[^1]:0.0} s");
        }

        lock (_itemsByNode)
        {
            output.WriteLine($"items of 'where' maps by node: {string.Join(", ", cluster.Addresses.Select((a, i) => $"node {i} {_itemsByNode.GetValueOrDefault(a)}"))}");
        }

        output.WriteLine($"warm-up: first {warmUp.TotalSeconds:0} s; node 0 samples (RSS MB / threads / node actors / client actors): " +
            string.Join(", ", _samples.Select(s => $"{s.Label} {s.RssKb / 1024.0:0} / {s.Threads} / {s.NodeActors} / {s.ClientActors}")));
        var nodeWarnings = cluster.Nodes[0].Stderr.Where(l => l.StartsWith("[WARNING]", StringComparison.Ordinal) || l.StartsWith("[ERROR]", StringComparison.Ordinal)).ToList();
        output.WriteLine($"node 0 logged {nodeWarnings.Count} warnings and errors, by kind:");
        foreach (var kind in Kinds(nodeWarnings))
        {
            output.WriteLine(kind);
        }

        output.WriteLine($"the client logged {_clientWarnings.Count} warnings and errors, by kind:");
        foreach (var kind in Kinds(_clientWarnings))
        {
            output.WriteLine(kind);
        }

        var events = cluster.Nodes[0].Stderr.Where(l => l.StartsWith("[cluster] ", StringComparison.Ordinal)).Select(l => l.Split(':', 2)[0]);
        output.WriteLine($"node 0 saw: {string.Join(", ", events.GroupBy(e => e, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key["[cluster] ".Length..]}"))}");

        foreach (var failure in _failures.Take(30))
        {
            output.WriteLine($"  failure: {failure}");
        }
    }

    /// <summary>Log lines counted by kind: the first line of each with its time, addresses and numbers blanked, cut short.</summary>
    private static IEnumerable<string> Kinds(IEnumerable<string> lines) => lines
        .Select(line => Variable().Replace(line.Split('\n', 2)[0], "#"))
        .Select(kind => kind.Length > 200 ? kind[..200] + "…" : kind)
        .GroupBy(kind => kind, StringComparer.Ordinal)
        .OrderByDescending(g => g.Count())
        .Select(g => $"  {g.Count(),5} × {g.Key}");

    [GeneratedRegex(@"akka(\.tcp)?://\S+|[0-9]+([:.][0-9]+)*")]
    private static partial Regex Variable();

    /// <summary>
    /// Null when <c>where</c> over 0..n-1 came back exact: one result per item, in order, each naming one of the nodes
    /// and a worker; otherwise the first thing wrong. Counts where the items ran.
    /// </summary>
    private string? CheckWhere(IReadOnlyList<string> results)
    {
        if (results.Count != Items)
        {
            return $"{results.Count} results for {Items} items";
        }

        var byNode = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < results.Count; i++)
        {
            // "x@NODE NODE/wK#n"
            var parts = results[i].Split(' ', 2);
            var item = parts[0].Split('@', 2);
            if (parts.Length != 2 || item.Length != 2 || item[0] != i.ToString(CultureInfo.InvariantCulture) || !parts[1].StartsWith(item[1] + "/w", StringComparison.Ordinal))
            {
                return $"result {i} is '{results[i]}'";
            }

            byNode[item[1]] = byNode.GetValueOrDefault(item[1]) + 1;
        }

        lock (_itemsByNode)
        {
            foreach (var (node, count) in byNode)
            {
                _itemsByNode[node] = _itemsByNode.GetValueOrDefault(node) + count;
            }
        }

        return null;
    }

    /// <summary>Null when <c>sleep</c> came back exact (it returns its input); otherwise the first result that is not its item's.</summary>
    private static string? CheckSleeps(int[] sleeps, IReadOnlyList<int> results)
    {
        if (results.Count != sleeps.Length)
        {
            return $"{results.Count} results for {sleeps.Length} items";
        }

        var first = Enumerable.Range(0, sleeps.Length).FirstOrDefault(i => results[i] != sleeps[i], -1);
        return first < 0 ? null : $"result {first} is {results[first]}, expected {sleeps[first]}";
    }

    private void Fail(string what, Stopwatch clock, string why)
    {
        var failure = new Failure(_run.Elapsed, what, clock.Elapsed, why);
        _failures.Enqueue(failure);
        output.WriteLine($"{_run.Elapsed.TotalSeconds,6:0.0} s  FAILED {failure}");
    }

    private static string Explain(Exception ex, CancellationTokenSource bound) => ex switch
    {
        OperationCanceledException when bound.IsCancellationRequested => $"no answer within {CallBound.TotalSeconds:0} s (cancelled then)",
        TimeoutException => $"did not end within {CancelGrace.TotalSeconds:0} s of being cancelled at {CallBound.TotalSeconds:0} s",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    /// <summary>Runs one of the soak's loops; if it throws (a node that would not come back up), the others stop too.</summary>
    private static async Task UntilStoppedAsync(Func<Task> loop, CancellationTokenSource stop)
    {
        try
        {
            await loop();
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
    }

    /// <summary>Waits <paramref name="delay"/> (none if it is not positive); false once the soak is stopped.</summary>
    private static async Task<bool> PauseAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, stop);
            return !stop.IsCancellationRequested;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits, within <see cref="Bound"/>, until the client's router deals to <paramref name="workers"/> workers.</summary>
    private static async Task UntilWorkersAsync(Pool pool, int workers, TestCluster cluster)
    {
        var clock = Stopwatch.StartNew();
        var known = 0;
        while ((known = await SafelyCountWorkersAsync(pool)) != workers)
        {
            if (clock.Elapsed > Bound)
            {
                Assert.Fail($"The client's router knew {known} workers, not {workers}, after {Bound.TotalSeconds:0} s.{Environment.NewLine}{cluster.Describe()}");
            }

            await Task.Delay(200);
        }
    }

    private static async Task<int> SafelyCountWorkersAsync(Pool pool)
    {
        try
        {
            return await ClusterClients.WorkersOf(pool);
        }
        catch (AskTimeoutException)
        {
            return -1;
        }
    }

    /// <summary>The client's own warnings and errors, for the summary: it logs at WARNING to a logger nobody reads.</summary>
    private void WatchClientWarnings(ActorSystem system)
    {
        var lines = _clientWarnings;
        var watcher = system.ActorOf(Props.Create(() => new WarningWatcher(lines)), "soak-warnings");
        system.EventStream.Subscribe(watcher, typeof(Warning));
        system.EventStream.Subscribe(watcher, typeof(Error));
    }

    /// <summary>A number from a <c>/proc/PID/status</c> line such as <c>VmRSS:   123456 kB</c>.</summary>
    private static long Field(string[] status, string name)
    {
        var line = status.First(l => l.StartsWith(name, StringComparison.Ordinal));
        return long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private sealed record Failure(TimeSpan At, string What, TimeSpan After, string Why)
    {
        public override string ToString() => $"{What} at {At.TotalSeconds:0.0} s, {After.TotalSeconds:0.0} s in: {Why}";
    }

    private sealed record Restart(int Node, TimeSpan At, TimeSpan UpAfter);

    private sealed record Sample(string Label, TimeSpan Elapsed, long RssKb, int Threads, int UserActors, int RouterActors, int WorkerActors, int ClientActors,
        int Maps, long Items, int Restarts, int Failures)
    {
        public int NodeActors => UserActors + RouterActors + WorkerActors;
    }

    private sealed class WarningWatcher : ReceiveActor
    {
        public WarningWatcher(ConcurrentQueue<string> lines) =>
            Receive<LogEvent>(e => lines.Enqueue($"client [{e.LogLevel()}] {e.LogSource}: {e.Message}"));
    }
}
