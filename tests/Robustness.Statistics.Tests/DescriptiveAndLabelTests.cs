namespace Robustness.Statistics.Tests;

[TestFixture]
public sealed class DescriptiveAndLabelTests
{
    [Test]
    public void Of_ComputesMeanAndBothVariances()
    {
        DescriptiveStatistics d = DescriptiveStatistics.Of([0.981, 0.984, 0.979, 0.990]);
        // mean 0.9835; squared deviations 6.25e-6, 2.5e-7, 2.025e-5, 4.225e-5 sum 6.9e-5.
        Assert.That(d.Count, Is.EqualTo(4));
        Assert.That(d.Mean, Is.EqualTo(0.9835).Within(1e-15));
        Assert.That(d.SampleVariance, Is.EqualTo(6.9e-5 / 3).Within(1e-17));
        Assert.That(d.PopulationVariance, Is.EqualTo(6.9e-5 / 4).Within(1e-17));
        Assert.That(d.Variance, Is.EqualTo(d.SampleVariance));
        Assert.That(d.SampleStandardDeviation, Is.EqualTo(Math.Sqrt(6.9e-5 / 3)).Within(1e-15));
        Assert.That(d.PopulationStandardDeviation, Is.EqualTo(Math.Sqrt(6.9e-5 / 4)).Within(1e-15));
    }

    [Test]
    public void Of_KeepsPrecision_ForLargeOffset()
    {
        DescriptiveStatistics d = DescriptiveStatistics.Of([1e9 + 1, 1e9 + 2, 1e9 + 3]);
        Assert.That(d.SampleVariance, Is.EqualTo(1.0).Within(1e-12));
    }

    [Test]
    public void Of_SingleValue_HasNaNSampleVarianceAndZeroPopulationVariance()
    {
        DescriptiveStatistics d = DescriptiveStatistics.Of([0.5]);
        Assert.That(d.SampleVariance, Is.NaN);
        Assert.That(d.PopulationVariance, Is.Zero);
        Assert.That(() => DescriptiveStatistics.Of([]), Throws.ArgumentException);
        Assert.That(() => DescriptiveStatistics.Of([1, double.NaN]), Throws.ArgumentException.With.Message.Contains("values[1]"));
    }

    [TestCase(0.96, CorrelationStrength.Significant)]
    [TestCase(0.9500000000000001, CorrelationStrength.Significant)]
    [TestCase(0.95, CorrelationStrength.High)]
    [TestCase(0.8, CorrelationStrength.High)]
    [TestCase(0.7999999999999999, CorrelationStrength.Moderate)]
    [TestCase(0.5, CorrelationStrength.Moderate)]
    [TestCase(0.49, CorrelationStrength.Low)]
    [TestCase(0.3, CorrelationStrength.Low)]
    [TestCase(0.29, CorrelationStrength.WeakOrNone)]
    [TestCase(0.0, CorrelationStrength.WeakOrNone)]
    [TestCase(-0.645, CorrelationStrength.Moderate)]
    [TestCase(-1.0, CorrelationStrength.Significant)]
    [TestCase(double.NaN, CorrelationStrength.Undefined)]
    public void Classify_UsesTheStudysBoundaries(double r, CorrelationStrength expected)
    {
        Assert.That(CorrelationStrengths.Classify(r), Is.EqualTo(expected));
    }

    [Test]
    public void IsSignificant_IsStrictlyBelowAlpha()
    {
        Assert.That(CorrelationStrengths.IsSignificant(0.049), Is.True);
        Assert.That(CorrelationStrengths.IsSignificant(0.05), Is.False);
        Assert.That(CorrelationStrengths.IsSignificant(0.02, 0.01), Is.False);
        Assert.That(CorrelationStrengths.IsSignificant(double.NaN), Is.False);
        Assert.That(() => CorrelationStrengths.IsSignificant(0.1, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        var result = new CorrelationAnalyzer().Spearman(ReferenceData.Levels, ReferenceData.AccA);
        Assert.That(result.IsSignificant(), Is.True);
        Assert.That(result.IsSignificant(0.001), Is.False);
        Assert.That(result.Strength, Is.EqualTo(CorrelationStrength.Moderate));
    }
}
