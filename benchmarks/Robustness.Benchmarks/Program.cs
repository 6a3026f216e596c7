using System.Reflection;
using BenchmarkDotNet.Running;

namespace Robustness.Benchmarks;

internal static class Program
{
    private static int Main(string[] args)
    {
        MakeGeneratedProjectsLoadLibTorchSharp();
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    /// <summary>
    /// BenchmarkDotNet builds a generated project for each job, under this project's bin folder or,
    /// with --artifacts-path, anywhere. Outside the repository it would not see Directory.Build.targets,
    /// so the libLibTorchSharp.so compat step (docs/libtorchsharp-glibcxx.md) reaches it through
    /// MSBuild's CustomAfterMicrosoftCommonTargets hook, which the child build inherits from the environment.
    /// </summary>
    private static void MakeGeneratedProjectsLoadLibTorchSharp()
    {
        string? root = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RobustnessRepositoryRoot")?.Value;
        string? targets = root is null ? null : Path.Combine(root, "build", "LibTorchSharpCompat.targets");
        if (targets is not null && File.Exists(targets)
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CustomAfterMicrosoftCommonTargets")))
        {
            Environment.SetEnvironmentVariable("CustomAfterMicrosoftCommonTargets", targets);
        }
    }
}
