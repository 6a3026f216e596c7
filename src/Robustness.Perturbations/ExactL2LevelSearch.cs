using System.Globalization;
using System.Numerics.Tensors;

namespace Robustness.Perturbations;

/// <summary>
/// The exact l2-level search. For x in [0, 1] and a direction delta, the squared distance after
/// clipping is f(t) = sum_i min(t |delta_i|, h_i)^2 (h_i = 1 - x_i where delta_i &gt; 0, x_i where
/// delta_i &lt; 0): monotone and piecewise quadratic in t, and in s = t^2 piecewise LINEAR and concave
/// (the slope A(t) = sum of delta_i^2 over pixels not yet saturated only falls). Newton's method on
/// that concave function, started below the root, climbs monotonically and lands exactly on the
/// root once no breakpoint h_i / |delta_i| lies between two iterates: t = sqrt((L^2 - B) / A), with
/// B the sum of h_i^2 over saturated pixels. The float32 image is then built and its distance
/// measured in double; an image off by more than <see cref="Tolerance"/> is corrected (Newton, then
/// bisection, on the real image) or reported, never emitted. See docs/perturbations.md.
/// </summary>
public sealed class ExactL2LevelSearch : IL2LevelSolver
{
    /// <summary>The default tolerance on |achieved distance - level|: 1e-4.</summary>
    public const double DefaultTolerance = 1e-4;

    private const int MaxNewtonSteps = 200;
    private const int MaxCorrectionSteps = 8;
    private const int MaxBisectionSteps = 80;
    private const int BuildWhenLastStepCrossedAtMost = 2;

    /// <summary>Creates the search.</summary>
    /// <param name="tolerance">The largest accepted |achieved distance - level|; within (0, 1].</param>
    public ExactL2LevelSearch(double tolerance = DefaultTolerance)
    {
        if (!(tolerance > 0 && tolerance <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The tolerance must be within (0, 1]; it bounds |achieved distance - level|.");
        }

        Tolerance = tolerance;
    }

    /// <summary>The search with the default tolerance (1e-4).</summary>
    public static ExactL2LevelSearch Default { get; } = new();

    /// <inheritdoc />
    public string Name => "exact";

    /// <inheritdoc />
    public double Tolerance { get; }

    /// <summary>
    /// The raw-size form: writes x' = clip(x + size * delta, 0, 1) and returns its measured l2 distance
    /// from x (accumulated in double). No search: the size is the classic sigma / eps.
    /// </summary>
    /// <param name="image">The clean image, pixels in [0, 1].</param>
    /// <param name="direction">The direction, finite, same length.</param>
    /// <param name="size">The size t, finite and &gt;= 0 (applied as float32).</param>
    /// <param name="output">Receives x' (same length).</param>
    /// <returns>The achieved distance ||x' - x||_2.</returns>
    public static double ApplySize(ReadOnlySpan<float> image, ReadOnlySpan<float> direction, double size, Span<float> output)
    {
        CheckLengths(image, direction, output);
        if (!(size >= 0 && double.IsFinite(size)))
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "The size must be finite and >= 0.");
        }

