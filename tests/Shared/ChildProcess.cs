using System.Diagnostics;

namespace Robustness.Tests.Shared;

/// <summary>Runs a child process to its end with both streams captured; a run over its time limit is killed and fails the test.</summary>
internal static class ChildProcess
{
    /// <summary>Starts <paramref name="start"/> (its streams redirected here), waits, and returns the exit code and both streams.</summary>
    public static (int Exit, string Output, string Error) Run(ProcessStartInfo start, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{what} ran over {timeout.TotalSeconds:0} s:\n{output.Result}{error.Result}");
        }

        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
