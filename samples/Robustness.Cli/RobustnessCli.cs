namespace Robustness.Cli;

/// <summary>The robustness command line, callable in-process by tests.</summary>
internal static class RobustnessCli
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        output.WriteLine("robustness");
        error.Flush();
        return 0;
    }
}
