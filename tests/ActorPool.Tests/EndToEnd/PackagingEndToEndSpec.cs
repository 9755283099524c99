using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace ActorPool.Tests.EndToEnd;

/// <summary>
/// What a user gets from <c>dotnet pack</c>: the ActorPool and ActorPool.TestKit libraries with README, XML docs,
/// license and repository, and ActorPool.Node as a .NET tool that <c>dotnet tool install</c> puts on disk as the
/// <c>actorpool</c> command, which then runs the demo. Every step is a real process with a bounded wait.
/// </summary>
/// <remarks>
/// Packing builds the three src/ projects in Release, into their bin/Release and obj/Release folders: never the Debug
/// assemblies this test host has loaded. It reuses the restore the test build made (<c>--no-restore</c>: restore
/// output is the same for every configuration) and starts no MSBuild node or compiler server that would outlive it
/// and hold its output open. Packages, tool and tool store go to a temporary folder of the test's own.
/// </remarks>
[Collection(ProcessesCollection.Name)]
public sealed partial class PackagingEndToEndSpec(ITestOutputHelper output) : IDisposable
{
    /// <summary>The project's canonical repository, as src/Directory.Build.props names it.</summary>
    private const string RepositoryUrl = "https://github.com/actorpool/actorpool";

    /// <summary>A pack builds a project and what it references, in Release: minutes on a loaded two-core machine.</summary>
    private static readonly TimeSpan PackBound = TimeSpan.FromMinutes(5);

    /// <summary>Installing reads the feed and the configured registry, then unpacks the tool with its dependencies.</summary>
    private static readonly TimeSpan InstallBound = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan RunBound = TimeSpan.FromSeconds(60);

    /// <summary>The packable projects, libraries first; ActorPool.Node's pack builds ActorPool again only if it changed.</summary>
    private static readonly string[] Projects =
    [
        "src/ActorPool/ActorPool.csproj",
        "src/ActorPool.TestKit/ActorPool.TestKit.csproj",
        "src/ActorPool.Node/ActorPool.Node.csproj",
    ];

