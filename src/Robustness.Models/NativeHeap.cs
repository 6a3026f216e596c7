using System.Runtime.InteropServices;

namespace Robustness.Models;

/// <summary>
/// Keeps glibc's heap from handing libtorch's large, short-lived buffers back to the kernel after every batch. By default
/// glibc serves blocks above its mmap threshold (dynamic, 128 KiB to 32 MiB) with fresh mappings and trims the heap top,
/// so each batch's activations and gradients page-fault in again: measured on this 2-core machine, a fifth of a LeNet-5
/// epoch's CPU time went to the kernel (1 thread: 6.4 s per epoch, 4 s system time in three epochs; with the settings below
/// 5.6-6.0 s and 0.9-1.5 s). Set once, when the native backend is first initialised: mmap threshold 32 MiB (glibc's
/// ceiling), trim threshold 2 GiB, top pad 256 MiB. Nothing is changed where a <c>MALLOC_*_</c> variable is set (the user
/// chose), where <c>ROBUSTNESS_NATIVE_HEAP=default</c>, or off glibc Linux. Memory is reused, never returned early: the
/// process keeps its peak heap, which libtorch would touch again in the next batch anyway.
/// </summary>
internal static partial class NativeHeap
{
    /// <summary>The opt-out variable: <c>default</c> leaves glibc's settings alone.</summary>
    public const string EnvironmentVariable = "ROBUSTNESS_NATIVE_HEAP";

    private const int MTrimThreshold = -1;
    private const int MTopPad = -2;
    private const int MMmapThreshold = -3;

    private static readonly string[] _userVariables = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "GLIBC_TUNABLES"];

    /// <summary>What <see cref="Tune"/> did (for <c>robustness doctor</c>).</summary>
    public static string State { get; private set; } = "not tuned yet";

    /// <summary>Applies the settings once (see the type's remarks); never throws.</summary>
    public static void Tune()
    {
        if (!OperatingSystem.IsLinux())
        {
            State = "left alone (not Linux)";
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariable), "default", StringComparison.OrdinalIgnoreCase))
        {
            State = $"left alone ({EnvironmentVariable}=default)";
            return;
        }

        if (_userVariables.FirstOrDefault(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v))) is { } set)
        {
            State = $"left alone ({set} is set)";
            return;
        }

        try
        {
            bool ok = MallOpt(MMmapThreshold, 32 << 20) == 1
                & MallOpt(MTrimThreshold, int.MaxValue) == 1
                & MallOpt(MTopPad, 256 << 20) == 1;
            State = ok ? "glibc: mmap threshold 32 MiB, trim threshold 2 GiB, top pad 256 MiB" : "glibc refused a setting; its defaults stay";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            State = "left alone (no glibc mallopt)";
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int MallOpt(int param, int value);
}
