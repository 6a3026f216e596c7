namespace Robustness.Cli;

internal static class Program
{
    private static int Main(string[] args) => RobustnessCli.Run(args, Console.Out, Console.Error);
}
