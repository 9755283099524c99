using System.Globalization;
using Spectre.Console;

namespace ActorPool.Node.Commands;

/// <summary>
/// Shows a long call's <see cref="PoolProgress"/> on stderr: a live bar, redrawn in place, when stderr is an
/// interactive terminal that nothing else writes to meanwhile; otherwise (a log file, a CI job, results scrolling
/// on the same terminal) a plain line every <see cref="PlainInterval"/> and one at the end.
/// </summary>
internal static class ProgressDisplay
{
    /// <summary>How often a plain progress line is written: often enough to see a job move, rarely enough for a log.</summary>
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(1);

    /// <summary>How soon a line the work writes to stdout appears above a live bar.</summary>
    private static readonly TimeSpan PrintInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Runs <paramref name="work"/>, showing the progress it reports under <paramref name="label"/>.</summary>
    /// <param name="label">Names the job, e.g. <c>map</c>.</param>
    /// <param name="stdoutViaConsole">
    /// Whatever the work writes to stdout goes through <see cref="Console.Out"/>, so on a shared terminal the live bar
    /// can print it above itself; false when stdout is written by other means, and then a bar is drawn only when
    /// stdout is not the terminal.
    /// </param>
    /// <param name="work">The call, given the progress to report to.</param>
    public static async Task<T> RunAsync<T>(string label, bool stdoutViaConsole, Func<IProgress<PoolProgress>, Task<T>> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var live = !Console.IsErrorRedirected && (stdoutViaConsole || Console.IsOutputRedirected)
            && console.Profile.Capabilities is { Interactive: true, Ansi: true };
        return live ? await LiveAsync(console, label, work).ConfigureAwait(false) : await PlainAsync(label, work).ConfigureAwait(false);
    }

    private static Task<T> LiveAsync<T>(IAnsiConsole console, string label, Func<IProgress<PoolProgress>, Task<T>> work) =>
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(label, maxValue: 1);
                task.IsIndeterminate = true;
                // Lines for a stdout that is this terminal too are printed above the bar, not through it.
                var stdout = Console.Out;
                var above = Console.IsOutputRedirected ? null : new LinesAbove();
                if (above is not null)
                {
                    Console.SetOut(above);
                }

                try
                {
                    var running = work(new Reports(report => Show(task, label, report)));
                    while (await Task.WhenAny(running, Task.Delay(PrintInterval)).ConfigureAwait(false) != running)
                    {
                        above?.PrintTo(console);
                    }

                    var result = await running.ConfigureAwait(false);
                    task.Value = task.MaxValue;
                    task.StopTask();
                    return result;
                }
                finally
                {
                    Console.SetOut(stdout);
                    above?.PrintTo(console, last: true);
                }
            });

    private static void Show(ProgressTask task, string label, PoolProgress report)
    {
        if (report.Total is { } total)
        {
            task.IsIndeterminate = false;
            task.MaxValue = Math.Max(1, total);
        }

        task.Value = report.Done;
        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {report.Done:N0}{(report.Total is { } all ? $"/{all:N0}" : "")} items, {report.Failed:N0} failed, {report.Retried:N0} retried"));
    }

    private static async Task<T> PlainAsync<T>(string label, Func<IProgress<PoolProgress>, Task<T>> work)
    {
        PoolProgress? last = null;
        TimeSpan? written = null;
        var result = await work(new Reports(report =>
        {
            last = report;
            if (written is null || report.Elapsed - written >= PlainInterval)
            {
                written = report.Elapsed;
                Console.Error.WriteLine($"{label}: {report}");
            }
        })).ConfigureAwait(false);
        if (last is not null && last.Elapsed != written)
        {
            Console.Error.WriteLine($"{label}: {last}");
        }

        return result;
    }

    /// <summary>
    /// Hands each report on at once, on the reporting thread. (<see cref="Progress{T}"/> would post each to the thread
    /// pool with no order between them; the pool already reports one at a time and off its own threads.)
    /// </summary>
    private sealed class Reports(Action<PoolProgress> report) : IProgress<PoolProgress>
    {
        public void Report(PoolProgress value) => report(value);
    }

    /// <summary>
    /// A stdout for the time a live bar is drawn on the same terminal: it keeps each line for <see cref="PrintTo"/> to
    /// print above the bar. It must not print them itself: the writer calling it holds the lock of
    /// <see cref="Console.Out"/>, which the bar's own redraw takes too (to read the window's size), so printing from
    /// here would deadlock the two.
    /// </summary>
    private sealed class LinesAbove : TextWriter
    {
        private readonly System.Text.StringBuilder _line = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_line)
            {
                if (value == '\n')
                {
                    _lines.Enqueue(_line.ToString().TrimEnd('\r'));
                    _line.Clear();
                }
                else
                {
                    _line.Append(value);
                }
            }
        }

        /// <summary>Prints the lines written so far above the bar; the <paramref name="last"/> time, a line not yet ended too.</summary>
        public void PrintTo(IAnsiConsole console, bool last = false)
        {
            while (_lines.TryDequeue(out var line))
            {
                console.WriteLine(line);
            }

            string? unfinished = null;
            lock (_line)
            {
                if (last && _line.Length > 0)
                {
                    unfinished = _line.ToString();
                    _line.Clear();
                }
            }

            if (unfinished is not null)
            {
                console.WriteLine(unfinished);
            }
        }
    }
}
