namespace ActorPool.Tests.EndToEnd;

/// <summary>The checkout the tests were built from, and what its build put where.</summary>
internal static class Checkout
{
    /// <summary>The folder above the test output that holds ActorPool.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The examples' built assemblies, by project name (listed by the test project's build in <c>examples.txt</c>).</summary>
    public static string Example(string name)
    {
        var list = Path.Combine(AppContext.BaseDirectory, "examples.txt");
        var path = File.ReadAllLines(list).FirstOrDefault(line => Path.GetFileNameWithoutExtension(line) == name)
            ?? throw new InvalidOperationException($"No example '{name}' in {list}: is examples/{name}/{name}.csproj there?");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The example '{name}' is listed but not built.", path);
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ActorPool.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No ActorPool.sln above {AppContext.BaseDirectory}: these tests run the checkout they were built from.");
    }
}
