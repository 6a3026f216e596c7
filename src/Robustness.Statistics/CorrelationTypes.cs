namespace Robustness.Statistics;

/// <summary>The correlation coefficient to compute between two series.</summary>
public enum CorrelationMethod
{
    /// <summary>Pearson's product-moment r, p-value from Student's t with n - 2 degrees of freedom (SciPy <c>pearsonr</c>).</summary>
    Pearson,

    /// <summary>Spearman's rho: Pearson r of average ranks (SciPy <c>spearmanr</c>); its p-value follows the <see cref="PValueRule"/>.</summary>
    Spearman,

    /// <summary>Kendall's tau-b (SciPy <c>kendalltau</c>); its p-value follows the <see cref="PValueRule"/>.</summary>
    Kendall,
}

/// <summary>Whether a coefficient could be computed, and if not, why (SciPy warns and returns NaN in these cases).</summary>
public enum CorrelationStatus
{
    /// <summary>The coefficient and p-value are defined.</summary>
    Ok,

    /// <summary>Too few observations (fewer than 3 pairs, or for a regression no residual degrees of freedom); coefficient and p are NaN.</summary>
    TooFewSamples,

    /// <summary>An input series is constant, so the coefficient is undefined (0/0); coefficient and p are NaN.</summary>
    ConstantInput,

    /// <summary>Regression only: the factor columns (with the intercept) are linearly dependent; the fit is not unique and every statistic is NaN.</summary>
    RankDeficient,
}

/// <summary>How a p-value was obtained. All p-values are two-sided.</summary>
public enum PValueMethod
{
    /// <summary>No p-value (the coefficient is undefined).</summary>
    None,

    /// <summary>Student's t with n - 2 degrees of freedom (Pearson; Spearman's t approximation as in SciPy and R's <c>cor.test(exact = FALSE)</c>).</summary>
    StudentT,

    /// <summary>Exact permutation distribution by full enumeration of all n! pairings (Spearman, n &lt;= 10).</summary>
    ExactPermutation,

    /// <summary>Kendall's exact null distribution of the number of concordant pairs (no ties; SciPy's 'exact').</summary>
    KendallExact,

    /// <summary>Normal approximation of concordant minus discordant pairs with the tie-corrected variance (SciPy's 'asymptotic').</summary>
    Normal,

    /// <summary>The regression's F test with (k, n - k - 1) degrees of freedom (R's <c>summary(lm)</c>).</summary>
    FTest,
}

/// <summary>
/// Which p-value a rank correlation gets (<see cref="ICorrelationAnalyzer.Spearman"/>, <see cref="ICorrelationAnalyzer.Kendall"/>,
/// <see cref="ICorrelationAnalyzer.Correlate"/>). Pearson's p is always Student's t, whatever the rule. The result's
/// <see cref="CorrelationResult.PValueMethod"/> says which p was computed.
/// </summary>
public enum PValueRule
{
    /// <summary>
    /// The default, as R's <c>cor.test</c> does it: the exact p where it is cheap and defined, else the approximation.
    /// Spearman: the exact permutation p when n &lt;= <see cref="CorrelationAnalyzer.MaxExactPermutationN"/> and neither
    /// series has ties, otherwise SciPy's t approximation. Kendall: SciPy's <c>method='auto'</c> (the exact null
    /// distribution when neither series has ties and n &lt;= 33 or min(concordant, discordant) &lt;= 1, otherwise the normal
    /// approximation).
    /// </summary>
    Auto,

    /// <summary>
    /// The exact p-value. Spearman: the two-sided permutation p over all n! pairings,
    /// p = min(1, 2 min(P(rho* &gt;= rho), P(rho* &lt;= rho))) (SciPy's <c>permutation_test(..., permutation_type='pairings')</c>),
    /// allowed for n &lt;= <see cref="CorrelationAnalyzer.MaxExactPermutationN"/>; tied values keep their average ranks, which are
    /// permuted. Kendall: the exact null distribution of the concordant pairs (SciPy's <c>method='exact'</c>), allowed without
    /// ties and for n &lt;= <see cref="CorrelationAnalyzer.MaxExactKendallN"/>. Anything else throws <see cref="ArgumentException"/>.
    /// </summary>
    Exact,

    /// <summary>
    /// The large-sample approximation. Spearman: SciPy's <c>spearmanr</c> t = rho sqrt((n - 2) / ((1 + rho)(1 - rho))) with
    /// n - 2 degrees of freedom (R's <c>cor.test(exact = FALSE)</c>); p = 0 for |rho| = 1. Kendall: the normal approximation
    /// with the tie-corrected variance (SciPy's <c>method='asymptotic'</c>).
    /// </summary>
    Asymptotic,
}

/// <summary>
/// Strength labels of the study (method.md, paper section 2.4) for |r| or R. Boundaries:
/// |r| &gt; 0.95 <see cref="Significant"/>; 0.8 &lt;= |r| &lt;= 0.95 <see cref="High"/>; 0.5 &lt;= |r| &lt; 0.8 <see cref="Moderate"/>;
/// 0.3 &lt;= |r| &lt; 0.5 <see cref="Low"/>; |r| &lt; 0.3 <see cref="WeakOrNone"/>. The paper leaves |r| = 0.95 unassigned
/// ("&gt; 0.95" and "&lt; 0.95"); it is <see cref="High"/> here because it is not greater than 0.95.
/// </summary>
public enum CorrelationStrength
{
    /// <summary>The coefficient is NaN (undefined).</summary>
    Undefined,

