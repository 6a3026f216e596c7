using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Robustness.Perturbations;

/// <summary>What <see cref="L2Kernels.Prepare"/> learns about an image and a direction.</summary>
/// <param name="MovingPixels">Pixels that move before saturating (direction != 0 and headroom h &gt; 0).</param>
/// <param name="MaxSquaredDistance">Sum of h^2 over the moving pixels: the squared distance of the fully saturated image.</param>
/// <param name="InitialSlope">Sum of delta^2 over the moving pixels (the slope A of f(t) = t^2 A near t = 0).</param>
/// <param name="LastBreakpoint">The largest breakpoint h / |delta|: beyond it nothing changes.</param>
/// <param name="NonZeroDirection">Whether any direction component is non-zero.</param>
internal readonly record struct L2Preparation(int MovingPixels, double MaxSquaredDistance, double InitialSlope, double LastBreakpoint, bool NonZeroDirection);

/// <summary>What <see cref="L2Kernels.PrepareSquared"/> learns about an image and a direction (no breakpoints: no division).</summary>
/// <param name="MovingPixels">Pixels with a positive squared headroom h^2 (direction != 0 and h &gt; 0).</param>
/// <param name="MaxSquaredDistance">Sum of h^2 over the moving pixels: the squared distance of the fully saturated image.</param>
/// <param name="InitialSlope">Sum of delta^2 over the moving pixels (the slope A of f(s) = s A near s = t^2 = 0).</param>
/// <param name="NonZeroDirection">Whether any direction component is non-zero.</param>
internal readonly record struct L2SquaredPreparation(int MovingPixels, double MaxSquaredDistance, double InitialSlope, bool NonZeroDirection);

/// <summary>Sums of f(t) = B(t) + t^2 A(t) at one size t.</summary>
/// <param name="Slope">A(t): sum of delta^2 over moving pixels not yet saturated (breakpoint &gt; t).</param>
/// <param name="Saturated">B(t): sum of h^2 over saturated moving pixels (breakpoint &lt;= t).</param>
/// <param name="SaturatedCount">How many moving pixels are saturated.</param>
internal readonly record struct L2Evaluation(double Slope, double Saturated, int SaturatedCount);

/// <summary>
/// The SIMD kernels of the l2-level search. Vector256 is used with a FIXED lane count and a fixed
/// reduction order (lanes summed 0..7, then the scalar tail), so every result is the same bit for bit
/// on any machine, whatever its vector width (Vector256 falls back to two Vector128 or scalar code
/// where AVX is absent, lane by lane with the same IEEE-754 operations).
/// </summary>
internal static class L2Kernels
{
    private const int Lanes8 = 8;
    private const int Lanes = 16;

    /// <summary>
    /// One pass over the pixels: checks them (x in [0, 1], direction finite), and writes per pixel the
    /// breakpoint b = h / |delta| (+inf for a pixel that never moves), a = delta^2 and hh = h^2 (both 0 for
    /// a pixel that never moves), where h = 1 - x for delta &gt; 0, x for delta &lt; 0.
    /// </summary>
    public static L2Preparation Prepare(ReadOnlySpan<float> x, ReadOnlySpan<float> direction, Span<float> breakpoints, Span<float> slopes, Span<float> squaredHeadroom)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dr = ref MemoryMarshal.GetReference(direction);
        ref float br = ref MemoryMarshal.GetReference(breakpoints);
        ref float ar = ref MemoryMarshal.GetReference(slopes);
        ref float hr = ref MemoryMarshal.GetReference(squaredHeadroom);

        var zero = Vector256<float>.Zero;
        var one = Vector256<float>.One;
        var inf = Vector256.Create(float.PositiveInfinity);
        var accH = Vector256<float>.Zero;
        var accA = Vector256<float>.Zero;
        var maxB = Vector256<float>.Zero;
        var moving = Vector256<int>.Zero;
        var nonZero = Vector256<float>.Zero;
        var bad = Vector256<float>.Zero;
        int i = 0;
        for (; i <= n - Lanes8; i += Lanes8)
        {
            var xv = Vector256.LoadUnsafe(ref xr, (nuint)i);
            var dv = Vector256.LoadUnsafe(ref dr, (nuint)i);
            bad |= Vector256.LessThan(xv, zero) | Vector256.GreaterThan(xv, one) | ~Vector256.Equals(xv, xv) | ~Vector256.Equals(dv - dv, zero);
            var pos = Vector256.GreaterThan(dv, zero);
            var neg = Vector256.LessThan(dv, zero);
            nonZero |= pos | neg;
            var h = Vector256.ConditionalSelect(pos, one - xv, xv & neg);
            var a = Vector256.Abs(dv);
            var mov = Vector256.GreaterThan(h, zero) & (pos | neg);
            var b = Vector256.ConditionalSelect(mov, h / a, inf);
            var aa = (a * a) & mov;
            var hh = (h * h) & mov;
            b.StoreUnsafe(ref br, (nuint)i);
            aa.StoreUnsafe(ref ar, (nuint)i);
            hh.StoreUnsafe(ref hr, (nuint)i);
            accH += hh;
            accA += aa;
            maxB = Vector256.Max(maxB, b & mov);
            moving -= mov.AsInt32();
        }

