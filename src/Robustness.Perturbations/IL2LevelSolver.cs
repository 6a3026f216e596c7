namespace Robustness.Perturbations;

/// <summary>
/// Finds the size t &gt;= 0 that puts x' = clip(x + t * delta, 0, 1) at l2 distance L from x, for one
/// image and one direction, and writes x'. <see cref="ExactL2LevelSearch"/> solves it exactly;
/// <see cref="PaperGridSearch"/> is the paper's trial-and-error grid, kept as a baseline.
/// </summary>
public interface IL2LevelSolver
{
    /// <summary>A short name for reports ("exact", "paper-grid").</summary>
    string Name { get; }

    /// <summary>The largest |achieved distance - level| this solver accepts for <see cref="PerturbationStatus.Reached"/>.</summary>
    double Tolerance { get; }

    /// <summary>Solves one image.</summary>
    /// <param name="image">The clean image x, pixels in [0, 1].</param>
    /// <param name="direction">The direction delta, finite, same length as the image.</param>
    /// <param name="level">The target l2 distance L, finite and &gt;= 0.</param>
    /// <param name="output">Receives x' (same length). Its content is unspecified unless the outcome has an image.</param>
    /// <param name="workspace">Scratch memory sized for this image (one per thread).</param>
    /// <returns>The outcome: <see cref="PerturbationStatus.Reached"/> with the size and distance, or why no image was produced.</returns>
    PerturbationOutcome Solve(ReadOnlySpan<float> image, ReadOnlySpan<float> direction, double level, Span<float> output, L2SearchWorkspace workspace);
}
