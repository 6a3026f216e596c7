namespace Robustness.Statistics;

/// <summary>
/// Mean, variance and standard deviation of one series (e.g. a model's accuracies over the training levels).
/// The study's reports use the <b>sample</b> variance with divisor n - 1 (<see cref="Variance"/>, R's <c>var</c>,
/// pandas' default); the population variance with divisor n (numpy's <c>var</c> default) is given alongside.
/// </summary>
/// <param name="Count">Number of values.</param>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="SampleVariance">sum (v - mean)^2 / (n - 1); NaN for a single value.</param>
/// <param name="PopulationVariance">sum (v - mean)^2 / n.</param>
public sealed record DescriptiveStatistics(int Count, double Mean, double SampleVariance, double PopulationVariance)
{
    /// <summary>The variance the study reports: the sample variance (divisor n - 1).</summary>
    public double Variance => SampleVariance;

    /// <summary>Square root of <see cref="SampleVariance"/>; the standard deviation the study reports.</summary>
    public double SampleStandardDeviation => Math.Sqrt(SampleVariance);

    /// <summary>Square root of <see cref="PopulationVariance"/>.</summary>
    public double PopulationStandardDeviation => Math.Sqrt(PopulationVariance);

    /// <summary>Computes the statistics in two passes (mean, then squared deviations from it) for accuracy.</summary>
    /// <param name="values">The series; at least one finite value.</param>
    /// <returns>The statistics.</returns>
    public static DescriptiveStatistics Of(IReadOnlyList<double> values)
    {
        double[] v = Inputs.Finite(values, nameof(values));
        if (v.Length == 0)
        {
            throw new ArgumentException("values is empty; give at least one value.", nameof(values));
        }

        double mean = CorrelationAnalyzer.Mean(v);
        double ss = 0;
        foreach (double item in v)
        {
            double d = item - mean;
            ss += d * d;
        }

        return new DescriptiveStatistics(v.Length, mean, v.Length > 1 ? ss / (v.Length - 1) : double.NaN, ss / v.Length);
    }
}
