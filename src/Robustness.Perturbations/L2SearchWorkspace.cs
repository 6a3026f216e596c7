namespace Robustness.Perturbations;

/// <summary>
/// Scratch memory for the l2-level search of one image at a time: breakpoints and per-pixel sums,
/// plus room for a direction. Allocate one per thread and reuse it for every image of the same size;
/// the search then allocates nothing. Not thread-safe.
/// </summary>
public sealed class L2SearchWorkspace
{
    /// <summary>Creates a workspace for images of <paramref name="pixelCount"/> pixels.</summary>
    /// <param name="pixelCount">Pixels per image, positive (784 for MNIST).</param>
    public L2SearchWorkspace(int pixelCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pixelCount);
        PixelCount = pixelCount;
        Breakpoints = new float[pixelCount];
        Slopes = new float[pixelCount];
        SquaredHeadroom = new float[pixelCount];
        Direction = new float[pixelCount];
        Candidate = new float[pixelCount];
        Noise = new NormalScratch(pixelCount);
    }

    /// <summary>The image size this workspace serves.</summary>
    public int PixelCount { get; }

    /// <summary>Per pixel breakpoint h / |delta| (+inf for a pixel that never moves).</summary>
    internal float[] Breakpoints { get; }

    /// <summary>Per pixel delta^2 (0 for a pixel that never moves).</summary>
    internal float[] Slopes { get; }

    /// <summary>Per pixel h^2 (0 for a pixel that never moves).</summary>
    internal float[] SquaredHeadroom { get; }

    /// <summary>Room for a direction (used by perturbations that draw or compute one).</summary>
    internal float[] Direction { get; }

    /// <summary>Room for a candidate image (used by the grid-search baseline).</summary>
    internal float[] Candidate { get; }

    /// <summary>Scratch of the Gaussian noise generator.</summary>
    internal NormalScratch Noise { get; }

    internal void CheckSize(int pixels, string paramName)
    {
        if (pixels != PixelCount)
        {
            throw new ArgumentException(FormattableString.Invariant(
                $"The workspace serves images of {PixelCount} pixels; the image has {pixels}."), paramName);
        }
    }
}
