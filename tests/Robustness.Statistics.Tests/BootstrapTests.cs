namespace Robustness.Statistics.Tests;

[TestFixture]
public sealed class BootstrapTests
{
    [Test]
    public void ConfidenceInterval_IsReproducible_ForTheSameSeed_AndChangesWithTheSeed()
    {
        BootstrapInterval a = CorrelationBootstrap.ConfidenceInterval(ReferenceData.Levels, ReferenceData.AccA, CorrelationMethod.Pearson, seed: 2024, resamples: 1000);
        BootstrapInterval b = CorrelationBootstrap.ConfidenceInterval(ReferenceData.Levels, ReferenceData.AccA, CorrelationMethod.Pearson, seed: 2024, resamples: 1000);
        BootstrapInterval c = CorrelationBootstrap.ConfidenceInterval(ReferenceData.Levels, ReferenceData.AccA, CorrelationMethod.Pearson, seed: 2025, resamples: 1000);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c.PercentileLower, Is.Not.EqualTo(a.PercentileLower));
    }

    [TestCase(CorrelationMethod.Pearson)]
    [TestCase(CorrelationMethod.Spearman)]
    [TestCase(CorrelationMethod.Kendall)]
    public void ConfidenceInterval_BracketsTheEstimate_AndIsNearFishersInterval(CorrelationMethod method)
    {
        BootstrapInterval ci = CorrelationBootstrap.ConfidenceInterval(ReferenceData.Levels, ReferenceData.AccA, method, seed: 11, resamples: 2000);
        Assert.That(ci.PercentileLower, Is.LessThan(ci.Estimate));
        Assert.That(ci.PercentileUpper, Is.GreaterThan(ci.Estimate));
        Assert.That(ci.BcaLower, Is.LessThan(ci.Estimate));
        Assert.That(ci.BcaUpper, Is.GreaterThan(ci.Estimate).And.LessThanOrEqualTo(1.0));
        Assert.That(ci.DegenerateResamples, Is.Zero);
        if (method == CorrelationMethod.Pearson)
        {
            // Fisher z interval for r = 0.7219, n = 24: tanh(atanh(r) -/+ 1.959964 / sqrt(21)) = [0.4485, 0.8710].
            Assert.That(ci.PercentileLower, Is.EqualTo(0.4485).Within(0.12));
            Assert.That(ci.PercentileUpper, Is.EqualTo(0.8710).Within(0.08));
        }
    }

    [Test]
    public void ConfidenceInterval_GivesPointInterval_WhenCorrelationIsPerfect()
    {
        double[] x = [1, 2, 3, 4, 5, 6, 7, 8];
        BootstrapInterval ci = CorrelationBootstrap.ConfidenceInterval(x, x, CorrelationMethod.Spearman, seed: 1, resamples: 200);
        Assert.That(ci.PercentileLower, Is.EqualTo(1.0).Within(1e-12));
        Assert.That(ci.PercentileUpper, Is.EqualTo(1.0).Within(1e-12));

        // Every resample has rho = 1 up to rounding: BCa is undefined (NaN) or collapses onto 1.
        Assert.That(double.IsNaN(ci.BcaLower) || Math.Abs(ci.BcaLower - 1.0) < 1e-12, Is.True, $"BCa lower {ci.BcaLower}");
        Assert.That(ci.DegenerateResamples, Is.GreaterThanOrEqualTo(0).And.LessThan(200));
    }

    [Test]
    public void ConfidenceInterval_Throws_ForBadArguments()
    {
        Assert.That(() => CorrelationBootstrap.ConfidenceInterval([1, 2, 3], [1, 2, 3], CorrelationMethod.Pearson, 1, resamples: 10), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => CorrelationBootstrap.ConfidenceInterval([1, 2, 3], [1, 2, 3], CorrelationMethod.Pearson, 1, confidence: 1.0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
