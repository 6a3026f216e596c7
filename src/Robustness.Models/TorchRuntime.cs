using Microsoft.Extensions.Logging;
using TorchSharp;

namespace Robustness.Models;

/// <summary>What the loaded TorchSharp native backend offers.</summary>
/// <param name="CudaAvailable">Whether a CUDA device can be used (a CUDA backend package and a GPU).</param>
/// <param name="CudaDeviceCount">Number of visible CUDA devices; 0 without CUDA.</param>
/// <param name="Threads">Threads libtorch uses for CPU operations.</param>
public sealed record TorchRuntimeInfo(bool CudaAvailable, int CudaDeviceCount, int Threads)
{
    /// <summary>
    /// How the native heap was set up for libtorch's buffers (glibc's mmap and trim thresholds raised once at load, so a
    /// batch's buffers are reused instead of page-faulted in again; <c>ROBUSTNESS_NATIVE_HEAP=default</c> or a
    /// <c>MALLOC_*_</c> variable leaves glibc alone; docs/models.md).
    /// </summary>
    public string NativeHeap { get; init; } = "";
}

/// <summary>
/// Entry point to TorchSharp's native backend. Everything in the library that first touches TorchSharp calls
/// <see cref="EnsureLoadable"/> first, so that on Linux with a libstdc++ older than GCC 13 a compatible copy of
/// libLibTorchSharp.so is loaded where no build step patched it (notebooks); an unloadable backend surfaces as
/// an <see cref="InvalidOperationException"/> that names the cause.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lock _initLock = new();
    private static bool _initialised;

    /// <summary>The first layers of the built-in networks: LeNet-5 (6@5x5 on 32x32), AlexNet-8 on 28x28 images (32@3x3 pad 1).</summary>
    private static readonly FirstLayerGeometry[] _builtInFirstLayers =
    [
        new(6, 5, 0, LeNet5Module.InputSide, LeNet5Module.InputSide),
        new(32, 3, 1, 28, 28),
    ];

    /// <summary>
    /// Makes TorchSharp's native backend loadable; call it in a notebook's first cell, or let the library call it.
    /// On Linux, when the system libstdc++ lacks GLIBCXX_3.4.32 and the libLibTorchSharp.so that TorchSharp would
    /// load requires it, it writes the build step's rewrite of that file into a per-user cache keyed by its SHA-256
    /// (<c>$ROBUSTNESS_LIBTORCHSHARP_CACHE</c>, else <c>~/.cache/robustness/libtorchsharp</c>; atomic, never into the
    /// NuGet cache) and loads it, with libtorch, before TorchSharp does. Idempotent and thread-safe: the first call
    /// decides, later calls return its report. <c>ROBUSTNESS_LIBTORCHSHARP_COMPAT=auto|always|never</c> overrides the
    /// detection as the build property does. See docs/libtorchsharp-glibcxx.md.
    /// </summary>
    /// <param name="logger">Where to log what was done (Information when a copy was loaded); none when null.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="InvalidOperationException">The mode variable has an unknown value.</exception>
    /// <exception cref="IOException">The cache folder cannot be written.</exception>
    public static TorchLoadReport EnsureLoadable(ILogger? logger = null) => TorchNativeLoader.EnsureLoadable(logger);

    /// <summary>
    /// <see cref="EnsureLoadable"/>, then TorchSharp's own initialisation; a failure becomes one
    /// <see cref="InvalidOperationException"/> naming the real cause (GLIBCXX_3.4.32 when that is it) and what to do.
    /// </summary>
    internal static void EnsureInitialised()
    {
        if (Volatile.Read(ref _initialised))
        {
            return;
        }

        lock (_initLock)
        {
            if (_initialised)
            {
                return;
            }

            EnsureLoadable();
            NativeHeap.Tune();
            try
            {
                _ = torch.get_num_threads();
            }
            catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or EntryPointNotFoundException)
            {
                string cause = TorchNativeLoader.DiagnoseGlibcxx() ?? Innermost(e).Message.Split('\n', 2)[0];
                throw new InvalidOperationException("TorchSharp could not load its native backend: " + cause, e);
            }

            _initialised = true;
        }
    }

    /// <summary>Loads the native backend (if not yet loaded) and describes it.</summary>
    /// <returns>The backend's CUDA availability and CPU thread count.</returns>
    public static TorchRuntimeInfo Describe()
    {
        EnsureInitialised();
        bool cuda = torch.cuda.is_available();
        return new TorchRuntimeInfo(cuda, cuda ? torch.cuda.device_count() : 0, torch.get_num_threads()) { NativeHeap = Robustness.Models.NativeHeap.State };
    }

    /// <summary>Every kernel self-check run so far in this process (attacks run them on first use), in order.</summary>
    public static IReadOnlyList<KernelCheckResult> KernelChecks => FirstLayerKernels.Results;

    /// <summary>
    /// Runs (or returns, when already run) the self-checks of the kernels attacks rely on, for the built-in networks'
    /// first layers (LeNet-5: 6@5x5 on 32x32; AlexNet-8: 32@3x3 pad 1 on 28x28) on a device at the current thread count:
    /// each candidate kernel's first-layer input gradient is compared with a float64 closed form on a seeded batch, and
    /// the first within 1e-4 of the largest value is used. Attacks run the same check for their own geometry on first use.
    /// </summary>
    /// <param name="device">"cpu", "cuda" or "cuda:N".</param>
    /// <returns>One result per geometry.</returns>
    public static IReadOnlyList<KernelCheckResult> CheckKernels(string device = "cpu")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        EnsureInitialised();
        var torchDevice = torch.device(device);
        return [.. _builtInFirstLayers.Select(g => FirstLayerKernels.Check(g, torchDevice))];
    }

    /// <summary>
    /// For diagnosis: how far libtorch's own float32 first-layer input gradient (conv_transpose2d, also autograd's
    /// convolution backward) is from the float64 closed form for the built-in networks' first layers at the current
    /// thread count. The library never uses it for attacks; <c>robustness doctor</c> prints it.
    /// </summary>
    /// <param name="device">"cpu", "cuda" or "cuda:N".</param>
    /// <returns>One attempt per built-in first layer (LeNet-5, AlexNet-8).</returns>
    public static IReadOnlyList<KernelAttempt> ProbeLibtorchInputGradient(string device = "cpu")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        EnsureInitialised();
        var torchDevice = torch.device(device);
        return [.. _builtInFirstLayers.Select(g => FirstLayerKernels.ProbeLibtorch(g, torchDevice))];
    }

    /// <summary>
    /// Sets libtorch's CPU thread count (process-wide). Bitwise-reproducible CPU training needs the
    /// same count on every run.
    /// </summary>
    /// <param name="threads">Threads, positive.</param>
    public static void SetThreads(int threads)
    {
        ModelOptions.CheckPositive(threads, nameof(threads));
        EnsureInitialised();
        if (torch.get_num_threads() != threads)
        {
            torch.set_num_threads(threads);
        }
    }

    /// <summary>Applies an options thread count: 0 leaves libtorch's choice.</summary>
    internal static void ApplyThreads(int threads)
    {
        EnsureInitialised();
        if (threads > 0)
        {
            SetThreads(threads);
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is { } inner)
        {
            e = inner;
        }

        return e;
    }
}
