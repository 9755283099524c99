using Xunit;

namespace ActorPool.Tests.Simulation;

/// <summary>The spec the README offers to paste is <see cref="MyProject.Tests.MyPoolSpec"/>, word for word, so what users paste is what runs here.</summary>
public sealed class ReadmeSpecIsTheFileSpec
{
    [Fact]
    public void The_README_testing_section_shows_MyPoolSpec_exactly()
    {
        var root = Path.GetFullPath(Path.Combine(SourceDirectory(), "..", "..", ".."));
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        var spec = File.ReadAllText(Path.Combine(SourceDirectory(), "MyPoolSpec.cs")).ReplaceLineEndings("\n");
        var section = readme[readme.IndexOf("## Testing code that uses ActorPool", StringComparison.Ordinal)..];
        var start = section.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        var shown = section[start..section.IndexOf("```\n", start, StringComparison.Ordinal)];

        Assert.Equal(spec, shown);
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
