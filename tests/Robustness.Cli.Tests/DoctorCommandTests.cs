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
}
