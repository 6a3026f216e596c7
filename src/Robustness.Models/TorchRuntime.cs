using TorchSharp;

namespace Robustness.Models;

/// <summary>What the loaded TorchSharp native backend offers.</summary>
/// <param name="CudaAvailable">Whether a CUDA device can be used (a CUDA backend package and a GPU).</param>
/// <param name="CudaDeviceCount">Number of visible CUDA devices; 0 without CUDA.</param>
/// <param name="Threads">Threads libtorch uses for CPU operations.</param>
public sealed record TorchRuntimeInfo(bool CudaAvailable, int CudaDeviceCount, int Threads);

/// <summary>
/// Entry point to TorchSharp's native backend. Touching it loads libtorch; a missing or unloadable
/// backend surfaces here with TorchSharp's own explanation.
/// </summary>
public static class TorchRuntime
{
    /// <summary>Loads the native backend (if not yet loaded) and describes it.</summary>
    /// <returns>The backend's CUDA availability and CPU thread count.</returns>
    public static TorchRuntimeInfo Describe()
    {
        bool cuda = torch.cuda.is_available();
        return new TorchRuntimeInfo(cuda, cuda ? torch.cuda.device_count() : 0, torch.get_num_threads());
    }

    /// <summary>
    /// Sets libtorch's CPU thread count (process-wide). Bitwise-reproducible CPU training needs the
    /// same count on every run.
    /// </summary>
    /// <param name="threads">Threads, positive.</param>
    public static void SetThreads(int threads)
    {
        ModelOptions.CheckPositive(threads, nameof(threads));
        if (torch.get_num_threads() != threads)
        {
            torch.set_num_threads(threads);
        }
    }

    /// <summary>Applies an options thread count: 0 leaves libtorch's choice.</summary>
    internal static void ApplyThreads(int threads)
    {
        if (threads > 0)
        {
            SetThreads(threads);
        }
    }
}
