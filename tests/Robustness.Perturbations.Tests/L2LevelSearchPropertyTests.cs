using CsCheck;

namespace Robustness.Perturbations.Tests;

/// <summary>Property-based checks of the searches over random images, directions and levels.</summary>
public class L2LevelSearchPropertyTests
{
    /// <summary>An image (MNIST-like: many pixels exactly 0 or 1), a direction and a target level.</summary>
    internal sealed record Case(float[] Image, float[] Direction, double Level, string Kind)
    {
        public override string ToString() => $"{Kind}: {Image.Length} pixels, level {Level:R}, max reach {MaxReach(Image, Direction):R}";
    }

    private static readonly Gen<float> _pixel = Gen.Select(Gen.Int[0, 9], Gen.Float[0f, 1f], Gen.Int[0, 255],
        (k, u, b) => k < 4 ? 0f : k < 6 ? 1f : k < 8 ? b / 255f : u);

    // (pixel, gaussian component, sign component)
    private static readonly Gen<(float, float, float)> _pixelAndDirections = Gen.Select(_pixel, Gen.Double[1e-12, 1], Gen.Double[0, 1], Gen.Int[-1, 1],
        (x, u, v, s) => (x, (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v)), (float)s));

    internal static readonly Gen<Case> Cases = Gen.Select(Gen.Int[0, 3], _pixelAndDirections.Array[1, 900], Gen.Int[0, 9], Gen.Double[0, 1.3], Gen.Int[-3, 3],
        (kind, pixels, boundary, fraction, scale) =>
        {
            float factor = MathF.Pow(10, scale);
            var image = pixels.Select(p => p.Item1).ToArray();
            var direction = kind switch
            {
                0 => pixels.Select(p => p.Item2 * factor).ToArray(),                        // Gaussian
                1 => pixels.Select(p => p.Item3).ToArray(),                                 // sign-like, +-1 / 0 (FGSM)
                2 => pixels.Select(p => Math.Abs(p.Item2) > 1.5f ? p.Item3 * factor : 0f).ToArray(), // sparse
                _ => pixels.Select(p => p.Item2 > 0 ? factor : -factor).ToArray(),            // pure sign, no zeros
            };
            double reach = MaxReach(image, direction);
            double level = boundary == 0 ? reach : boundary == 1 ? 0 : fraction * reach;
            return new Case(image, direction, level, kind switch { 0 => "gaussian", 1 => "sign", 2 => "sparse", _ => "pure-sign" });
        });

    /// <summary>sqrt(sum h^2 over moving pixels), computed independently in double.</summary>
    internal static double MaxReach(float[] image, float[] direction)
    {
        double sum = 0;
        for (int i = 0; i < image.Length; i++)
        {
            double h = direction[i] > 0 ? 1.0 - image[i] : direction[i] < 0 ? image[i] : 0;
            sum += h * h;
        }

        return Math.Sqrt(sum);
    }

    internal static double Distance(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = (double)a[i] - b[i];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }

    [Test]
    public void ExactSearch_HitsEveryReachableLevelWithin1e4_AndReportsTheRest()
    {
        Cases.Sample(c => CheckSolver(ExactL2LevelSearch.Default, c), iter: 4000);
    }

    [Test]
    public void PaperGridSearch_HitsEveryReachableLevelWithinAQuarterSpacing()
    {
        Cases.Sample(c => CheckSolver(new PaperGridSearch(), c), iter: 1500);
        Cases.Sample(c => CheckSolver(new PaperGridSearch(startFromUnclippedGuess: true), c), iter: 1500);
    }

    [Test]
    public void ApplySize_ReportsTheDistanceOfTheImageItWrites()
    {
        Gen.Select(Cases, Gen.Double[0, 3]).Sample((c, size) =>
        {
            var output = new float[c.Image.Length];
            double d = ExactL2LevelSearch.ApplySize(c.Image, c.Direction, size, output);
            Assert.That(d, Is.EqualTo(Distance(output, c.Image)).Within(1e-9));
            Assert.That(output, Has.All.InRange(0f, 1f));
            Assert.That(d, Is.LessThanOrEqualTo(MaxReach(c.Image, c.Direction) + 1e-6));
        }, iter: 500);
    }

    private static void CheckSolver(IL2LevelSolver solver, Case c)
    {
        int n = c.Image.Length;
        var output = new float[n];
        Array.Fill(output, float.NaN);
        var outcome = solver.Solve(c.Image, c.Direction, c.Level, output, new L2SearchWorkspace(n));
        double reach = MaxReach(c.Image, c.Direction);
        switch (outcome.Status)
        {
            case PerturbationStatus.Reached:
                double actual = Distance(output, c.Image);
                Assert.That(actual, Is.EqualTo(c.Level).Within(solver.Tolerance), "achieved distance vs level");
                Assert.That(outcome.Distance, Is.EqualTo(actual).Within(1e-9), "reported vs recomputed distance");
                Assert.That(output, Has.All.InRange(0f, 1f));
                float t = (float)outcome.Size;
                for (int i = 0; i < n; i++)
                {
                    Assert.That(output[i], Is.EqualTo(Math.Clamp(c.Image[i] + (t * c.Direction[i]), 0f, 1f)), $"pixel {i} is not clip(x + t delta) for the reported t");
                }

                break;
            case PerturbationStatus.Unreachable:
                Assert.That(c.Level, Is.GreaterThan(reach), "reported unreachable although the level is within reach");
                Assert.That(output, Has.All.NaN, "an unreachable image must not be written");
                break;
            case PerturbationStatus.ZeroDirection:
                Assert.That(c.Direction, Has.All.EqualTo(0f));
                Assert.That(c.Level, Is.GreaterThan(0));
                Assert.That(output, Has.All.NaN);
                break;
            default:
                Assert.Fail($"Unexpected status {outcome.Status} for {c}");
                break;
        }

        if (c.Level <= reach - 1e-6)
        {
            Assert.That(outcome.Status, Is.EqualTo(PerturbationStatus.Reached), "a level strictly within reach must be reached");
        }
    }
}
