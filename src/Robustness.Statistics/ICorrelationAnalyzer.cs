namespace Robustness.Statistics;

/// <summary>
/// Correlation analysis of the study, agreeing with SciPy 1.10 (<c>pearsonr</c>, <c>spearmanr</c>, <c>kendalltau</c>)
/// and R 4.2 (<c>summary(lm)</c>) to about 1e-13 relative (see docs/statistics.md).
/// The p-value of Spearman and Kendall follows a <see cref="PValueRule"/> (exact for small n without ties by default, as R does).
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

    /// <summary>Spearman's rho (Pearson r of average ranks) and its two-sided p-value by <paramref name="rule"/>.</summary>
    /// <param name="x">First series.</param>
    /// <param name="y">Second series.</param>
    /// <param name="rule">
    /// <see cref="PValueRule.Auto"/> (default): the exact permutation p when n &lt;= <see cref="CorrelationAnalyzer.MaxExactPermutationN"/>
    /// and neither series has ties, else SciPy's t approximation; <see cref="PValueRule.Exact"/>: the permutation p
    /// (n &lt;= <see cref="CorrelationAnalyzer.MaxExactPermutationN"/>, ties allowed); <see cref="PValueRule.Asymptotic"/>: the t approximation.
    /// </param>
    /// <returns>The result; <see cref="CorrelationResult.PValueMethod"/> says which p it has (the t approximation gives p = 0 for |rho| = 1).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="PValueRule.Exact"/> with n &gt; <see cref="CorrelationAnalyzer.MaxExactPermutationN"/>.</exception>
    CorrelationResult Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y, PValueRule rule = PValueRule.Auto);

    /// <summary>
    /// Kendall's tau-b and its two-sided p-value by <paramref name="rule"/>. <see cref="PValueRule.Auto"/> (default) is
    /// SciPy's <c>method='auto'</c>: the exact null distribution when neither series has ties and (n &lt;= 33 or
    /// min(discordant, concordant) &lt;= 1), otherwise the normal approximation with the tie-corrected variance.
    /// <see cref="PValueRule.Exact"/> always takes the exact distribution, <see cref="PValueRule.Asymptotic"/> always the
    /// normal approximation. Counts pairs in O(n^2).
    /// </summary>
    /// <param name="x">First series.</param>
    /// <param name="y">Second series.</param>
    /// <param name="rule">Which p-value (default <see cref="PValueRule.Auto"/>).</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException"><see cref="PValueRule.Exact"/> when a series has ties or n &gt; <see cref="CorrelationAnalyzer.MaxExactKendallN"/>.</exception>
    CorrelationResult Kendall(IReadOnlyList<double> x, IReadOnlyList<double> y, PValueRule rule = PValueRule.Auto);

    /// <summary>Dispatches to <see cref="Pearson"/> (which ignores <paramref name="rule"/>: its p is always Student's t), <see cref="Spearman"/> or <see cref="Kendall"/>.</summary>
    /// <param name="method">Which coefficient.</param>
    /// <param name="x">First series.</param>
    /// <param name="y">Second series.</param>
    /// <param name="rule">The p-value rule of Spearman and Kendall (default <see cref="PValueRule.Auto"/>).</param>
    /// <returns>The result.</returns>
    CorrelationResult Correlate(CorrelationMethod method, IReadOnlyList<double> x, IReadOnlyList<double> y, PValueRule rule = PValueRule.Auto);

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
