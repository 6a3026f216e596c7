using CsCheck;

namespace Robustness.Perturbations.Tests;

/// <summary>The exact search's kernels against scalar references, on the property tests' random cases.</summary>
public class L2KernelTests
{
    [Test]
    public void PrepareSquared_MatchesAScalarReference()
    {
        L2LevelSearchPropertyTests.Cases.Sample(c =>
        {
            int n = c.Image.Length;
            var aa = new float[n];
            var hh = new float[n];
            var prep = L2Kernels.PrepareSquared(c.Image, c.Direction, aa, hh);
            int moving = 0;
            double sumH = 0;
            double sumA = 0;
            for (int i = 0; i < n; i++)
            {
                float d = c.Direction[i];
                float h = d > 0f ? 1f - c.Image[i] : d < 0f ? c.Image[i] : 0f;
                float expectedH = h * h;
                float expectedA = expectedH > 0f ? d * d : 0f;
                Assert.That(hh[i], Is.EqualTo(expectedH), $"h^2 of pixel {i}");
                Assert.That(aa[i], Is.EqualTo(expectedA), $"delta^2 of pixel {i}");
                moving += expectedH > 0f ? 1 : 0;
                sumH += expectedH;
                sumA += expectedA;
            }

            Assert.That(prep.MovingPixels, Is.EqualTo(moving));
            Assert.That(prep.MaxSquaredDistance, Is.EqualTo(sumH).Within(1e-5 * (1 + sumH)));
            Assert.That(prep.InitialSlope, Is.EqualTo(sumA).Within(1e-5 * (1 + sumA)));
            Assert.That(prep.NonZeroDirection, Is.EqualTo(c.Direction.Any(d => d != 0f)));
        }, iter: 500);
    }

    [Test]
    public void EvaluateSquared_AndTheFusedPass_MatchAScalarReference_AndTheBuildPass()
    {
        Gen.Select(L2LevelSearchPropertyTests.Cases, Gen.Double[0, 2]).Sample((c, size) =>
        {
            int n = c.Image.Length;
            var aa = new float[n];
            var hh = new float[n];
            L2Kernels.PrepareSquared(c.Image, c.Direction, aa, hh);
            float t = (float)size;
            float s = t * t;
            var ev = L2Kernels.EvaluateSquared(aa, hh, s);
            int saturated = 0;
            double slope = 0;
            double headroom = 0;
            for (int i = 0; i < n; i++)
            {
                if (hh[i] <= s * aa[i])
                {
                    saturated++;
                    headroom += hh[i];
                }
                else
                {
                    slope += aa[i];
                }
            }

            Assert.That(ev.SaturatedCount, Is.EqualTo(saturated));
            Assert.That(ev.Slope, Is.EqualTo(slope).Within(1e-5 * (1 + slope)));
            Assert.That(ev.Saturated, Is.EqualTo(headroom).Within(1e-5 * (1 + headroom)));

            var built = new float[n];
            var fused = new float[n];
            double d1 = L2Kernels.ApplyAndMeasure(c.Image, c.Direction, t, built);
            double d2 = L2Kernels.ApplyMeasureEvaluate(c.Image, c.Direction, aa, hh, t, s, fused, out var fusedEv);
            Assert.That(fused, Is.EqualTo(built), "the fused pass writes the build pass's image");
            Assert.That(d2, Is.EqualTo(d1), "the fused pass measures the same distance, bit for bit");
            Assert.That(fusedEv, Is.EqualTo(ev), "the fused pass reports EvaluateSquared's sums, bit for bit");
            Assert.That(d1, Is.EqualTo(L2LevelSearchPropertyTests.Distance(built, c.Image)).Within(1e-9));
        }, iter: 500);
    }

    [Test]
    public void LastBreakpoint_IsTheLargestBreakpointOfAMovingPixel()
    {
        L2LevelSearchPropertyTests.Cases.Sample(c =>
        {
            float expected = 0f;
            for (int i = 0; i < c.Image.Length; i++)
            {
                float d = c.Direction[i];
                float h = d > 0f ? 1f - c.Image[i] : d < 0f ? c.Image[i] : 0f;
                if (h * h > 0f)
                {
                    expected = Math.Max(expected, h / Math.Abs(d));
                }
            }

            Assert.That(L2Kernels.LastBreakpoint(c.Image, c.Direction), Is.EqualTo(expected));
        }, iter: 300);
    }
}
