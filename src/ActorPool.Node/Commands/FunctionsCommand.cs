using System.CommandLine;

namespace ActorPool.Node.Commands;

/// <summary>
/// <c>functions</c>: the names and signatures this process can run; for complex types, the JSON shape <c>map</c>
/// reads and writes, and for a function whose types cannot cross nodes, why.
/// </summary>
internal static class FunctionsCommand
{
    public static Command Create()
    {
        var functions = CommonOptions.Functions();
        var command = new Command("functions", "List the pool functions a node can run (built-in samples and --functions assemblies).") { functions };
        command.SetAction(result =>
        {
            CommonOptions.LoadFunctions(result.GetValue(functions));
            foreach (var function in PoolFunctions.List())
            {
                Console.WriteLine($"{function.Name}\t{function.Signature}");
                // Complex values go as one JSON value per line: show the shape 'map' reads and writes.
                if (!function.ParameterTypes.All(JsonValues.IsPlain))
                {
                    var input = function.ParameterTypes.Count == 1
                        ? JsonValues.Shape(function.ParameterTypes[0])
                        : "[" + string.Join(", ", function.ParameterTypes.Select(p => JsonValues.Shape(p))) + "]";
                    Console.WriteLine($"\tin:  {input}");
                }

                if (!JsonValues.IsPlain(function.ReturnType) && function.ReturnType != typeof(object))
                {
                    Console.WriteLine($"\tout: {JsonValues.Shape(function.ReturnType)}");
                }

                if (function.WireProblem is { } problem)
                {
                    Console.WriteLine($"\tcannot cross to another node (runs in-process only): {problem}");
                }
            }

            return 0;
        });
        return command;
    }
}
