using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Microsoft.Extensions.DependencyInjection;
using Robustness.Data.Sources;
using Robustness.Models;

namespace Robustness.Cli;

/// <summary>
/// <c>robustness doctor</c>: what this machine gives the library - CPU and its vector extensions, the libtorch backend and
/// its threads, the variables that steer its kernels, the datasets found - and every kernel self-check's result
/// (docs/models.md, "First-layer input gradient"). Exit 0 when every check passed, 1 when one failed (attacks are then
/// refused on this machine).
/// </summary>
internal static class DoctorCommand
{
    /// <summary>Environment variables that change which native kernels run.</summary>
    private static readonly string[] _kernelVariables = ["ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA", "ATEN_CPU_CAPABILITY", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "ROBUSTNESS_NATIVE_HEAP"];

    /// <summary>The CPU flags worth naming (of /proc/cpuinfo's list).</summary>
    private static readonly string[] _flags = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile"];

    public static Command Create(CliContext context)
    {
        var folder = new Option<string?>("--data")
        {
            Description = $"Folder with the IDX files (or a parent with a folder per dataset) [default: ${DatasetLocator.EnvironmentVariable}, then the user cache folder, and Debian's folder for fashion-mnist].",
        };
        var threads = new Option<int>("--threads")
        {
            Description = "libtorch CPU threads to run the self-checks at (each count from 1 up to it is checked; the attack checks depend on it).",
            DefaultValueFactory = _ => CliOptions.DefaultThreads,
        };
        var doctor = new Command("doctor", "Print the CPU and its vector extensions, the native backend and its threads, the datasets found and every kernel self-check's result; exit 1 when a self-check failed. Example: robustness doctor --data ../shared/data")
        {
            folder, threads,
        };
        doctor.SetAction(parsed => context.Execute(parsed, () => Run(context, parsed.GetValue(folder), parsed.GetValue(threads))));
        return doctor;
    }

    private static int Run(CliContext context, string? dataFolder, int threads)
    {
        TextWriter output = context.Output;
        using var services = CliServices.Create(context, o => o.Device = "cpu");
        output.WriteLine($"CPU: {CpuModel()} ({Environment.ProcessorCount} logical cores, {RuntimeInformation.ProcessArchitecture})");
        output.WriteLine($"  flags: {CpuFlags()}");
        output.WriteLine($"  .NET vectors: Vector512 {(Vector512.IsHardwareAccelerated ? "accelerated" : "emulated")}, Vector256 {(Vector256.IsHardwareAccelerated ? "accelerated" : "emulated")}");
        output.WriteLine($"  kernel variables: {string.Join(", ", _kernelVariables.Select(v => $"{v}={Environment.GetEnvironmentVariable(v) ?? "(unset)"}"))}");

        TorchLoadReport load = TorchRuntime.EnsureLoadable();
        TorchRuntimeInfo runtime = TorchRuntime.Describe();
        output.WriteLine($"Native backend: TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, {load.Action} ({CliContext.OneLine(load.Message)})");
        output.WriteLine($"  threads: {runtime.Threads} by default here; CUDA: {(runtime.CudaAvailable ? $"{runtime.CudaDeviceCount} device(s)" : "not available")}");
        output.WriteLine($"  native heap: {runtime.NativeHeap}");

        output.WriteLine("Data:");
        var catalog = services.GetRequiredService<IDatasetCatalog>();
        foreach (string name in new[] { "mnist", "fashion-mnist" })
        {
            IDatasetSource source;
            try
            {
                source = catalog.GetSource(name, dataFolder);
            }
            catch (Exception e) when (e is DatasetNotAvailableException or IOException or ArgumentException)
            {
                output.WriteLine($"  {name}: not found ({CliContext.OneLine(e.Message)})");
                continue;
            }

            foreach (DatasetSplit split in new[] { DatasetSplit.Train, DatasetSplit.Test })
            {
                SplitAvailability availability = source.GetAvailability(split);
                output.WriteLine($"  {availability.Name}: {(availability.IsPresent ? "found" : "missing")} - {CliContext.OneLine(availability.Reason)}");
            }
        }

        output.WriteLine("Self-checks (each candidate against a float64 closed form; the first within tolerance is used):");
        bool allPassed = true;
        var devices = new List<string> { "cpu" };
        if (runtime.CudaAvailable)
        {
            devices.Add("cuda");
        }

        foreach (string device in devices)
        {
            for (int t = 1; t <= threads; t++)
            {
                TorchRuntime.SetThreads(t);
                foreach (KernelCheckResult check in TorchRuntime.CheckKernels(device))
                {
                    allPassed &= check.Passed;
                    string attempts = string.Join(", ", check.Attempts.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Kernel} {(a.Passed ? "ok" : "WRONG")} ({a.MaxRelativeError:G2})")));
                    output.WriteLine($"  {check.Name}, {check.Geometry}, {check.Device}, {check.Threads} thread(s): {(check.Passed ? "uses " + check.Chosen : "FAILED, attacks are refused")} - tried {attempts}");
                }

                string native = string.Join(", ", TorchRuntime.ProbeLibtorchInputGradient(device).Select(a => string.Create(CultureInfo.InvariantCulture, $"{(a.Passed ? "ok" : "WRONG")} ({a.MaxRelativeError:G2})")));
                output.WriteLine($"  (not used) libtorch's own first-layer input gradient, {device}, {t} thread(s): {native}");
            }
        }

        output.WriteLine(allPassed ? "All self-checks passed." : "A self-check failed: attacks are refused on this machine (see above).");
        return allPassed ? RobustnessCli.Success : RobustnessCli.Failure;
    }

    private static string CpuModel()
    {
        string? line = CpuInfoLines().FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        string family = CpuInfoLines().FirstOrDefault(l => l.StartsWith("cpu family", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        return line is null ? "unknown" : $"{line.Split(':', 2)[1].Trim()}, family {family}";
    }

    private static string CpuFlags()
    {
        string? line = CpuInfoLines().FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
        if (line is null)
        {
            return "unknown (no /proc/cpuinfo)";
        }

        var present = line.Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return string.Join(" ", _flags.Select(f => present.Contains(f) ? f : "-" + f));
    }

    private static string[] CpuInfoLines()
    {
        try
        {
            return File.Exists("/proc/cpuinfo") ? File.ReadAllLines("/proc/cpuinfo") : [];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