    /// <summary>No telemetry banner, no MSBuild node or server left running with this test's pipes.</summary>
    private static readonly Dictionary<string, string> DotnetEnvironment = new()
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
    };

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("actorpool-pack-");

    [Fact]
    public async Task Pack_makes_two_libraries_and_a_tool_that_installs_as_actorpool_and_runs_the_demo()
    {
        var repository = Checkout.Root;
        var feed = Path.Combine(_folder.FullName, "nupkg");
        foreach (var project in Projects)
        {
            await PackAsync(repository, project, feed);
        }

        var packages = Directory.GetFiles(feed, "*.nupkg").Select(ReadPackage).ToDictionary(p => p.Id);
        Assert.Equal(["ActorPool", "ActorPool.Node", "ActorPool.TestKit"], packages.Keys.Order(StringComparer.Ordinal));
        var expectCommit = Path.Exists(Path.Combine(repository, ".git"));
        foreach (var package in packages.Values)
        {
            ExpectLibraryMetadata(package, expectCommit);
            Assert.True(File.Exists(Path.Combine(feed, $"{package.Id}.{package.Version}.snupkg")), $"{package.Id} has no symbol package beside it in {feed}.");
        }

        Assert.Contains("lib/net10.0/ActorPool.dll", packages["ActorPool"].Entries);
        Assert.Contains("lib/net10.0/ActorPool.xml", packages["ActorPool"].Entries);
        Assert.Contains("lib/net10.0/ActorPool.TestKit.xml", packages["ActorPool.TestKit"].Entries);
        Assert.Contains(
            packages["ActorPool.TestKit"].Elements("dependency"),
            d => (string?)d.Attribute("id") == "ActorPool" && (string?)d.Attribute("version") == packages["ActorPool"].Version);

        var tool = packages["ActorPool.Node"];
        Assert.Contains(tool.Elements("packageType"), t => (string?)t.Attribute("name") == "DotnetTool");
        Assert.Contains("tools/net10.0/any/ActorPool.Node.xml", tool.Entries);
        Assert.Contains("tools/net10.0/any/ActorPool.xml", tool.Entries);
        var command = Assert.Single(tool.ToolSettings.Descendants(), e => e.Name.LocalName == "Command");
        Assert.Equal("actorpool", (string?)command.Attribute("Name"));

        var actorpool = await InstallToolAsync(feed, tool.Version);

        using (var help = await RunToolAsync(actorpool, "help", ["--help"]))
        {
            // System.CommandLine names the program after the executable the user ran.
            Expect.StdoutInOrder(["Usage:", "  actorpool [command] [options]"], help);
        }

        using (var demo = await RunToolAsync(actorpool, "demo", ["demo", "--sleep-ms", "10"]))
        {
            Expect.DemoResults(demo);
        }

        using (var functions = await RunToolAsync(actorpool, "functions", ["functions"]))
        {
            Assert.Contains("square\tInt64 Square(Int64 x)", functions.Stdout);
        }
    }

    /// <summary>Deletes the packages, the installed tool and its store.</summary>
    public void Dispose()
    {
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            output.WriteLine($"Could not delete {_folder.FullName}: {ex.Message}");
        }
    }

    /// <summary>Every package carries the README, its XML docs, the license, the repository and the commit it was built from.</summary>
    private static void ExpectLibraryMetadata(Package package, bool expectCommit)
    {
        Assert.Contains("README.md", package.Entries);
        Assert.Equal("README.md", package.Metadata("readme"));
        Assert.Contains(package.Entries, e => e.EndsWith($"/{package.Id}.xml", StringComparison.Ordinal));
        var license = Assert.Single(package.Elements("license"));
        Assert.Equal("expression", (string?)license.Attribute("type"));
        Assert.Equal("Apache-2.0", license.Value);
        Assert.Contains("LICENSE", package.Entries);

        var repository = Assert.Single(package.Elements("repository"));
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Equal(RepositoryUrl, (string?)repository.Attribute("url"));
        if (expectCommit)
        {
            // SourceLink, built into the SDK, reads the commit from .git: no network and no package needed.
            Assert.Matches(CommitPattern(), (string?)repository.Attribute("commit") ?? "");
        }
    }

    private async Task PackAsync(string repository, string project, string feed)
    {
        using var pack = await RunToCompletionAsync(
            $"pack {Path.GetFileNameWithoutExtension(project)}",
            NodeProcess.DotnetHost,
            ["pack", Path.Combine(repository, project), "-c", "Release", "-o", feed, "--no-restore", "-nodeReuse:false", "-p:UseSharedCompilation=false"],
            repository,
            DotnetEnvironment,
            PackBound);
    }

    /// <summary>Installs the tool from the feed into a tool path of the test's own; returns the command's path.</summary>
    private async Task<string> InstallToolAsync(string feed, string version)
    {
        var tools = Path.Combine(_folder.FullName, "tools");
        using var install = await RunToCompletionAsync(
            "tool install",
            NodeProcess.DotnetHost,
            ["tool", "install", "ActorPool.Node", "--version", version, "--tool-path", tools, "--add-source", feed],
            _folder.FullName,
            DotnetEnvironment,
            InstallBound);
        var command = Path.Combine(tools, OperatingSystem.IsWindows() ? "actorpool.exe" : "actorpool");
        Assert.True(File.Exists(command), $"dotnet tool install put no {command}.{Environment.NewLine}{install.Describe()}");
        return command;
    }

    private Task<NodeProcess> RunToolAsync(string actorpool, string name, IReadOnlyList<string> arguments)
    {
        // The command is an apphost: point it at the runtime the tests run on, wherever that is installed.
        var environment = new Dictionary<string, string>(DotnetEnvironment);
        if (Path.IsPathRooted(NodeProcess.DotnetHost))
        {
            var host = new FileInfo(NodeProcess.DotnetHost);
            environment["DOTNET_ROOT"] = Path.GetDirectoryName(host.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? host.FullName)!;
        }

        return RunToCompletionAsync($"actorpool {name}", actorpool, arguments, _folder.FullName, environment, RunBound);
    }

    /// <summary>Runs a program to its end within <paramref name="bound"/> and expects exit code 0; the caller disposes it.</summary>
    private async Task<NodeProcess> RunToCompletionAsync(
        string name,
        string program,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string> environment,
        TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        var process = NodeProcess.StartProgram(name, program, arguments, workingDirectory, environment);
        try
        {
            var code = await process.WaitForExitAsync(bound);
            output.WriteLine($"{name}: exit {code} in {clock.Elapsed.TotalSeconds:0.0} s");
            Expect.ExitCode(0, code, process);
            return process;
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    private static Package ReadPackage(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        var nuspec = Load(zip.Entries.Single(e => !e.FullName.Contains('/', StringComparison.Ordinal) && e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)));
        var settings = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal)) is { } entry
            ? Load(entry)
            : new XDocument();
        return new Package(nuspec, entries, settings);

        static XDocument Load(ZipArchiveEntry entry)
        {
            using var stream = entry.Open();
            return XDocument.Load(stream);
        }
    }

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitPattern();

    /// <summary>A .nupkg as the test reads it: its nuspec (whatever its schema namespace), its file names and a tool's settings.</summary>
    private sealed record Package(XDocument Nuspec, IReadOnlySet<string> Entries, XDocument ToolSettings)
    {
        public string Id => Metadata("id") ?? throw new InvalidDataException("The nuspec has no id.");

        public string Version => Metadata("version") ?? throw new InvalidDataException($"The nuspec of {Id} has no version.");

        public string? Metadata(string name) => Elements(name).FirstOrDefault()?.Value;

        public IEnumerable<XElement> Elements(string name) => Nuspec.Descendants().Where(e => e.Name.LocalName == name);
    }
}
