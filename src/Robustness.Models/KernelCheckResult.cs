namespace Robustness.Models;

/// <summary>
/// One self-check of a native kernel against a float64 closed form (see <see cref="TorchRuntime.CheckKernels"/>): which
/// candidates were tried, how far each was off, and which one the library uses. A check with no passing candidate means
/// the library refuses the work that needs the kernel (attacks) on this machine.
/// </summary>
/// <param name="Name">What is checked, e.g. "first-layer input gradient".</param>
/// <param name="Geometry">The shape checked, e.g. "6@5x5 pad 0 on 32x32".</param>
/// <param name="Device">The device, e.g. "cpu" or "cuda:0".</param>
/// <param name="Threads">libtorch's CPU thread count during the check.</param>
/// <param name="Chosen">The kernel used from now on, or null when every candidate failed.</param>
/// <param name="Attempts">The candidates tried, in order, up to the first that passed.</param>
public sealed record KernelCheckResult(string Name, string Geometry, string Device, int Threads, string? Chosen, IReadOnlyList<KernelAttempt> Attempts)
{
    /// <summary>Whether a candidate passed.</summary>
    public bool Passed => Chosen is not null;

    /// <summary>Order of the check within the process.</summary>
    internal int Sequence { get; init; }
}

/// <summary>One candidate of a <see cref="KernelCheckResult"/>.</summary>
/// <param name="Kernel">The candidate's name.</param>
/// <param name="MaxRelativeError">max |candidate - float64 reference| / max |reference| (infinity for NaN).</param>
/// <param name="Passed">Whether the error was within the tolerance.</param>
public sealed record KernelAttempt(string Kernel, double MaxRelativeError, bool Passed);
