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
        var prep = L2Kernels.Prepare(image, direction, workspace.Breakpoints, workspace.Slopes, workspace.SquaredHeadroom);
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

    /// <summary>The search, also reporting how many Newton evaluations it took (for tests and docs).</summary>
    internal static PerturbationOutcome SolveCore(ReadOnlySpan<float> image, ReadOnlySpan<float> direction, double level, Span<float> output, L2SearchWorkspace workspace, double tolerance, out int evaluations)
    {
        float[] breakpoints = workspace.Breakpoints;
        float[] slopes = workspace.Slopes;
        float[] headroom = workspace.SquaredHeadroom;
        var prep = L2Kernels.Prepare(image, direction, breakpoints, slopes, headroom);
        evaluations = 0;
        if (level == 0)
        {
            image.CopyTo(output);
            return new PerturbationOutcome(PerturbationStatus.Reached, 0, 0, 1);
        }

        if (!prep.NonZeroDirection)
        {
            return new PerturbationOutcome(PerturbationStatus.ZeroDirection, double.NaN, double.NaN, 1);
        }

        double maxDistance = Math.Sqrt(prep.MaxSquaredDistance);
        if (prep.MovingPixels == 0 || level > maxDistance + tolerance)
        {
            return new PerturbationOutcome(PerturbationStatus.Unreachable, double.NaN, maxDistance, 1);
        }

        double target = level * level;
        double t;
        if (target >= prep.MaxSquaredDistance)
        {
            t = prep.LastBreakpoint;
        }
        else
        {
            // Newton on the concave piecewise-linear f(s), s = t^2, from below (start: no pixel saturated).
            t = Math.Sqrt(target / prep.InitialSlope);
            int previousCount = 0;
            for (int step = 0; step < MaxNewtonSteps; step++)
            {
                var ev = L2Kernels.Evaluate(breakpoints, slopes, headroom, (float)t);
                evaluations++;
                if (ev.SaturatedCount == previousCount)
                {
                    break;
                }

                if (ev.Slope <= 0)
                {
                    t = prep.LastBreakpoint;
                    break;
                }

                previousCount = ev.SaturatedCount;
                t = Math.Sqrt(Math.Max(target - ev.Saturated, 0) / ev.Slope);
            }
        }

        float size = (float)t;
        double distance = L2Kernels.ApplyAndMeasure(image, direction, size, output);
        if (Math.Abs(distance - level) <= tolerance)
        {
            return new PerturbationOutcome(PerturbationStatus.Reached, size, distance, 1);
        }

        return Correct(image, direction, level, output, workspace, tolerance, (float)prep.LastBreakpoint, size, distance, ref evaluations);
    }

    /// <summary>Float rounding left the image off its level: Newton on the real image, then bisection.</summary>
    private static PerturbationOutcome Correct(ReadOnlySpan<float> image, ReadOnlySpan<float> direction, double level, Span<float> output, L2SearchWorkspace workspace,
        double tolerance, float lastBreakpoint, float size, double distance, ref int evaluations)
    {
        for (int step = 0; step < MaxCorrectionSteps; step++)
        {
            var ev = L2Kernels.Evaluate(workspace.Breakpoints, workspace.Slopes, workspace.SquaredHeadroom, size);
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
