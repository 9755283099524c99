using System.CommandLine;

namespace ActorPool.Node.Commands;

/// <summary>Options several commands share, and how to read them.</summary>
internal static class CommonOptions
{
    public static Option<string[]> Functions() => new("--functions")
    {
        Description = "An assembly (.dll) of [PoolFunction] methods to load; repeat for several. Load the same ones on nodes and clients.",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Option<string[]> Seeds() => new("--seeds")
    {
        Description = "Seed node addresses, comma-separated: akka.tcp://actorpool@127.0.0.1:4053[,…]",
        CustomParser = result => result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
    };

    public static Option<string> Host() => new("--host")
    {
        Description = "Address to bind and advertise to other nodes (use the machine's address across a network; never mix 'localhost' and 127.0.0.1).",
        DefaultValueFactory = _ => Hosting.NodeConfig.DefaultHost,
    };

    public static Option<int> Port(int fallback, string description) => new("--port")
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
    };

    /// <summary>Loads --functions assemblies; a missing file is a clear error.</summary>
    public static void LoadFunctions(IEnumerable<string>? paths)
    {
        foreach (var path in paths ?? [])
        {
            var assembly = PoolFunctions.Load(path);
            Console.Error.WriteLine($"loaded functions from {assembly.GetName().Name} ({path})");
        }
    }

    public static void Validate(this Option<int> option, int min, string what) => option.Validators.Add(result =>
    {
        if (result.GetValueOrDefault<int>() < min)
        {
            result.AddError($"{option.Name} must be at least {min} ({what}).");
        }
    });
}
