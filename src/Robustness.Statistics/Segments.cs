namespace Robustness.Statistics;

/// <summary>
/// A split of a level series into two segments at the first maximum of a chosen series, as the paper does for RQ2.
/// Segment I runs from index 0 through the peak (the peak belongs to segment I), segment II from the index after the
/// peak to the end. With levels 0, 0.5, ..., 12.0 and the peak at 8.0 this gives the paper's [0, 8.0] and [8.5, 12.0].
/// </summary>
/// <param name="PeakIndex">Index of the first maximum; last index of segment I.</param>
/// <param name="Length">Length of the whole series.</param>
public sealed record SeriesSplit(int PeakIndex, int Length)
{
    /// <summary>Number of points in segment I (PeakIndex + 1).</summary>
    public int FirstCount => PeakIndex + 1;

    /// <summary>First index of segment II.</summary>
    public int SecondStart => PeakIndex + 1;

    /// <summary>Number of points in segment II (0 when the peak is the last point).</summary>
    public int SecondCount => Length - PeakIndex - 1;
}

/// <summary>The analysis of one segment of a series.</summary>
/// <param name="Name">"I" or "II".</param>
/// <param name="Start">First index in the whole series.</param>
/// <param name="Count">Number of points.</param>
/// <param name="FirstLevel">Level at <paramref name="Start"/>.</param>
/// <param name="LastLevel">Level at the segment's last point.</param>
/// <param name="Correlation">Correlation between level and the series within the segment.</param>
/// <param name="Descriptives">Mean and variance of the series within the segment.</param>
public sealed record SegmentAnalysis(string Name, int Start, int Count, double FirstLevel, double LastLevel, CorrelationResult Correlation, DescriptiveStatistics Descriptives);

/// <summary>Splitting level-to-accuracy series at a peak and analysing each segment.</summary>
public static class SeriesSegments
{
    /// <summary>Index of the first maximum of <paramref name="series"/> (ties go to the earliest index).</summary>
    /// <param name="series">A non-empty series of finite values.</param>
    /// <returns>The index.</returns>
    public static int FirstPeakIndex(IReadOnlyList<double> series)
    {
        double[] v = Inputs.Finite(series, nameof(series));
        if (v.Length == 0)
        {
            throw new ArgumentException("series is empty; give at least one value.", nameof(series));
        }

        int best = 0;
        for (int i = 1; i < v.Length; i++)
        {
            if (v[i] > v[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Splits at the first maximum of <paramref name="peakSeries"/> (e.g. MNIST-A accuracy); the peak ends segment I.</summary>
    /// <param name="peakSeries">The series whose peak defines the split.</param>
    /// <returns>The split.</returns>
    public static SeriesSplit SplitAtPeak(IReadOnlyList<double> peakSeries) => new(FirstPeakIndex(peakSeries), peakSeries.Count);

    /// <summary>
    /// Correlation (level vs. series) and descriptives of the series in each non-empty segment of <paramref name="split"/>.
    /// A segment with fewer than 3 points gets a <see cref="CorrelationStatus.TooFewSamples"/> correlation.
    /// </summary>
    /// <param name="analyzer">The correlation analyzer.</param>
    /// <param name="levels">Training perturbation levels, one per point.</param>
    /// <param name="series">The series to analyse (e.g. MNIST-C accuracy), one value per level.</param>
    /// <param name="split">Where to split, usually from <see cref="SplitAtPeak"/> on another series.</param>
    /// <param name="method">The correlation (the paper uses Spearman).</param>
    /// <param name="rule">The p-value rule of Spearman and Kendall within each segment (default <see cref="PValueRule.Auto"/>).</param>
    /// <returns>Segment I, then segment II when it is not empty.</returns>
    public static IReadOnlyList<SegmentAnalysis> Analyze(
        ICorrelationAnalyzer analyzer,
        IReadOnlyList<double> levels,
        IReadOnlyList<double> series,
        SeriesSplit split,
        CorrelationMethod method = CorrelationMethod.Spearman,
        PValueRule rule = PValueRule.Auto)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        ArgumentNullException.ThrowIfNull(split);
        double[] l = Inputs.Finite(levels, nameof(levels));
        double[] s = Inputs.Finite(series, nameof(series));
        Inputs.SameLength(l, s, nameof(levels), nameof(series));
        if (split.Length != l.Length)
        {
            throw new ArgumentException($"split covers {split.Length} points but levels has {l.Length}.", nameof(split));
        }

        var result = new List<SegmentAnalysis>(2) { Segment("I", 0, split.FirstCount) };
        if (split.SecondCount > 0)
        {
            result.Add(Segment("II", split.SecondStart, split.SecondCount));
        }

        return result;

        SegmentAnalysis Segment(string name, int start, int count)
        {
            double[] ls = l.AsSpan(start, count).ToArray();
            double[] ss = s.AsSpan(start, count).ToArray();
            return new SegmentAnalysis(name, start, count, ls[0], ls[^1], analyzer.Correlate(method, ls, ss, rule), DescriptiveStatistics.Of(ss));
        }
    }
}