        double sumH = SumLanes(accH);
        double sumA = SumLanes(accA);
        float lastB = 0f;
        for (int k = 0; k < Lanes8; k++)
        {
            lastB = Math.Max(lastB, maxB.GetElement(k));
        }

        int movingCount = 0;
        for (int k = 0; k < Lanes8; k++)
        {
            movingCount += moving.GetElement(k);
        }

        bool anyBad = bad != Vector256<float>.Zero;
        bool anyNonZero = nonZero != Vector256<float>.Zero;
        for (; i < n; i++)
        {
            float xs = x[i];
            float ds = direction[i];
            anyBad |= !(xs >= 0f && xs <= 1f) || !float.IsFinite(ds);
            anyNonZero |= ds != 0f;
            float h = ds > 0f ? 1f - xs : ds < 0f ? xs : 0f;
            float a = Math.Abs(ds);
            if (h > 0f && ds != 0f)
            {
                float b = h / a;
                breakpoints[i] = b;
                slopes[i] = a * a;
                squaredHeadroom[i] = h * h;
                sumH += h * h;
                sumA += a * a;
                lastB = Math.Max(lastB, b);
                movingCount++;
            }
            else
            {
                breakpoints[i] = float.PositiveInfinity;
                slopes[i] = 0f;
                squaredHeadroom[i] = 0f;
            }
        }

        if (anyBad)
        {
            ThrowBadInput(x, direction);
        }

