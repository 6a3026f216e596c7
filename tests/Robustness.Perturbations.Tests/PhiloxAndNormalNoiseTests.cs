using System.Runtime.Intrinsics;

namespace Robustness.Perturbations.Tests;

public class PhiloxAndNormalNoiseTests
{
    // Random123's kat_vectors for philox4x32_10.
    [TestCase(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [TestCase(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [TestCase(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Philox_MatchesRandom123KnownAnswers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint e0, uint e1, uint e2, uint e3)
    {
        Philox4x32.Block(c0, c1, c2, c3, k0, k1, out uint r0, out uint r1, out uint r2, out uint r3);
        Assert.That(new[] { r0, r1, r2, r3 }, Is.EqualTo(new[] { e0, e1, e2, e3 }));
    }

    [Test]
    public void PolynomialLogAndSinCos_MatchLibm_ToTwelveDigits()
    {
        double worstLog = 0, worstTrig = 0;
        ulong state = 7;
        for (int i = 0; i < 20_000; i++)
        {
            double u = ((NoiseKeys.Mix(++state) >> 32) + 1.0) / 4294967296.0;
            double phi = (NoiseKeys.Mix(++state) >> 11) * (1.0 / (1UL << 53)) * Math.PI / 2;
            double log = NormalNoise.Log(Vector256.Create(u)).GetElement(0);
            NormalNoise.SinCos(Vector256.Create(phi), out var s, out var c);
            worstLog = Math.Max(worstLog, Math.Abs(log - Math.Log(u)) / Math.Max(1, Math.Abs(Math.Log(u))));
            worstTrig = Math.Max(worstTrig, Math.Max(Math.Abs(s.GetElement(0) - Math.Sin(phi)), Math.Abs(c.GetElement(0) - Math.Cos(phi))));
        }

        Assert.That(worstLog, Is.LessThan(1e-12));
        Assert.That(worstTrig, Is.LessThan(1e-12));
    }

    [Test]
    public void Normals_HaveMeanZeroVarianceOne_AndPassKolmogorovSmirnov()
    {
        const int Pixels = 784;
        const int Images = 1500; // 1,176,000 values
        var scratch = new NormalScratch(Pixels);
        var buffer = new float[Pixels];
        var all = new double[Pixels * Images];
        ulong key = NoiseKeys.Derive(PerturbationOptions.DefaultSeed, NoiseKeys.PerLevelDomain, 4.0);
        for (int i = 0; i < Images; i++)
        {
            NormalNoise.Fill(key, (uint)i, 0, buffer, scratch);
            for (int p = 0; p < Pixels; p++)
            {
                all[(i * Pixels) + p] = buffer[p];
            }
        }

        int n = all.Length;
        double mean = all.Average();
        double variance = all.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        double skew = all.Sum(v => Math.Pow(v - mean, 3)) / n / Math.Pow(variance, 1.5);
        double kurtosis = all.Sum(v => Math.Pow(v - mean, 4)) / n / (variance * variance);
        Array.Sort(all);
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double cdf = NormalCdf(all[i]);
            d = Math.Max(d, Math.Max(cdf - ((double)i / n), ((i + 1.0) / n) - cdf));
        }

        TestContext.Out.WriteLine($"n={n:N0} mean={mean:E3} var={variance:F5} skew={skew:E3} kurtosis={kurtosis:F4} KS D={d:E3} (1% critical {1.628 / Math.Sqrt(n):E3})");
        Assert.That(mean, Is.EqualTo(0).Within(5 / Math.Sqrt(n)));
        Assert.That(variance, Is.EqualTo(1).Within(5 * Math.Sqrt(2.0 / n)));
        Assert.That(skew, Is.EqualTo(0).Within(5 * Math.Sqrt(6.0 / n)));
        Assert.That(kurtosis, Is.EqualTo(3).Within(5 * Math.Sqrt(24.0 / n)));
        Assert.That(d, Is.LessThan(1.628 / Math.Sqrt(n)), "Kolmogorov-Smirnov statistic above the 1% critical value");
        Assert.That(all[^1], Is.LessThanOrEqualTo(Math.Sqrt(64 * Math.Log(2)) + 1e-6));
    }

    [Test]
    public void Normals_CosineAndSineHalves_AreUncorrelated()
    {
        var scratch = new NormalScratch(784);
        var buffer = new float[784];
        double sxy = 0, sxx = 0, syy = 0;
        for (uint i = 0; i < 500; i++)
        {
            NormalNoise.Fill(99, i, 0, buffer, scratch);
            for (int p = 0; p < 392; p++)
            {
                sxy += buffer[p] * (double)buffer[392 + p];
                sxx += buffer[p] * (double)buffer[p];
                syy += buffer[392 + p] * (double)buffer[392 + p];
            }
        }

        double r = sxy / Math.Sqrt(sxx * syy);
        Assert.That(r, Is.EqualTo(0).Within(5 / Math.Sqrt(500 * 392)));
    }

    [Test]
    public void Fill_IsAPureFunctionOfKeyStreamAndDraw()
    {
        var scratch = new NormalScratch(785);
        var a = new float[785];
        var b = new float[785];
        NormalNoise.Fill(5, 17, 0, a, scratch);
        NormalNoise.Fill(5, 18, 0, b, scratch);
        Assert.That(a, Is.Not.EqualTo(b));
        NormalNoise.Fill(5, 17, 1, b, scratch);
        Assert.That(a, Is.Not.EqualTo(b));
        NormalNoise.Fill(6, 17, 0, b, scratch);
        Assert.That(a, Is.Not.EqualTo(b));
        NormalNoise.Fill(5, 17, 0, b, new NormalScratch(1000));
        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public void Fill_FirstValues_AreStable()
    {
        // Guards the documented layout and arithmetic: a change here changes every published data set.
        var z = new float[4];
        NormalNoise.Fill(0, 0, 0, z, new NormalScratch(4));
        Philox4x32.Block(0, 0, 0, 0, 0, 0, out uint w0, out uint w1, out uint w2, out uint w3);
        double r0 = Math.Sqrt(-2 * Math.Log((w0 + 1.0) / 4294967296.0));
        double r1 = Math.Sqrt(-2 * Math.Log((w2 + 1.0) / 4294967296.0));
        double t0 = 2 * Math.PI * w1 / 4294967296.0;
        double t1 = 2 * Math.PI * w3 / 4294967296.0;
        Assert.That(z[0], Is.EqualTo((float)(r0 * Math.Cos(t0))).Within(1e-6));
        Assert.That(z[1], Is.EqualTo((float)(r1 * Math.Cos(t1))).Within(1e-6));
        Assert.That(z[2], Is.EqualTo((float)(r0 * Math.Sin(t0))).Within(1e-6));
        Assert.That(z[3], Is.EqualTo((float)(r1 * Math.Sin(t1))).Within(1e-6));
    }

    /// <summary>Phi(x) through erfc (W. J. Cody's rational approximations are overkill here; this is Numerical Recipes' erfc, |error| &lt; 1.2e-7).</summary>
    private static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    private static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + (0.5 * z));
        double[] c = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
        double poly = 0;
        for (int k = c.Length - 1; k >= 1; k--)
        {
            poly = (poly + c[k]) * t;
        }

        double r = t * Math.Exp(-(z * z) + c[0] + poly);
        return x >= 0 ? r : 2 - r;
    }
}
