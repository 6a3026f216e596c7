namespace Robustness.Cli.Tests;

/// <summary>Runs the CLI in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = RobustnessCli.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
