using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Robustness.Perturbations;

/// <summary>Scratch memory for <see cref="NormalNoise.Fill"/> (one per thread).</summary>
internal sealed class NormalScratch
{
    public NormalScratch(int count)
    {
        int pairs = (count + 1) / 2;
        PaddedPairs = (pairs + 7) & ~7;
        Radius = new double[PaddedPairs];
        Angle = new double[PaddedPairs];
        First = new float[PaddedPairs];
        Second = new float[PaddedPairs];
    }

    public int PaddedPairs { get; }

    public double[] Radius { get; }

    public double[] Angle { get; }

    public float[] First { get; }

    public float[] Second { get; }
}

/// <summary>
/// Standard normal noise from Philox4x32-10 through the Box-Muller transform, bit-for-bit
/// reproducible: the uniforms are integers, and the transform uses only IEEE-754 operations that are
/// correctly rounded everywhere (+, -, *, /, sqrt, floor, double-to-float), lane by lane, with its own
/// polynomial log, sin and cos (no libm, no fused multiply-add). Same (key, stream, draw) = same
/// floats on every machine and thread.
/// </summary>
/// <remarks>
/// Pair p (p = 0 .. ceil(n/2) - 1) takes Philox block p / 2 of counter (p / 2, stream, draw, 0): words
/// 0-1 for even p, 2-3 for odd p. The first word gives u = (w + 1) / 2^32 in (0, 1], the second
/// v = w / 2^32 in [0, 1); r = sqrt(-2 ln u), theta = 2 pi v. Pixel p gets r cos(theta) and pixel
/// ceil(n/2) + p gets r sin(theta). |z| &lt;= sqrt(64 ln 2) = 6.66.
/// </remarks>
internal static class NormalNoise
{
    private const double TwoToMinus32 = 1.0 / 4294967296.0;
    private const double Ln2 = 0.6931471805599453094;
    private const double Sqrt2 = 1.4142135623730950488;
    private const double HalfPi = 1.5707963267948966192;

    /// <summary>Fills <paramref name="destination"/> with N(0, 1) floats for (key, stream, draw).</summary>
    public static void Fill(ulong key, uint stream, uint draw, Span<float> destination, NormalScratch scratch)
    {
        int n = destination.Length;
        int pairs = (n + 1) / 2;
        if (scratch.PaddedPairs < ((pairs + 7) & ~7))
        {
            throw new ArgumentException(FormattableString.Invariant($"The scratch serves {scratch.PaddedPairs} pairs; {pairs} are needed."), nameof(scratch));
        }

        int padded = (pairs + 7) & ~7;
        double[] radius = scratch.Radius;
        double[] angle = scratch.Angle;
        uint k0 = (uint)key;
        uint k1 = (uint)(key >> 32);
        for (int p = 0; p < padded; p += 2)
        {
            Philox4x32.Block((uint)(p >> 1), stream, draw, 0, k0, k1, out uint w0, out uint w1, out uint w2, out uint w3);
            radius[p] = (w0 + 1.0) * TwoToMinus32;
            angle[p] = w1 * TwoToMinus32;
            radius[p + 1] = (w2 + 1.0) * TwoToMinus32;
            angle[p + 1] = w3 * TwoToMinus32;
        }

        ref double rr = ref MemoryMarshal.GetArrayDataReference(radius);
        ref double ar = ref MemoryMarshal.GetArrayDataReference(angle);
        ref float fr = ref MemoryMarshal.GetArrayDataReference(scratch.First);
        ref float sr = ref MemoryMarshal.GetArrayDataReference(scratch.Second);
        for (int p = 0; p < padded; p += 8)
        {
            BoxMuller(Vector256.LoadUnsafe(ref rr, (nuint)p), Vector256.LoadUnsafe(ref ar, (nuint)p), out var c0, out var s0);
            BoxMuller(Vector256.LoadUnsafe(ref rr, (nuint)(p + 4)), Vector256.LoadUnsafe(ref ar, (nuint)(p + 4)), out var c1, out var s1);
            Vector256.Narrow(c0, c1).StoreUnsafe(ref fr, (nuint)p);
            Vector256.Narrow(s0, s1).StoreUnsafe(ref sr, (nuint)p);
        }

        scratch.First.AsSpan(0, pairs).CopyTo(destination);
        scratch.Second.AsSpan(0, n - pairs).CopyTo(destination[pairs..]);
    }

    /// <summary>r cos(theta), r sin(theta) for r = sqrt(-2 ln u), theta = 2 pi v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void BoxMuller(Vector256<double> u, Vector256<double> v, out Vector256<double> first, out Vector256<double> second)
    {
        var r = Vector256.Sqrt(Log(u) * Vector256.Create(-2.0));
        var quarter = v * Vector256.Create(4.0);
        var q = Vector256.Floor(quarter);
        var phi = (quarter - q) * Vector256.Create(HalfPi);
        SinCos(phi, out var s, out var c);
        var q0 = Vector256.Equals(q, Vector256<double>.Zero);
        var q1 = Vector256.Equals(q, Vector256<double>.One);
        var q2 = Vector256.Equals(q, Vector256.Create(2.0));
        var cosTheta = Vector256.ConditionalSelect(q0, c, Vector256.ConditionalSelect(q1, -s, Vector256.ConditionalSelect(q2, -c, s)));
        var sinTheta = Vector256.ConditionalSelect(q0, s, Vector256.ConditionalSelect(q1, c, Vector256.ConditionalSelect(q2, -s, -c)));
        first = r * cosTheta;
        second = r * sinTheta;
    }

