using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ActorPool.Tests.EndToEnd;

/// <summary>
/// One real <c>ActorPool.Node</c> process (<c>dotnet ActorPool.Node.dll …</c>), or another program an end-to-end spec
/// runs (<c>dotnet pack</c>, the installed <c>actorpool</c> tool), with its stdin fed, its stdout and stderr captured
/// line by line, and bounded waits on both. Disposing it kills the process tree if it is still running, so a test
/// leaves nothing behind however it ends.
/// </summary>
internal sealed class NodeProcess : IDisposable
{
    private const int SigTerm = 15;
    private static readonly TimeSpan KillBound = TimeSpan.FromSeconds(10);
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly string _commandLine;
    private readonly Task _stdin;

    private NodeProcess(
        string name,
        string program,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        string commandLine,
        string? input,
        IReadOnlyDictionary<string, string>? environment)
    {
        Name = name;
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (variable, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[variable] = value;
        }

        _commandLine = commandLine;
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _stdin = FeedAsync(input);
    }

    /// <summary>The test's name for the process, used in failure messages.</summary>
    public string Name { get; }

    /// <summary>The operating system's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The stdout lines so far.</summary>
    public IReadOnlyList<string> Stdout
    {
        get
        {
            lock (_gate)
            {
                return [.. _stdout];
            }
        }
    }

    /// <summary>The stderr lines so far.</summary>
    public IReadOnlyList<string> Stderr
    {
        get
        {
            lock (_gate)
            {
                return [.. _stderr];
            }
        }
    }

    /// <summary>The ActorPool.Node.dll built next to the tests (the test project references ActorPool.Node).</summary>
    public static string NodeDll { get; } = Path.Combine(AppContext.BaseDirectory, "ActorPool.Node.dll");

    /// <summary>The dotnet host that runs the tests runs the nodes too.</summary>
    public static string DotnetHost { get; } = FindDotnetHost();

    /// <summary>
    /// Starts <c>dotnet ActorPool.Node.dll arguments…</c>, writes <paramref name="input"/> to its stdin and closes it;
    /// <paramref name="environment"/> adds to or replaces the variables it inherits from the test.
    /// </summary>
    public static NodeProcess Start(string name, IReadOnlyList<string> arguments, string? input = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(NodeDll))
        {
            throw new FileNotFoundException($"ActorPool.Node.dll is not in the test output directory {AppContext.BaseDirectory}; the test project must reference ActorPool.Node.", NodeDll);
        }

        return new NodeProcess(
            name,
            DotnetHost,
            [NodeDll, .. arguments],
            AppContext.BaseDirectory,
            $"dotnet ActorPool.Node.dll {string.Join(' ', arguments)}",
            input,
            environment);
    }

    /// <summary>
    /// Starts <paramref name="program"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>, its stdin
    /// closed at once; <paramref name="environment"/> adds to or replaces the variables it inherits from the test.
    /// </summary>
    public static NodeProcess StartProgram(
        string name,
        string program,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null) =>
        new(name, program, arguments, workingDirectory, $"{program} {string.Join(' ', arguments)}", input: null, environment);

    /// <summary>Waits, at most <paramref name="timeout"/>, for a stderr line that <paramref name="match"/> accepts; fails at once if the process exits first.</summary>
    public async Task<string> WaitForStderrAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (Find(match) is { } line)
            {
                return line;
            }

            if (_process.HasExited)
            {
                // Let the last lines drain before deciding the line never came: only the untimed WaitForExit and
                // WaitForExitAsync wait for the end of redirected output; WaitForExit(timeout) returns without it.
                await WaitForExitAsync(KillBound).ConfigureAwait(false);
                return Find(match) ?? throw new InvalidOperationException(
                    $"{Name} exited with code {_process.ExitCode} before printing {what} on stderr.{Environment.NewLine}{Describe()}");
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{Name} printed no {what} on stderr within {timeout.TotalSeconds:0} s.{Environment.NewLine}{Describe()}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>Waits, at most <paramref name="timeout"/>, for the process to exit and its output to drain; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var bound = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
            await _stdin.WaitAsync(bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds:0} s.{Environment.NewLine}{Describe()}");
        }

        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM (what <c>kill PID</c>, systemd and Kubernetes send), asking the node to leave gracefully.</summary>
    public void Terminate()
    {
        if (SendSignal(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Kills the process tree at once (SIGKILL on Linux): no graceful leave, as when a machine dies.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }

        _process.WaitForExit(KillBound);
    }

    /// <summary>What a failure message shows: the command, its state, the tail of stderr and of stdout.</summary>
    public string Describe(int stderrLines = 60)
    {
        var stderr = Stderr;
        var stdout = Stdout;
        var state = _process.HasExited ? $"exited with {_process.ExitCode}" : "running";
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"--- {Name} (pid {_process.Id}, {state}, {_clock.Elapsed.TotalSeconds:0.0} s): {_commandLine}")
            .AppendLine()
            .Append(CultureInfo.InvariantCulture, $"--- stderr, last {Math.Min(stderrLines, stderr.Count)} of {stderr.Count} lines:")
            .AppendLine();
        foreach (var line in stderr.Skip(Math.Max(0, stderr.Count - stderrLines)))
        {
            text.AppendLine(line);
        }

        text.Append(CultureInfo.InvariantCulture, $"--- stdout, {stdout.Count} lines, last 5:").AppendLine();
        foreach (var line in stdout.Skip(Math.Max(0, stdout.Count - 5)))
        {
            text.AppendLine(line);
        }

        return text.ToString();
    }

    /// <summary>Kills the process tree if it is still running, then releases it. Never throws.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                Kill();
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Nothing more can be done about it here.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private string? Find(Func<string, bool> match)
    {
        lock (_gate)
        {
            return _stderr.FirstOrDefault(match);
        }
    }

    private void Append(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            lines.Add(line);
        }
    }

    private async Task FeedAsync(string? input)
    {
        var stdin = _process.StandardInput;
        try
        {
            if (input is not null)
            {
                await stdin.WriteAsync(input).ConfigureAwait(false);
                await stdin.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The process stopped reading (it failed or exited early): what it read is what the test checks.
        }
        finally
        {
            try
            {
                stdin.Close();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // Same as above.
            }
        }
    }

    private static string FindDotnetHost()
    {
        // `dotnet test` runs the test host through the dotnet muxer and usually says where it is.
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        return "dotnet";
    }

    // DllImport, not LibraryImport: the generated stub needs AllowUnsafeBlocks, and int-only signatures need no marshalling.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SendSignal(int pid, int signal);
}
