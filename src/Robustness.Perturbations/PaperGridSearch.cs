namespace Robustness.Perturbations;

/// <summary>
/// The paper's trial-and-error search, kept as a baseline with the same interface as
/// <see cref="ExactL2LevelSearch"/>: try a grid of candidate sizes, build each perturbed image and
/// measure it, keep the closest; when none is within <see cref="Tolerance"/> (a quarter of the level
/// spacing, 0.125 for levels 0.5 apart), refine the grid around the best candidate and try again.
/// </summary>
/// <remarks>
/// The first grid spans (0, T]: T = <see cref="InitialRange"/> (1.0: sigma / eps candidates 0.1, 0.2,
/// ..., 1.0, as a trial-and-error search over sizes would), doubled while even T falls short of the
/// level. With <see cref="StartFromUnclippedGuess"/> T starts instead at L / ||delta||, the size that
/// would be exact without clipping (a strengthened baseline, not the paper's). Each refinement narrows
/// the grid to the two cells around the best candidate. Candidates are built and measured exactly as
/// the exact search builds its final image, so the two compare like with like.
/// </remarks>
public sealed class PaperGridSearch : IL2LevelSolver
{
    /// <summary>The paper's accepted error: a quarter of the 0.5 level spacing.</summary>
    public const double DefaultTolerance = 0.125;

    /// <summary>Creates the baseline.</summary>
    /// <param name="tolerance">Accepted |distance - level|, within (0, 10]; the paper used 0.125.</param>
    /// <param name="candidatesPerRound">Candidate sizes per grid, 2..1000.</param>
    /// <param name="maxRounds">Refinements before giving up, 1..1000.</param>
    /// <param name="initialRange">The top of the first grid, positive and finite (1.0: sizes 0.1 .. 1.0).</param>
    /// <param name="startFromUnclippedGuess">Start the first grid at L / ||delta|| instead (strengthened baseline).</param>
    public PaperGridSearch(double tolerance = DefaultTolerance, int candidatesPerRound = 10, int maxRounds = 60, double initialRange = 1.0, bool startFromUnclippedGuess = false)
    {
        if (!(initialRange > 0 && double.IsFinite(initialRange)))
        {
            throw new ArgumentOutOfRangeException(nameof(initialRange), initialRange, "The initial range must be positive and finite.");
        }

        if (!(tolerance > 0 && tolerance <= 10))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The tolerance must be within (0, 10].");
        }

        if (candidatesPerRound is < 2 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(candidatesPerRound), candidatesPerRound, "Candidates per round must be within 2..1000.");
        }

        if (maxRounds is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRounds), maxRounds, "Rounds must be within 1..1000.");
        }

        Tolerance = tolerance;
        CandidatesPerRound = candidatesPerRound;
        MaxRounds = maxRounds;
        InitialRange = initialRange;
        StartFromUnclippedGuess = startFromUnclippedGuess;
    }

    /// <inheritdoc />
    public string Name => StartFromUnclippedGuess ? "paper-grid-guess" : "paper-grid";

    /// <summary>The top of the first grid of sizes (unless <see cref="StartFromUnclippedGuess"/>).</summary>
    public double InitialRange { get; }

    /// <summary>Whether the first grid starts at the unclipped guess L / ||delta|| (strengthened baseline).</summary>
    public bool StartFromUnclippedGuess { get; }

    /// <inheritdoc />
    public double Tolerance { get; }

    /// <summary>Candidate sizes tried per grid.</summary>
    public int CandidatesPerRound { get; }

    /// <summary>Grids tried before the image is reported <see cref="PerturbationStatus.ToleranceNotMet"/>.</summary>
    public int MaxRounds { get; }

    /// <inheritdoc />
    public PerturbationOutcome Solve(ReadOnlySpan<float> image, ReadOnlySpan<float> direction, double level, Span<float> output, L2SearchWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ExactL2LevelSearch.CheckLengths(image, direction, output);
        workspace.CheckSize(image.Length, nameof(image));
        ExactL2LevelSearch.CheckLevel(level);
        var prep = L2Kernels.Prepare(image, direction, workspace.Breakpoints, workspace.Slopes, workspace.SquaredHeadroom);
        if (ExactL2LevelSearch.EarlyOutcome(image, level, output, prep.NonZeroDirection, prep.MovingPixels, prep.MaxSquaredDistance, Tolerance) is { } early)
        {
            return early;
        }

        Span<float> candidate = workspace.Candidate;
        double last = prep.LastBreakpoint;

        // Trial sizes: grow the range until its top reaches the level.
        double lo = 0;
        double hi = Math.Min(StartFromUnclippedGuess ? level / Math.Sqrt(prep.InitialSlope) : InitialRange, last);
        while (true)
        {
            double d = L2Kernels.ApplyAndMeasure(image, direction, (float)hi, candidate);
            if (Math.Abs(d - level) <= Tolerance)
            {
                return Finish(image, direction, output, (float)hi);
            }

            if (d >= level || hi >= last)
            {
                break;
            }

            lo = hi;
            hi = Math.Min(hi * 2, last);
        }

        for (int round = 0; round < MaxRounds; round++)
        {
            double step = (hi - lo) / CandidatesPerRound;
            double best = hi;
            double bestError = double.PositiveInfinity;
            for (int k = 1; k <= CandidatesPerRound; k++)
            {
                double t = lo + (k * step);
                double d = L2Kernels.ApplyAndMeasure(image, direction, (float)t, candidate);
                double error = Math.Abs(d - level);
                if (error < bestError)
                {
                    bestError = error;
                    best = t;
                }
            }

            if (bestError <= Tolerance)
            {
                return Finish(image, direction, output, (float)best);
            }

            lo = Math.Max(0, best - step);
            hi = best + step;
        }

        return new PerturbationOutcome(PerturbationStatus.ToleranceNotMet, hi, double.NaN, 1);
    }

    private static PerturbationOutcome Finish(ReadOnlySpan<float> image, ReadOnlySpan<float> direction, Span<float> output, float size)
    {
        double distance = L2Kernels.ApplyAndMeasure(image, direction, size, output);
        return new PerturbationOutcome(PerturbationStatus.Reached, size, distance, 1);
    }
}
