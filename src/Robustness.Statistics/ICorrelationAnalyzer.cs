namespace Robustness.Statistics;

/// <summary>
/// Correlation analysis of the study, agreeing with SciPy 1.10 (<c>pearsonr</c>, <c>spearmanr</c>, <c>kendalltau</c>)
/// and R 4.2 (<c>summary(lm)</c>) to about 1e-13 relative (see docs/statistics.md).
/// Degenerate input (fewer than 3 pairs, a constant series) gives a result with NaN and a
/// <see cref="CorrelationStatus"/> instead of an exception; NaN or infinite values, null and mismatched
/// lengths throw <see cref="ArgumentException"/> naming the offending argument and index.
/// </summary>
public interface ICorrelationAnalyzer
{
    /// <summary>Pearson's r and its two-sided p-value (Student t, n - 2 df).</summary>
    /// <param name="x">First series (e.g. training perturbation levels).</param>
    /// <param name="y">Second series (e.g. accuracies), paired with <paramref name="x"/> by index.</param>
    /// <returns>The result; p = 0 exactly when |r| rounds to 1.</returns>
    CorrelationResult Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y);

    /// <summary>Spearman's rho (Pearson r of average ranks) and its two-sided p-value.</summary>
    /// <param name="x">First series.</param>
    /// <param name="y">Second series.</param>
    /// <param name="pValueMethod">SciPy's t approximation (default) or the exact permutation p-value (n &lt;= 10).</param>
    /// <returns>The result; p = 0 exactly for |rho| = 1 with the t approximation.</returns>
    CorrelationResult Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y, SpearmanPValueMethod pValueMethod = SpearmanPValueMethod.TDistribution);

    /// <summary>
    /// Kendall's tau-b and the p-value of SciPy's default <c>method='auto'</c>: the exact null distribution when
    /// neither series has ties and (n &lt;= 33 or min(discordant, concordant) &lt;= 1), otherwise the normal
    /// approximation with the tie-corrected variance. Counts pairs in O(n^2).
    /// </summary>
    /// <param name="x">First series.</param>
    /// <param name="y">Second series.</param>
    /// <returns>The result.</returns>
    CorrelationResult Kendall(IReadOnlyList<double> x, IReadOnlyList<double> y);

    /// <summary>Dispatches to <see cref="Pearson"/>, <see cref="Spearman"/> (t approximation) or <see cref="Kendall"/>.</summary>
    /// <param name="method">Which coefficient.</param>
    /// <param name="x">First series.</param>
    /// <param name="y">Second series.</param>
    /// <returns>The result.</returns>
    CorrelationResult Correlate(CorrelationMethod method, IReadOnlyList<double> x, IReadOnlyList<double> y);

    /// <summary>
    /// Ordinary least squares of <paramref name="y"/> on the factor columns with an intercept, solved by
    /// Householder QR (never the normal equations), with the multiple correlation R and R's <c>summary(lm)</c> numbers.
    /// </summary>
    /// <param name="y">Response, one value per observation.</param>
    /// <param name="factors">k factor columns, each with one value per observation (k &gt;= 1).</param>
    /// <param name="factorNames">Optional names for the coefficient rows (default x1..xk).</param>
    /// <returns>The fit; Status TooFewSamples when n &lt;= k + 1, ConstantInput when y is constant, RankDeficient when a factor is constant or collinear.</returns>
    RegressionResult Multiple(IReadOnlyList<double> y, IReadOnlyList<IReadOnlyList<double>> factors, IReadOnlyList<string>? factorNames = null);
}
