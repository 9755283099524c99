using PublicApiGenerator;
using Xunit;

namespace ActorPool.Tests;

/// <summary>Every change to the public surface shows up as a diff of the approved API file.</summary>
public sealed class ApiApprovalSpec
{
    [Theory]
    [InlineData("ActorPool")]
    [InlineData("ActorPool.TestKit")]
    [InlineData("ActorPool.Hosting")]
    public void Public_api_matches_the_approved_file(string assembly)
    {
        var anchor = assembly switch
        {
            "ActorPool" => typeof(Pool),
            "ActorPool.TestKit" => typeof(TestKit.PoolSimulation),
            _ => typeof(ActorPool.Hosting.ActorPoolHostingExtensions),
        };
        var generated = anchor.Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute"],
        }).ReplaceLineEndings("\n");
        var approvedPath = Path.Combine(SourceDirectory(), "PublicApi", $"{assembly}.approved.txt");
        if (Environment.GetEnvironmentVariable("ACTORPOOL_ACCEPT_API") == "1")
        {
            File.WriteAllText(approvedPath, generated);
        }

        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : "";
        if (approved != generated)
        {
            File.WriteAllText(Path.ChangeExtension(approvedPath, ".received.txt"), generated);
        }

        Assert.True(approved == generated,
            $"The public API changed. Review {Path.ChangeExtension(approvedPath, ".received.txt")} and, if intended, rerun with ACTORPOOL_ACCEPT_API=1.");
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
