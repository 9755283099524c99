using System.CommandLine;
using System.Reflection;
using Akka.Configuration;

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

    /// <summary>
    /// <c>--config FILE</c>: HOCON laid over everything else this process configures, e.g. hocon/tls.conf. A missing
    /// or unparsable file is a usage error before anything starts, not a node that half comes up.
    /// </summary>
    public static Option<string?> Config()
    {
        var option = new Option<string?>("--config")
        {
            Description = "A HOCON file laid over this process's Akka configuration, e.g. a copy of hocon/tls.conf to turn on TLS with mutual authentication.",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is not { } path)
            {
                return;
            }

            if (!File.Exists(path))
            {
                result.AddError($"--config: there is no file '{path}' (relative paths start at {Environment.CurrentDirectory}).");
                return;
            }

            try
            {
                ConfigurationFactory.ParseString(File.ReadAllText(path));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                result.AddError($"--config: '{path}' is not valid HOCON: {ex.GetBaseException().Message}");
            }
        });
        return option;
    }

    /// <summary>The text of the <c>--config</c> file, or an empty string without one.</summary>
    public static string ReadConfig(string? path) => path is null ? "" : File.ReadAllText(path);

    /// <summary>
    /// The exception that says what went wrong, under the layers that say nothing: Akka wraps a failed start-up (a
    /// --config naming a missing certificate or the wrong password, say) in aggregate and reflection exceptions.
    /// </summary>
    public static Exception Cause(Exception ex) =>
        ex is AggregateException or TargetInvocationException && ex.InnerException is { } inner ? Cause(inner) : ex;

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