    /// <summary>Natural log for positive normal doubles: ln(m 2^e) = e ln 2 + 2 atanh((m-1)/(m+1)), m in [sqrt(1/2), sqrt(2)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> Log(Vector256<double> u)
    {
        var bits = u.AsUInt64();
        var exponentBits = Vector256.ShiftRightLogical(bits, 52) | Vector256.Create(0x4330000000000000UL);
        var e = exponentBits.AsDouble() - Vector256.Create(4503599627370496.0 + 1023.0);
        var m = ((bits & Vector256.Create(0x000FFFFFFFFFFFFFUL)) | Vector256.Create(0x3FF0000000000000UL)).AsDouble();
        var big = Vector256.GreaterThan(m, Vector256.Create(Sqrt2));
        m = Vector256.ConditionalSelect(big, m * Vector256.Create(0.5), m);
        e = Vector256.ConditionalSelect(big, e + Vector256<double>.One, e);
        var s = (m - Vector256<double>.One) / (m + Vector256<double>.One);
        var s2 = s * s;
        var p = Vector256.Create(1.0 / 17.0);
        p = (p * s2) + Vector256.Create(1.0 / 15.0);
        p = (p * s2) + Vector256.Create(1.0 / 13.0);
        p = (p * s2) + Vector256.Create(1.0 / 11.0);
        p = (p * s2) + Vector256.Create(1.0 / 9.0);
        p = (p * s2) + Vector256.Create(1.0 / 7.0);
        p = (p * s2) + Vector256.Create(1.0 / 5.0);
        p = (p * s2) + Vector256.Create(1.0 / 3.0);
        p = (p * s2) + Vector256<double>.One;
        return (e * Vector256.Create(Ln2)) + ((s + s) * p);
    }

    /// <summary>sin and cos for phi in [0, pi/2): Taylor series to x^19 / x^18 (error below 5e-13).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SinCos(Vector256<double> phi, out Vector256<double> sin, out Vector256<double> cos)
    {
        var x2 = phi * phi;
        var sp = Vector256.Create(-1.0 / 121645100408832000.0);
        sp = (sp * x2) + Vector256.Create(1.0 / 355687428096000.0);
        sp = (sp * x2) + Vector256.Create(-1.0 / 1307674368000.0);
        sp = (sp * x2) + Vector256.Create(1.0 / 6227020800.0);
        sp = (sp * x2) + Vector256.Create(-1.0 / 39916800.0);
        sp = (sp * x2) + Vector256.Create(1.0 / 362880.0);
        sp = (sp * x2) + Vector256.Create(-1.0 / 5040.0);
        sp = (sp * x2) + Vector256.Create(1.0 / 120.0);
        sp = (sp * x2) + Vector256.Create(-1.0 / 6.0);
        sp = (sp * x2) + Vector256<double>.One;
        sin = phi * sp;

        var cp = Vector256.Create(-1.0 / 6402373705728000.0);
        cp = (cp * x2) + Vector256.Create(1.0 / 20922789888000.0);
        cp = (cp * x2) + Vector256.Create(-1.0 / 87178291200.0);
        cp = (cp * x2) + Vector256.Create(1.0 / 479001600.0);
        cp = (cp * x2) + Vector256.Create(-1.0 / 3628800.0);
        cp = (cp * x2) + Vector256.Create(1.0 / 40320.0);
        cp = (cp * x2) + Vector256.Create(-1.0 / 720.0);
        cp = (cp * x2) + Vector256.Create(1.0 / 24.0);
        cp = (cp * x2) + Vector256.Create(-0.5);
        cos = (cp * x2) + Vector256<double>.One;
    }
}

/// <summary>Derives Philox keys from a seed: SplitMix64's finaliser chained over the key's parts.</summary>
internal static class NoiseKeys
{
    /// <summary>Independent draw per (image, level): the key depends on the level.</summary>
    public const ulong PerLevelDomain = 1;

    /// <summary>One draw per image shared by every level and size.</summary>
    public const ulong SharedDomain = 2;

    /// <summary>Raw-size form with independent draws: the key depends on the size.</summary>
    public const ulong PerSizeDomain = 3;

    public static ulong Derive(ulong seed, ulong domain, double target)
    {
        ulong targetBits = target == 0 ? 0UL : BitConverter.DoubleToUInt64Bits(target);
        ulong k = Mix(seed + 0x9E3779B97F4A7C15UL);
        k = Mix(k ^ (domain * 0xD1B54A32D192ED03UL));
        return Mix(k ^ targetBits);
    }

    /// <summary>The SplitMix64 finaliser (Steele, Lea and Flood 2014), a bijection on 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
