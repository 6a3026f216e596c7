using System.Globalization;
using TorchSharp;

namespace Robustness.Models;

/// <summary>The kind of device a <see cref="ComputeDevice"/> names.</summary>
public enum ComputeDeviceKind
{
    /// <summary>CUDA when <c>torch.cuda.is_available()</c>, else the CPU.</summary>
    Auto = 0,

    /// <summary>The CPU.</summary>
    Cpu = 1,

    /// <summary>A CUDA GPU (needs a CUDA backend package and a GPU).</summary>
    Cuda = 2,
}

/// <summary>
/// A device request: <c>auto</c>, <c>cpu</c>, <c>cuda</c> (GPU 0) or <c>cuda:n</c>. Parse it from the
/// command line or options, then <see cref="Resolve"/> it to the device models and data live on.
/// </summary>
/// <param name="Kind">Auto, CPU or CUDA.</param>
/// <param name="Index">The CUDA device index (0 unless given); always 0 for the CPU and auto.</param>
public sealed record ComputeDevice(ComputeDeviceKind Kind, int Index = 0)
{
    /// <summary><c>auto</c>: CUDA device 0 when available, else the CPU.</summary>
    public static ComputeDevice Auto { get; } = new(ComputeDeviceKind.Auto);

    /// <summary><c>cpu</c>.</summary>
    public static ComputeDevice Cpu { get; } = new(ComputeDeviceKind.Cpu);

    /// <summary>Parses <c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:n</c> (case-insensitive, n &gt;= 0).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The device request.</returns>
    /// <exception cref="ArgumentException">The text is none of these forms.</exception>
    public static ComputeDevice Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var device)
            ? device
            : throw new ArgumentException($"Device '{text}' is not one of auto, cpu, cuda, cuda:N (N >= 0).", nameof(text));
    }

    /// <summary>Parses a device request without throwing.</summary>
    /// <param name="text">The text (may be null).</param>
    /// <param name="device">The request, or null when the text is not a device.</param>
    /// <returns>Whether the text was a device.</returns>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ComputeDevice? device)
    {
        device = null;
        if (text is null)
        {
            return false;
        }

        string t = text.Trim().ToLowerInvariant();
        switch (t)
        {
            case "auto":
                device = Auto;
                return true;
            case "cpu":
                device = Cpu;
                return true;
            case "cuda":
                device = new ComputeDevice(ComputeDeviceKind.Cuda);
                return true;
        }

        if (t.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(t.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            device = new ComputeDevice(ComputeDeviceKind.Cuda, index);
            return true;
        }

        return false;
    }

    /// <summary>
    /// The device to use: <c>auto</c> becomes <c>cuda:0</c> when CUDA is available, else <c>cpu</c>.
    /// Loads the native backend.
    /// </summary>
    /// <returns>A concrete request (never <see cref="ComputeDeviceKind.Auto"/>).</returns>
    /// <exception cref="InvalidOperationException">CUDA was asked for but is not available, or the index is past the last GPU.</exception>
    public ComputeDevice Resolve()
    {
        TorchRuntime.EnsureInitialised();
        switch (Kind)
        {
            case ComputeDeviceKind.Cpu:
                return Cpu;
            case ComputeDeviceKind.Auto:
                return torch.cuda.is_available() ? new ComputeDevice(ComputeDeviceKind.Cuda) : Cpu;
            default:
                if (!torch.cuda.is_available())
                {
                    throw new InvalidOperationException($"Device '{this}' was requested, but CUDA is not available (the loaded TorchSharp backend has no CUDA or no GPU is visible). Use 'cpu' or 'auto'.");
                }

                int count = torch.cuda.device_count();
                if (Index >= count)
                {
                    throw new InvalidOperationException($"Device '{this}' was requested, but only {count} CUDA device(s) are visible (cuda:0..cuda:{count - 1}).");
                }

                return this;
        }
    }

    /// <summary>Whether this (resolved) device is a CUDA device.</summary>
    public bool IsCuda => Kind == ComputeDeviceKind.Cuda;

    /// <summary>The TorchSharp device of a resolved request.</summary>
    /// <returns>The device.</returns>
    internal torch.Device ToTorch() => Resolve() is { IsCuda: true } cuda ? new torch.Device(DeviceType.CUDA, cuda.Index) : torch.CPU;

    /// <summary>The text form: <c>auto</c>, <c>cpu</c> or <c>cuda:n</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Kind switch
    {
        ComputeDeviceKind.Auto => "auto",
        ComputeDeviceKind.Cpu => "cpu",
        _ => string.Create(CultureInfo.InvariantCulture, $"cuda:{Index}"),
    };
}
