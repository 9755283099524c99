using System.CommandLine;
using System.Diagnostics;
using ActorPool.Node.Commands;

namespace ActorPool.Node.Demo;

/// <summary>
/// <c>demo</c>: the five examples of the Python multiprocessing tutorial, run on an embedded pool and printing
/// the lines the Python versions print.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var sleep = new Option<int>("--sleep-ms")
        {
            Description = "How long each demo task sleeps, in milliseconds (the tutorial's time.sleep(2)).",
            DefaultValueFactory = _ => 2000,
        };
        sleep.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--sleep-ms must be 0 or more.");
            }
        });
        var command = new Command("demo", "Run the Python tutorial's five examples on an in-process pool (no cluster needed).") { sleep };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(sleep), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(int sleepMs, CancellationToken cancellationToken)
    {
        DemoJobs.SleepMs = sleepMs;
        static void Title(string title) => Console.WriteLine($"{Environment.NewLine}== {title} ==");
        static string Show(IEnumerable<int> values) => $"[{string.Join(", ", values)}]";

        Title("Process: five workers");
        var processes = Enumerable.Range(0, 5).Select(i => ActorProcess.Create(DemoJobs.Worker, i)).ToList();
        processes.ForEach(p => p.Start());
        foreach (var process in processes)
        {
            await process.JoinAsync(cancellationToken);
        }

        Console.WriteLine("All workers finished");

        Title("Pool(4).map: ten squares that take a while each");
        var clock = Stopwatch.StartNew();
        await using (var pool = Pool.Create(processes: 4))
        {
            // The long map shows its progress on stderr (a live bar in a terminal); stdout keeps the lines Python prints.
            var results = await ProgressDisplay.RunAsync("map", stdoutViaConsole: true,
                progress => Task.Run(() => pool.Map(DemoJobs.SlowSquare, Enumerable.Range(0, 10), progress: progress), cancellationToken));
            Console.WriteLine($"Results: {Show(results)}");
        }

        Console.WriteLine($"(10 tasks of {sleepMs} ms on 4 workers took {clock.Elapsed.TotalSeconds:0.0} s; one after another they would take {10 * sleepMs / 1000.0:0.0} s)");

        await using (var pool = Pool.Create(processes: 4))
        {
            Title("apply and apply_async");
            Console.WriteLine($"Synchronous Result: {pool.Apply(DemoJobs.Square, 10)}");
            await pool.ApplyAsync(DemoJobs.Square, 20, callback: result => Console.WriteLine($"Result: {result}"),
                cancellationToken: cancellationToken);

            Title("map and map_async");
            Console.WriteLine($"Synchronous Results: {Show(pool.Map(DemoJobs.Square, Enumerable.Range(0, 10)))}");
            await pool.MapAsync(DemoJobs.Square, Enumerable.Range(0, 10), callback: results => Console.WriteLine($"Results: {Show(results)}"),
                cancellationToken: cancellationToken);

            Title("starmap and starmap_async");
            var pairs = new[] { (1, 2), (3, 4), (5, 6) };
            Console.WriteLine($"Synchronous Results: {Show(pool.StarMap(DemoJobs.Multiply, pairs))}");
            await pool.StarMapAsync(DemoJobs.Multiply, pairs, callback: results => Console.WriteLine($"Results: {Show(results)}"),
                cancellationToken: cancellationToken);
        }

        return 0;
    }
}
