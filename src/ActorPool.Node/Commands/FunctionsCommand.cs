using System.CommandLine;

namespace ActorPool.Node.Commands;

/// <summary><c>functions</c>: the names and signatures this process can run.</summary>
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
            }

            return 0;
        });
        return command;
    }
}