    /// <summary>|r| &lt; 0.3.</summary>
    WeakOrNone,

    /// <summary>0.3 &lt;= |r| &lt; 0.5.</summary>
    Low,

    /// <summary>0.5 &lt;= |r| &lt; 0.8.</summary>
    Moderate,

    /// <summary>0.8 &lt;= |r| &lt;= 0.95.</summary>
    High,

    /// <summary>|r| &gt; 0.95 (the paper calls this "significant correlation"; it says nothing about the p-value).</summary>
    Significant,
}

/// <summary>The study's strength labels, significance rule and the one rule for printing a p-value.</summary>
public static class CorrelationStrengths
{
    /// <summary>The default significance level of the study: a correlation is significant when p &lt; 0.05.</summary>
    public const double DefaultAlpha = 0.05;

    /// <summary>
    /// The smallest p-value printed as a number: below it (an exact 0 from the t approximation at |r| = 1, a perfect
    /// regression fit, or a tail probability beyond double precision) a p is printed as the bound <c>&lt; 1e-16</c>, never as 0.
    /// </summary>
    public const double SmallestPrintedPValue = 1e-16;

    /// <summary>The default format of a printed p-value: 3 significant digits (invariant culture), e.g. <c>0.0167</c>.</summary>
    public const string DefaultPValueFormat = "G3";