        return new L2Preparation(movingCount, sumH, sumA, lastB, anyNonZero);
    }

    /// <summary>
    /// The exact search's preparation: one pass with no division. Checks the inputs (x in [0, 1],
    /// direction finite) and writes per pixel aa = delta^2 and hh = h^2 (both 0 for a pixel that never
    /// moves: delta = 0, h = 0, or h^2 below float range), where h = 1 - x for delta &gt; 0, x for delta &lt; 0.
    /// A pixel is saturated at s = t^2 exactly when hh &lt;= s * aa (float), which is monotone in s.
    /// </summary>
    public static L2SquaredPreparation PrepareSquared(ReadOnlySpan<float> x, ReadOnlySpan<float> direction, Span<float> squaredSlopes, Span<float> squaredHeadroom)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dr = ref MemoryMarshal.GetReference(direction);
        ref float ar = ref MemoryMarshal.GetReference(squaredSlopes);
        ref float hr = ref MemoryMarshal.GetReference(squaredHeadroom);

        var zero = Vector512<float>.Zero;
        var one = Vector512<float>.One;
        var good = Vector512<float>.AllBitsSet;
        var nonZero = Vector512<float>.Zero;
        var accH = Vector512<float>.Zero;
        var accA = Vector512<float>.Zero;
        var moving = Vector512<int>.Zero;
        int i = 0;
        for (; i <= n - Lanes; i += Lanes)
        {
            var xv = Vector512.LoadUnsafe(ref xr, (nuint)i);
            var dv = Vector512.LoadUnsafe(ref dr, (nuint)i);
            good &= Vector512.GreaterThanOrEqual(xv, zero) & Vector512.LessThanOrEqual(xv, one) & Vector512.Equals(dv - dv, zero);
            var pos = Vector512.GreaterThan(dv, zero);
            var neg = Vector512.LessThan(dv, zero);
            nonZero |= pos | neg;
            var h = Vector512.ConditionalSelect(pos, one - xv, xv & neg);
            var hh = h * h;
            var mov = Vector512.GreaterThan(hh, zero);
            var aa = (dv * dv) & mov;
            aa.StoreUnsafe(ref ar, (nuint)i);
            hh.StoreUnsafe(ref hr, (nuint)i);
            accH += hh;
            accA += aa;
            moving -= mov.AsInt32();
        }

        double sumH = SumLanes(accH);
        double sumA = SumLanes(accA);
        int movingCount = Vector512.Sum(moving);
        bool anyBad = good.AsInt32() != Vector512<int>.AllBitsSet;
        bool anyNonZero = nonZero != Vector512<float>.Zero;
        for (; i < n; i++)
        {
            float xs = x[i];
            float ds = direction[i];
            anyBad |= !(xs >= 0f && xs <= 1f) || !float.IsFinite(ds);
            anyNonZero |= ds != 0f;
            float h = ds > 0f ? 1f - xs : ds < 0f ? xs : 0f;
            float hh = h * h;
            float aa = hh > 0f ? ds * ds : 0f;
            squaredSlopes[i] = aa;
            squaredHeadroom[i] = hh;
            sumH += hh;
            sumA += aa;
            movingCount += hh > 0f ? 1 : 0;
        }

        if (anyBad)
        {
            ThrowBadInput(x, direction);
        }

        return new L2SquaredPreparation(movingCount, sumH, sumA, anyNonZero);
    }

    /// <summary>
    /// A(s), B(s) and the saturated count at s = t^2 (as float), from <see cref="PrepareSquared"/>'s arrays:
    /// pixel i is saturated when hh_i &lt;= s * aa_i (every non-moving pixel is, contributing 0).
    /// </summary>
    public static L2Evaluation EvaluateSquared(ReadOnlySpan<float> squaredSlopes, ReadOnlySpan<float> squaredHeadroom, float s)
    {
        int n = squaredSlopes.Length;
        ref float ar = ref MemoryMarshal.GetReference(squaredSlopes);
        ref float hr = ref MemoryMarshal.GetReference(squaredHeadroom);
        var sv = Vector512.Create(s);
        var accA = Vector512<float>.Zero;
        var accB = Vector512<float>.Zero;
        var count = Vector512<int>.Zero;
        int i = 0;
        for (; i <= n - Lanes; i += Lanes)
        {
            var aa = Vector512.LoadUnsafe(ref ar, (nuint)i);
            var hh = Vector512.LoadUnsafe(ref hr, (nuint)i);
            var sat = Vector512.LessThanOrEqual(hh, sv * aa);
            accB += hh & sat;
            accA += Vector512.AndNot(aa, sat);
            count -= sat.AsInt32();
        }

        double sumA = SumLanes(accA);
        double sumB = SumLanes(accB);
        int saturated = Vector512.Sum(count);
        for (; i < n; i++)
        {
            float aa = squaredSlopes[i];
            float hh = squaredHeadroom[i];
            if (hh <= s * aa)
            {
                sumB += hh;
                saturated++;
            }
            else
            {
                sumA += aa;
            }
        }

        return new L2Evaluation(sumA, sumB, saturated);
    }

    /// <summary>
    /// <see cref="ApplyAndMeasure"/> and <see cref="EvaluateSquared"/> in one pass: writes
    /// x' = clip(x + t * delta, 0, 1), returns its actual distance (accumulated in double, exactly as
    /// ApplyAndMeasure does) and reports the model's sums at s (the Newton step's confirmation).
    /// </summary>
    public static double ApplyMeasureEvaluate(ReadOnlySpan<float> x, ReadOnlySpan<float> direction, ReadOnlySpan<float> squaredSlopes, ReadOnlySpan<float> squaredHeadroom,
        float t, float s, Span<float> output, out L2Evaluation evaluation)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dr = ref MemoryMarshal.GetReference(direction);
        ref float ar = ref MemoryMarshal.GetReference(squaredSlopes);
        ref float hr = ref MemoryMarshal.GetReference(squaredHeadroom);
        ref float or = ref MemoryMarshal.GetReference(output);
        var tv = Vector512.Create(t);
        var sv = Vector512.Create(s);
        var zero = Vector512<float>.Zero;
        var one = Vector512<float>.One;
        var acc0 = Vector512<double>.Zero;
        var acc1 = Vector512<double>.Zero;
        var accA = Vector512<float>.Zero;
        var accB = Vector512<float>.Zero;
        var count = Vector512<int>.Zero;
        int i = 0;
        for (; i <= n - Lanes; i += Lanes)
        {
            var xv = Vector512.LoadUnsafe(ref xr, (nuint)i);
            var yv = Vector512.Min(Vector512.Max(xv + (tv * Vector512.LoadUnsafe(ref dr, (nuint)i)), zero), one);
            yv.StoreUnsafe(ref or, (nuint)i);
            var (ylo, yhi) = Vector512.Widen(yv);
            var (xlo, xhi) = Vector512.Widen(xv);
            var dlo = ylo - xlo;
            var dhi = yhi - xhi;
            acc0 += dlo * dlo;
            acc1 += dhi * dhi;
            var aa = Vector512.LoadUnsafe(ref ar, (nuint)i);
            var hh = Vector512.LoadUnsafe(ref hr, (nuint)i);
            var sat = Vector512.LessThanOrEqual(hh, sv * aa);
            accB += hh & sat;
            accA += Vector512.AndNot(aa, sat);
            count -= sat.AsInt32();
        }

        double sum = SumLanes(acc0 + acc1);
        double sumA = SumLanes(accA);
        double sumB = SumLanes(accB);
        int saturated = Vector512.Sum(count);
        for (; i < n; i++)
        {
            float y = Math.Clamp(x[i] + (t * direction[i]), 0f, 1f);
            output[i] = y;
            double d = (double)y - x[i];
            sum += d * d;
            float aa = squaredSlopes[i];
            float hh = squaredHeadroom[i];
            if (hh <= s * aa)
            {
                sumB += hh;
                saturated++;
            }
            else
            {
                sumA += aa;
            }
        }

        evaluation = new L2Evaluation(sumA, sumB, saturated);
        return Math.Sqrt(sum);
    }

    /// <summary>
    /// The largest breakpoint h / |delta| over the moving pixels (0 when none): beyond it nothing changes.
    /// Needs a division per pixel, so the exact search computes it only on its rare paths (level at or
    /// beyond the saturated image's distance, correction).
    /// </summary>
    public static float LastBreakpoint(ReadOnlySpan<float> x, ReadOnlySpan<float> direction)
    {
        float last = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            float ds = direction[i];
            float h = ds > 0f ? 1f - x[i] : ds < 0f ? x[i] : 0f;
            if (h * h > 0f)
            {
                last = Math.Max(last, h / Math.Abs(ds));
            }
        }

        return last;
    }

    /// <summary>
    /// Writes x' = clip(x + t * delta, 0, 1) (float32 arithmetic, t rounded to float) and returns the
    /// actual distance ||x' - x||_2: each difference y - x and its square exact in double, summed in
    /// double (16 fixed lanes, then the lanes in a fixed order, then the scalar tail).
    /// </summary>
    public static double ApplyAndMeasure(ReadOnlySpan<float> x, ReadOnlySpan<float> direction, float t, Span<float> output)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dr = ref MemoryMarshal.GetReference(direction);
        ref float or = ref MemoryMarshal.GetReference(output);
        var tv = Vector512.Create(t);
        var zero = Vector512<float>.Zero;
        var one = Vector512<float>.One;
        var acc0 = Vector512<double>.Zero;
        var acc1 = Vector512<double>.Zero;
        int i = 0;
        for (; i <= n - Lanes; i += Lanes)
        {
            var xv = Vector512.LoadUnsafe(ref xr, (nuint)i);
            var yv = Vector512.Min(Vector512.Max(xv + (tv * Vector512.LoadUnsafe(ref dr, (nuint)i)), zero), one);
            yv.StoreUnsafe(ref or, (nuint)i);
            var (ylo, yhi) = Vector512.Widen(yv);
            var (xlo, xhi) = Vector512.Widen(xv);
            var dlo = ylo - xlo;
            var dhi = yhi - xhi;
            acc0 += dlo * dlo;
            acc1 += dhi * dhi;
        }

        double sum = SumLanes(acc0 + acc1);
        for (; i < n; i++)
        {
            float y = Math.Clamp(x[i] + (t * direction[i]), 0f, 1f);
            output[i] = y;
            double d = (double)y - x[i];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }

    /// <summary>The distance ||y - x||_2 of two equal-length images, accumulated in double.</summary>
    public static double Distance(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = (double)y[i] - x[i];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SumLanes(Vector256<float> v)
    {
        double s = 0;
        for (int k = 0; k < Lanes8; k++)
        {
            s += v.GetElement(k);
        }

        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SumLanes(Vector256<double> v) => ((v.GetElement(0) + v.GetElement(1)) + v.GetElement(2)) + v.GetElement(3);

    /// <summary>Sums 16 float lanes in double in a fixed order (lane k + lane k + 8, then those 8 as 4 + 4, then 0..3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SumLanes(Vector512<float> v)
    {
        var (lo, hi) = Vector512.Widen(v);
        return SumLanes(lo + hi);
    }

    /// <summary>Sums 8 double lanes in a fixed order (lane k + lane k + 4, then 0..3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SumLanes(Vector512<double> v) => SumLanes(v.GetLower() + v.GetUpper());

    private static void ThrowBadInput(ReadOnlySpan<float> x, ReadOnlySpan<float> direction)
    {
        for (int i = 0; i < x.Length; i++)
        {
            if (!(x[i] >= 0f && x[i] <= 1f))
            {
                throw new ArgumentException(FormattableString.Invariant($"Pixel {i} of the image is {x[i]}; every pixel must be finite and within [0, 1]."), nameof(x));
            }

            if (!float.IsFinite(direction[i]))
            {
                throw new ArgumentException(FormattableString.Invariant($"Component {i} of the direction is {direction[i]}; every component must be finite."), nameof(direction));
            }
        }
    }
}
