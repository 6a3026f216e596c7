using System.Diagnostics;
using Robustness.Tests.Shared;

namespace Robustness.Cli.Tests;

/// <summary><c>robustness doctor</c>: the machine, the backend, the data found and every kernel self-check.</summary>
public sealed class DoctorCommandTests
{
    [Test]
    public void Doctor_PrintsTheCpuBackendDataAndEverySelfCheck_AndExitsZeroWhenTheyPass()
    {
        (int exit, string output, string error) = CliRunner.Run("doctor", "--data", TestData.MnistFolder, "--threads", "1");

        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.StartWith("CPU: "));
        Assert.That(output, Does.Contain("kernel variables: ONEDNN_MAX_CPU_ISA="));
        Assert.That(output, Does.Contain("Native backend: TorchSharp "));
        Assert.That(output, Does.Contain("mnist/train: found").And.Contain("mnist/test: found"));
        Assert.That(output, Does.Contain("first-layer input gradient, 6@5x5 pad 0 on 32x32, cpu, 1 thread(s): uses "));
        Assert.That(output, Does.Contain("first-layer input gradient, 32@3x3 pad 1 on 28x28, cpu, 1 thread(s): uses "));
        Assert.That(output, Does.Contain("(not used) libtorch's own first-layer input gradient, cpu, 1 thread(s): "));
        Assert.That(output, Does.EndWith("All self-checks passed." + Environment.NewLine));
    }

    [Test]
    public void Doctor_ReportsTheNativeHeapTuning_UnlessTheUserChoseMallocSettings()
    {
        string[] userVariables = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "GLIBC_TUNABLES", "ROBUSTNESS_NATIVE_HEAP"];
        var tuned = Doctor(userVariables.ToDictionary(v => v, _ => (string?)null));
        Assert.That(tuned, Does.Contain("native heap: glibc: mmap threshold 32 MiB, trim threshold 2 GiB, top pad 256 MiB"));

        Assert.That(Doctor(new() { ["ROBUSTNESS_NATIVE_HEAP"] = "default" }), Does.Contain("native heap: left alone (ROBUSTNESS_NATIVE_HEAP=default)"));
        Assert.That(Doctor(new() { ["MALLOC_TOP_PAD_"] = "1048576", ["ROBUSTNESS_NATIVE_HEAP"] = null }), Does.Contain("native heap: left alone (MALLOC_TOP_PAD_ is set)"));
    }

    /// <summary><c>dotnet robustness.dll doctor</c> in a child process with the environment changed (null removes a variable).</summary>
    private static string Doctor(Dictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "robustness.dll"));
        start.ArgumentList.Add("doctor");
        start.ArgumentList.Add("--threads");
        start.ArgumentList.Add("1");
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var (exit, output, error) = ChildProcess.Run(start, TimeSpan.FromMinutes(2), "robustness doctor");
        Assert.That(exit, Is.Zero, error);
        return output;
    }
}