    /// <summary>
    /// The library's one rule for printing a p-value in text: <c>-</c> for NaN, <c>&lt; 1e-16</c> below
    /// <see cref="SmallestPrintedPValue"/> (so p = 0 is never printed), otherwise <paramref name="pValue"/> in
    /// <paramref name="format"/> with the invariant culture.
    /// </summary>
    /// <param name="pValue">A p-value in [0, 1], or NaN.</param>
    /// <param name="format">A .NET numeric format string, e.g. <c>G3</c> (tables, the default) or <c>R</c> (round-trip).</param>
    /// <returns>The text.</returns>
    public static string FormatPValue(double pValue, string format = DefaultPValueFormat)
    {
        if (double.IsNaN(pValue))
        {
            return "-";
        }

        return pValue < SmallestPrintedPValue ? "< 1e-16" : pValue.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Labels a coefficient (its sign is ignored) by the boundaries documented on <see cref="CorrelationStrength"/>.</summary>
    /// <param name="coefficient">r, rho, tau or R.</param>
    /// <returns>The label; <see cref="CorrelationStrength.Undefined"/> for NaN.</returns>
    public static CorrelationStrength Classify(double coefficient)
    {
        if (double.IsNaN(coefficient))
        {
            return CorrelationStrength.Undefined;
        }

        double a = Math.Abs(coefficient);
        return a switch
        {
            > 0.95 => CorrelationStrength.Significant,
            >= 0.8 => CorrelationStrength.High,
            >= 0.5 => CorrelationStrength.Moderate,
            >= 0.3 => CorrelationStrength.Low,
            _ => CorrelationStrength.WeakOrNone,
        };
    }

    /// <summary>True when <paramref name="pValue"/> &lt; <paramref name="alpha"/> (strictly, as the paper's "p &lt; 0.05"); false for NaN.</summary>
    /// <param name="pValue">A two-sided p-value.</param>
    /// <param name="alpha">The significance level, in (0, 1).</param>
    /// <returns>Whether the result is significant at <paramref name="alpha"/>.</returns>
    public static bool IsSignificant(double pValue, double alpha = DefaultAlpha)
    {
        if (!(alpha > 0 && alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must lie in (0, 1).");
        }

        return pValue < alpha;
    }
}

/// <summary>A correlation coefficient between two series with its two-sided p-value.</summary>
/// <param name="Method">Which coefficient.</param>
/// <param name="N">Number of pairs.</param>
/// <param name="Coefficient">r, rho or tau-b in [-1, 1]; NaN unless <paramref name="Status"/> is <see cref="CorrelationStatus.Ok"/>.</param>
/// <param name="PValue">Two-sided p-value for "no association"; NaN when the coefficient is undefined.</param>
/// <param name="PValueMethod">How <paramref name="PValue"/> was computed.</param>
/// <param name="Status">Whether the coefficient is defined, and if not, why.</param>
public sealed record CorrelationResult(
    CorrelationMethod Method,
    int N,
    double Coefficient,
    double PValue,
    PValueMethod PValueMethod,
    CorrelationStatus Status)
{
    /// <summary>The study's strength label of <see cref="Coefficient"/>.</summary>
    public CorrelationStrength Strength => CorrelationStrengths.Classify(Coefficient);

    /// <summary>Whether p &lt; <paramref name="alpha"/>.</summary>
    /// <param name="alpha">Significance level (default 0.05).</param>
    /// <returns>True when significant.</returns>
    public bool IsSignificant(double alpha = CorrelationStrengths.DefaultAlpha) => CorrelationStrengths.IsSignificant(PValue, alpha);

    /// <summary>
    /// The short name of <see cref="PValueMethod"/>, as JSON outputs write it in their <c>pMethod</c> field and text outputs
    /// label a p: <c>exact</c> (<see cref="PValueMethod.ExactPermutation"/>, <see cref="PValueMethod.KendallExact"/>),
    /// <c>t</c> (<see cref="PValueMethod.StudentT"/>), <c>normal</c> (<see cref="PValueMethod.Normal"/>),
    /// <c>F</c> (<see cref="PValueMethod.FTest"/>) or <c>none</c> (no p-value).
    /// </summary>
    public string PValueMethodName => PValueMethod switch
    {
        PValueMethod.ExactPermutation or PValueMethod.KendallExact => "exact",
        PValueMethod.StudentT => "t",
        PValueMethod.Normal => "normal",
        PValueMethod.FTest => "F",
        _ => "none",
    };

    /// <summary>
    /// The p-value as text outputs print it, labelled with its method: <c>0.0167 (exact)</c>, <c>&lt; 1e-16 (t)</c>
    /// (<see cref="CorrelationStrengths.FormatPValue"/>), or <c>-</c> when there is no p-value.
    /// </summary>
    /// <param name="format">The number format (default 3 significant digits).</param>
    /// <returns>The text.</returns>
    public string FormatPValue(string format = CorrelationStrengths.DefaultPValueFormat) =>
        double.IsNaN(PValue) ? "-" : $"{CorrelationStrengths.FormatPValue(PValue, format)} ({PValueMethodName})";
}

/// <summary>One coefficient of a least-squares fit, as a row of R's <c>summary(lm)</c> coefficient table.</summary>
/// <param name="Name">"(Intercept)" or the factor's name.</param>
/// <param name="Estimate">The least-squares estimate.</param>
/// <param name="StandardError">Its standard error, sqrt(sigma^2 [(X'X)^-1]_jj).</param>
/// <param name="TValue">Estimate / StandardError.</param>
/// <param name="PValue">Two-sided p-value from Student's t with n - k - 1 degrees of freedom.</param>
public sealed record RegressionCoefficient(string Name, double Estimate, double StandardError, double TValue, double PValue);

/// <summary>
/// An ordinary least-squares fit of y on k factors with an intercept and its multiple correlation
/// R = corr(y, y_hat) = sqrt(R^2), with the numbers R's <c>summary(lm)</c> prints.
/// </summary>
/// <param name="N">Number of observations.</param>
/// <param name="K">Number of factors (without the intercept).</param>
/// <param name="R">Multiple correlation coefficient sqrt(R^2).</param>
/// <param name="RSquared">R^2 = MSS / (MSS + RSS), MSS = sum (y_hat - mean(y_hat))^2.</param>
/// <param name="AdjustedRSquared">1 - (1 - R^2)(n - 1) / (n - k - 1).</param>
/// <param name="FStatistic">(MSS / k) / (RSS / (n - k - 1)); +infinity for a perfect fit.</param>
/// <param name="Df1">Numerator degrees of freedom, k.</param>
/// <param name="Df2">Denominator (residual) degrees of freedom, n - k - 1.</param>
/// <param name="PValue">P(F(k, n - k - 1) &gt; F); 0 for a perfect fit.</param>
/// <param name="ResidualStandardError">sigma = sqrt(RSS / (n - k - 1)).</param>
/// <param name="Coefficients">Intercept first, then one row per factor in input order; empty unless <paramref name="Status"/> is Ok.</param>
/// <param name="Status">Whether the fit is defined, and if not, why.</param>
public sealed record RegressionResult(
    int N,
    int K,
    double R,
    double RSquared,
    double AdjustedRSquared,
    double FStatistic,
    int Df1,
    int Df2,
    double PValue,
    double ResidualStandardError,
    IReadOnlyList<RegressionCoefficient> Coefficients,
    CorrelationStatus Status)
{
    /// <summary>The study's strength label of <see cref="R"/>.</summary>
    public CorrelationStrength Strength => CorrelationStrengths.Classify(R);

    /// <summary>Whether the F test's p &lt; <paramref name="alpha"/>.</summary>
    /// <param name="alpha">Significance level (default 0.05).</param>
    /// <returns>True when significant.</returns>
    public bool IsSignificant(double alpha = CorrelationStrengths.DefaultAlpha) => CorrelationStrengths.IsSignificant(PValue, alpha);

    /// <summary>
    /// The F test's p as text outputs print it (<see cref="CorrelationStrengths.FormatPValue"/>): <c>&lt; 1e-16</c> for a
    /// perfect fit's p = 0, <c>-</c> when undefined.
    /// </summary>
    /// <param name="format">The number format (default 3 significant digits).</param>
    /// <returns>The text.</returns>
    public string FormatPValue(string format = CorrelationStrengths.DefaultPValueFormat) => CorrelationStrengths.FormatPValue(PValue, format);
}
