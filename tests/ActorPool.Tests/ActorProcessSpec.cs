using Xunit;

namespace ActorPool.Tests;

/// <summary><see cref="ActorProcess"/>, the seed's <c>multiprocessing.Process</c>: start, join, is_alive, exitcode.</summary>
public sealed class ActorProcessSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_process_runs_its_target_once_and_Join_waits_for_it()
    {
        using var release = new ManualResetEventSlim();
        using var running = new ManualResetEventSlim();
        var runs = 0;
        var process = new ActorProcess(() =>
        {
            Interlocked.Increment(ref runs);
            running.Set();
            release.Wait(Bound);
        });

        Assert.False(process.IsAlive);
        Assert.Null(process.ExitCode);
        process.Start();
        Assert.True(running.Wait(Bound));
        Assert.True(process.IsAlive);
        Assert.Null(process.ExitCode);
        release.Set();
        await process.JoinAsync().WaitAsync(Bound);

        Assert.False(process.IsAlive);
        Assert.Equal(0, process.ExitCode);
        Assert.Null(process.Exception);
        Assert.Equal(1, runs);
        Assert.StartsWith("ActorProcess-", process.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_returns_once_the_process_has_finished()
    {
        var process = ActorProcess.Create(Thread.Sleep, 20);

        process.Start();
        await Bounds.Blocking(process.Join);

        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task Create_passes_the_arguments_to_the_target()
    {
        var seen = new List<string>();
        var one = ActorProcess.Create((string a) => { lock (seen) { seen.Add(a); } }, "one");
        var two = ActorProcess.Create((string a, int b) => { lock (seen) { seen.Add($"{a}{b}"); } }, "two", 2);

        one.Start();
        two.Start();
        await Task.WhenAll(one.JoinAsync(), two.JoinAsync()).WaitAsync(Bound);

        Assert.Equal(["one", "two2"], seen.Order());
    }

    [Fact]
    public async Task A_throwing_target_gives_exit_code_one_and_its_exception()
    {
        var process = new ActorProcess(() => throw new InvalidOperationException("process failed"));

        process.Start();
        await process.JoinAsync().WaitAsync(Bound);

        Assert.Equal(1, process.ExitCode);
        Assert.False(process.IsAlive);
        Assert.Equal("process failed", Assert.IsType<InvalidOperationException>(process.Exception).Message);
    }

    [Fact]
    public async Task Starting_a_process_twice_throws_InvalidOperationException()
    {
        var process = new ActorProcess(() => { });

        process.Start();

        Assert.Throws<InvalidOperationException>(process.Start);
        await process.JoinAsync().WaitAsync(Bound);
    }

    [Fact]
    public void Joining_a_process_that_was_not_started_throws_InvalidOperationException()
    {
        var process = new ActorProcess(() => { });

        Assert.Throws<InvalidOperationException>(process.Join);
        Assert.Throws<InvalidOperationException>(() => { _ = process.JoinAsync(); });
        Assert.False(process.IsAlive);
        Assert.Null(process.ExitCode);
    }

    [Fact]
    public void A_null_target_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new ActorProcess(null!));
        Assert.Throws<ArgumentNullException>(() => ActorProcess.Create<int>(null!, 1));
    }

    [Fact]
    public async Task Processes_run_at_the_same_time()
    {
        using var barrier = new Barrier(3);
        var processes = Enumerable.Range(0, 3).Select(_ => new ActorProcess(() =>
        {
            if (!barrier.SignalAndWait(Bound))
            {
                throw new TimeoutException("the other processes never ran alongside this one");
            }
        })).ToList();

        processes.ForEach(p => p.Start());
        await Task.WhenAll(processes.Select(p => p.JoinAsync())).WaitAsync(Bound);

        Assert.All(processes, p => Assert.Equal(0, p.ExitCode));
    }
}