        CheckValues(image, direction);
        return L2Kernels.ApplyAndMeasure(image, direction, (float)size, output);
    }

    /// <summary>
    /// The largest l2 distance reachable from x along delta: that of the fully saturated image,
    /// sqrt(sum of h_i^2 over pixels with delta_i != 0).
    /// </summary>
    /// <param name="image">The clean image, pixels in [0, 1].</param>
    /// <param name="direction">The direction, finite, same length.</param>
    /// <param name="workspace">Scratch memory sized for this image.</param>
    /// <returns>The distance (0 when nothing can move).</returns>
    public static double MaxReachableDistance(ReadOnlySpan<float> image, ReadOnlySpan<float> direction, L2SearchWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        CheckLengths(image, direction, image);
        workspace.CheckSize(image.Length, nameof(image));
        var prep = L2Kernels.PrepareSquared(image, direction, workspace.Slopes, workspace.SquaredHeadroom);
        return Math.Sqrt(prep.MaxSquaredDistance);
    }

    /// <inheritdoc />
    public PerturbationOutcome Solve(ReadOnlySpan<float> image, ReadOnlySpan<float> direction, double level, Span<float> output, L2SearchWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        CheckLengths(image, direction, output);
        workspace.CheckSize(image.Length, nameof(image));
        CheckLevel(level);
        return SolveCore(image, direction, level, output, workspace, Tolerance, out _);
    }

    /// <summary>
    /// The outcomes every solver decides before searching: level 0 (the clean image), a zero direction, a level too small
    /// to measure where nothing moves (the clean image is within the tolerance), and a level beyond the reachable distance.
    /// Null when a search is needed.
    /// </summary>
    internal static PerturbationOutcome? EarlyOutcome(ReadOnlySpan<float> image, double level, Span<float> output, bool nonZeroDirection, int movingPixels,
        double maxSquaredDistance, double tolerance)
    {
        if (level == 0)
        {
            image.CopyTo(output);
            return new PerturbationOutcome(PerturbationStatus.Reached, 0, 0, 1);
        }

        if (!nonZeroDirection)
        {
            return new PerturbationOutcome(PerturbationStatus.ZeroDirection, double.NaN, double.NaN, 1);
        }

        double maxDistance = Math.Sqrt(maxSquaredDistance);
        if (movingPixels == 0 && level <= tolerance)
        {
            // Every headroom is below float resolution (e.g. a pixel of 1e-33 moving down): the clean image is
            // the best float image and it is within the tolerance of so small a level.
            image.CopyTo(output);
            return new PerturbationOutcome(PerturbationStatus.Reached, 0, 0, 1);
        }

        return movingPixels == 0 || level > maxDistance + tolerance
            ? new PerturbationOutcome(PerturbationStatus.Unreachable, double.NaN, maxDistance, 1)
            : null;
    }

    /// <summary>The search, also reporting how many Newton evaluations (passes after the preparation) it took.</summary>
    internal static PerturbationOutcome SolveCore(ReadOnlySpan<float> image, ReadOnlySpan<float> direction, double level, Span<float> output, L2SearchWorkspace workspace, double tolerance, out int evaluations)
    {
        float[] slopes = workspace.Slopes;
        float[] headroom = workspace.SquaredHeadroom;
        var prep = L2Kernels.PrepareSquared(image, direction, slopes, headroom);
        evaluations = 0;
        if (EarlyOutcome(image, level, output, prep.NonZeroDirection, prep.MovingPixels, prep.MaxSquaredDistance, tolerance) is { } early)
        {
            return early;
        }

        double target = level * level;
        if (target >= prep.MaxSquaredDistance || !(prep.InitialSlope > 0))
        {
            return FinishAt(image, direction, level, output, workspace, tolerance, L2Kernels.LastBreakpoint(image, direction), ref evaluations);
        }

        // Newton on the concave piecewise-linear f(s) = B(s) + s A(s), s = t^2, from s_0 = L^2 / A(0)
        // (the unclipped size: a lower bound of the root). Every iterate stays at or below the root and
        // they climb; once a pass finds the same saturated count as the pass before, its s is the root of
        // its bracket. A pass that is likely to be that last one also builds and measures the image.
        double s = target / prep.InitialSlope;
        int previousCount = image.Length - prep.MovingPixels;
        int previousStep = int.MaxValue;
        for (int step = 0; step < MaxNewtonSteps; step++)
        {
            L2Evaluation ev;
            float size = (float)Math.Sqrt(s);
            bool build = ShouldBuild(previousStep);
            double distance = build
                ? L2Kernels.ApplyMeasureEvaluate(image, direction, slopes, headroom, size, (float)s, output, out ev)
                : EvaluateOnly(slopes, headroom, (float)s, out ev);
            evaluations++;
            if (ev.SaturatedCount == previousCount)
            {
                if (!build)
                {
                    distance = L2Kernels.ApplyAndMeasure(image, direction, size, output);
                }

                return Check(image, direction, level, output, workspace, tolerance, size, distance, ref evaluations);
            }

            if (ev.Slope <= 0)
            {
                break;
            }

            previousStep = Math.Abs(ev.SaturatedCount - previousCount);
            previousCount = ev.SaturatedCount;
            s = Math.Max(target - ev.Saturated, 0) / ev.Slope;
        }

        return FinishAt(image, direction, level, output, workspace, tolerance, L2Kernels.LastBreakpoint(image, direction), ref evaluations);
    }

    /// <summary>
    /// Whether the next Newton pass should also build the image: when the last step crossed few
    /// breakpoints (Newton's steps shrink fast, so the next one likely crosses none and is the last).
    /// </summary>
    private static bool ShouldBuild(int previousStep) => previousStep <= BuildWhenLastStepCrossedAtMost;

    private static double EvaluateOnly(ReadOnlySpan<float> slopes, ReadOnlySpan<float> headroom, float s, out L2Evaluation evaluation)
    {
        evaluation = L2Kernels.EvaluateSquared(slopes, headroom, s);
        return double.NaN;
    }

    private static PerturbationOutcome FinishAt(ReadOnlySpan<float> image, ReadOnlySpan<float> direction, double level, Span<float> output, L2SearchWorkspace workspace,
        double tolerance, float size, ref int evaluations)
    {
        double distance = L2Kernels.ApplyAndMeasure(image, direction, size, output);
        return Check(image, direction, level, output, workspace, tolerance, size, distance, ref evaluations);
    }

    private static PerturbationOutcome Check(ReadOnlySpan<float> image, ReadOnlySpan<float> direction, double level, Span<float> output, L2SearchWorkspace workspace,
        double tolerance, float size, double distance, ref int evaluations)
    {
        if (Math.Abs(distance - level) <= tolerance)
        {
            return new PerturbationOutcome(PerturbationStatus.Reached, size, distance, 1);
        }

        return Correct(image, direction, level, output, workspace, tolerance, L2Kernels.LastBreakpoint(image, direction), size, distance, ref evaluations);
    }

    /// <summary>Float rounding left the image off its level: Newton on the real image, then bisection.</summary>
    private static PerturbationOutcome Correct(ReadOnlySpan<float> image, ReadOnlySpan<float> direction, double level, Span<float> output, L2SearchWorkspace workspace,
        double tolerance, float lastBreakpoint, float size, double distance, ref int evaluations)
    {
        for (int step = 0; step < MaxCorrectionSteps; step++)
        {
            var ev = L2Kernels.EvaluateSquared(workspace.Slopes, workspace.SquaredHeadroom, size * size);
            evaluations++;
            double derivative = size * ev.Slope / distance;
            if (!(derivative > 0) || !double.IsFinite(derivative))
            {
                break;
            }

            size = (float)Math.Clamp(size - ((distance - level) / derivative), 0, lastBreakpoint);
            distance = L2Kernels.ApplyAndMeasure(image, direction, size, output);
            if (Math.Abs(distance - level) <= tolerance)
            {
                return new PerturbationOutcome(PerturbationStatus.Reached, size, distance, 1);
            }
        }

        // The distance of the real float image is monotone in t: bisect between 0 and the last breakpoint.
        float lo = 0f;
        float hi = lastBreakpoint;
        for (int step = 0; step < MaxBisectionSteps; step++)
        {
            float mid = lo + ((hi - lo) * 0.5f);
            if (mid <= lo || mid >= hi)
            {
                break;
            }

            size = mid;
            distance = L2Kernels.ApplyAndMeasure(image, direction, size, output);
            evaluations++;
            if (Math.Abs(distance - level) <= tolerance)
            {
                return new PerturbationOutcome(PerturbationStatus.Reached, size, distance, 1);
            }

            if (distance < level)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return new PerturbationOutcome(PerturbationStatus.ToleranceNotMet, size, distance, 1);
    }

    internal static void CheckLengths(ReadOnlySpan<float> image, ReadOnlySpan<float> direction, ReadOnlySpan<float> output)
    {
        if (image.Length == 0)
        {
            throw new ArgumentException("The image is empty; it needs at least one pixel.", nameof(image));
        }

        if (direction.Length != image.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The direction has {direction.Length} components; the image has {image.Length} pixels."), nameof(direction));
        }

        if (output.Length != image.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The output holds {output.Length} pixels; the image has {image.Length}."), nameof(output));
        }
    }

    internal static void CheckLevel(double level)
    {
        if (!(level >= 0 && double.IsFinite(level)))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The l2 level must be finite and >= 0.");
        }
    }

    internal static void CheckValues(ReadOnlySpan<float> image, ReadOnlySpan<float> direction)
    {
        float min = TensorPrimitives.Min(image);
        float max = TensorPrimitives.Max(image);
        if (!(min >= 0f && max <= 1f))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The image's pixels span [{min}, {max}]; every pixel must be finite and within [0, 1]."), nameof(image));
        }

        float magnitude = TensorPrimitives.MaxMagnitude(direction);
        if (!float.IsFinite(magnitude))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The direction holds {magnitude}; every component must be finite."), nameof(direction));
        }
    }
}
