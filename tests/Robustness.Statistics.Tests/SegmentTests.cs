namespace Robustness.Statistics.Tests;

[TestFixture]
public sealed class SegmentTests
{
    /// <summary>Levels 0, 0.5, ..., 12.0 (clean model plus the paper's 24 levels).</summary>
    private static readonly double[] _levels = [.. Enumerable.Range(0, 25).Select(i => 0.5 * i)];

    /// <summary>Synthetic MNIST-A accuracy rising to a peak at 8.0 and falling after it.</summary>
    private static double[] PeakAtEight() => [.. _levels.Select(l => l <= 8.0 ? 0.3 + (0.07 * l) : 0.86 - (0.05 * (l - 8.0)))];

    [Test]
    public void SplitAtPeak_ReproducesThePapersLeNet5Segments()
    {
        double[] accA = PeakAtEight();
        SeriesSplit split = SeriesSegments.SplitAtPeak(accA);

        Assert.That(split.PeakIndex, Is.EqualTo(16));
        Assert.That(_levels[0], Is.EqualTo(0.0));
        Assert.That(_levels[split.PeakIndex], Is.EqualTo(8.0));
        Assert.That(_levels[split.SecondStart], Is.EqualTo(8.5));
        Assert.That(_levels[^1], Is.EqualTo(12.0));
        Assert.That((split.FirstCount, split.SecondCount), Is.EqualTo((17, 8)));
    }

    [Test]
    public void FirstPeakIndex_TakesTheEarliestMaximum_OnTies()
    {
        Assert.That(SeriesSegments.FirstPeakIndex([0.1, 0.7, 0.9, 0.9, 0.5]), Is.EqualTo(2));
        Assert.That(SeriesSegments.FirstPeakIndex([0.4]), Is.EqualTo(0));
        Assert.That(() => SeriesSegments.FirstPeakIndex([]), Throws.ArgumentException);
    }

    [Test]
    public void Analyze_CorrelatesAndDescribesEachSegment()
    {
        double[] accA = PeakAtEight();
        var analyzer = new CorrelationAnalyzer();
        IReadOnlyList<SegmentAnalysis> segments = SeriesSegments.Analyze(analyzer, _levels, accA, SeriesSegments.SplitAtPeak(accA));

        Assert.That(segments, Has.Count.EqualTo(2));
        SegmentAnalysis first = segments[0];
        SegmentAnalysis second = segments[1];
        Assert.That((first.Name, first.FirstLevel, first.LastLevel, first.Count), Is.EqualTo(("I", 0.0, 8.0, 17)));
        Assert.That((second.Name, second.FirstLevel, second.LastLevel, second.Count), Is.EqualTo(("II", 8.5, 12.0, 8)));
        Assert.That(first.Correlation.Coefficient, Is.EqualTo(1.0));
        Assert.That(first.Correlation.PValue, Is.EqualTo(0.0));
        Assert.That(second.Correlation.Coefficient, Is.EqualTo(-1.0));
        Assert.That(first.Descriptives.Mean, Is.EqualTo(accA[..17].Average()).Within(1e-15));
        Assert.That(second.Descriptives.Mean, Is.EqualTo(accA[17..].Average()).Within(1e-15));
    }

    [Test]
    public void Analyze_OtherSeries_UsesThePeakOfTheChosenSeries()
    {
        double[] accA = PeakAtEight();
        double[] accC = [.. _levels.Select(l => 0.95 - (0.01 * l))];
        var analyzer = new CorrelationAnalyzer();
        IReadOnlyList<SegmentAnalysis> segments = SeriesSegments.Analyze(analyzer, _levels, accC, SeriesSegments.SplitAtPeak(accA), CorrelationMethod.Pearson);
        Assert.That(segments[0].Count, Is.EqualTo(17));
        Assert.That(segments[0].Correlation.Method, Is.EqualTo(CorrelationMethod.Pearson));
        Assert.That(segments[0].Correlation.Coefficient, Is.EqualTo(-1.0).Within(1e-12));
    }

    [Test]
    public void Analyze_ReturnsOnlySegmentI_WhenThePeakIsTheLastPoint()
    {
        double[] rising = [.. _levels.Select(l => l)];
        IReadOnlyList<SegmentAnalysis> segments = SeriesSegments.Analyze(new CorrelationAnalyzer(), _levels, rising, SeriesSegments.SplitAtPeak(rising));
        Assert.That(segments, Has.Count.EqualTo(1));
        Assert.That(segments[0].Count, Is.EqualTo(25));
    }
}
