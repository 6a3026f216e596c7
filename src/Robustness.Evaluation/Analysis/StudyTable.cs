using System.Globalization;
using Robustness.Evaluation.Designs;
using Robustness.Statistics;

namespace Robustness.Evaluation.Analysis;

/// <summary>The accuracies a study row scores, in the order of the paper's tables.</summary>
public enum AccuracyMeasure
{
    /// <summary>Accuracy on the model's own training set (model fitting).</summary>
    Training,

    /// <summary>Accuracy on the clean test suite (MNIST-Test, <see cref="Results.StudyRow.CleanAccuracy"/>).</summary>
    MnistTest,

    /// <summary>Mean accuracy over the Gaussian suite's levels (MNIST-C, <see cref="Results.StudyRow.GaussianMeanAccuracy"/>).</summary>
    MnistC,

    /// <summary>Mean accuracy over the FGSM suite's levels (MNIST-A, <see cref="Results.StudyRow.FgsmMeanAccuracy"/>).</summary>
    MnistA,
}

/// <summary>Names of <see cref="AccuracyMeasure"/> values as the paper writes them.</summary>
public static class AccuracyMeasures
{
    /// <summary>All measures, in table order.</summary>
    public static IReadOnlyList<AccuracyMeasure> All { get; } =
        [AccuracyMeasure.Training, AccuracyMeasure.MnistTest, AccuracyMeasure.MnistC, AccuracyMeasure.MnistA];

    /// <summary>The display name: <c>Training</c>, <c>MNIST-Test</c>, <c>MNIST-C</c> or <c>MNIST-A</c>.</summary>
    /// <param name="measure">The measure.</param>
    /// <returns>The name.</returns>
    public static string Name(AccuracyMeasure measure) => measure switch
    {
        AccuracyMeasure.Training => "Training",
        AccuracyMeasure.MnistTest => "MNIST-Test",
        AccuracyMeasure.MnistC => "MNIST-C",
        AccuracyMeasure.MnistA => "MNIST-A",
        _ => throw new ArgumentOutOfRangeException(nameof(measure), measure, "expected Training, MnistTest, MnistC or MnistA."),
    };
}

/// <summary>
/// The mean of one accuracy over the repetitions (seeds) of one design point, with a two-sided confidence interval
/// that stays inside [0, 1]: a Student-t interval on the logit scale.
/// </summary>
/// <remarks>
/// <para>Each seed's accuracy a_i is clamped to [0.001, 0.999] (so that 0 and 1 have finite logits) and transformed to
/// z_i = ln(a_i / (1 - a_i)). With m and s the mean and sample standard deviation of the z_i, the interval is
/// [logistic(m - h), logistic(m + h)], h = t(1 - (1 - level)/2, n - 1) · s/√n, logistic(z) = 1/(1 + e^-z). It is then
/// widened to contain the arithmetic mean <see cref="Mean"/> (low = min(low, mean), high = max(high, mean)), because the
/// back-transformed centre is the mean of the logits, not of the accuracies. With all seeds equal the interval is
/// [mean, mean].</para>
/// <para>A plain t interval mean ± h on the accuracy scale can leave [0, 1] (e.g. [0.28, 1.44] from two seeds); this
/// one cannot, and it is asymmetric near 0 and 1 as a proportion's uncertainty is. With 2 seeds (t with 1 df,
/// t(0.975, 1) = 12.7) it is still very wide; run 3 or more seeds for usable intervals (<see cref="StudyTable.RepetitionNote"/>).
/// With one repetition the standard deviation and the interval are NaN.</para>
/// </remarks>
/// <param name="Measure">The accuracy.</param>
/// <param name="Count">Repetitions n.</param>
/// <param name="Mean">The mean over the repetitions.</param>
/// <param name="StandardDeviation">The sample standard deviation (divisor n - 1) of the accuracies (not of the logits).</param>
/// <param name="ConfidenceLow">The interval's lower end, in [0, 1].</param>
/// <param name="ConfidenceHigh">The interval's upper end, in [0, 1].</param>
public sealed record MetricSummary(
    AccuracyMeasure Measure,
    int Count,
    double Mean,
    double StandardDeviation,
    double ConfidenceLow,
    double ConfidenceHigh);

/// <summary>One design point of one architecture: its factor values and the repetition means of every accuracy.</summary>
/// <param name="PointId">The design point's id.</param>
/// <param name="PointIndex">The point's position in its design.</param>
/// <param name="Factors">The factor values, in <see cref="StudyTable.Factors"/> order.</param>
/// <param name="Seeds">The seeds of the repetitions, ascending.</param>
/// <param name="Metrics">One summary per <see cref="AccuracyMeasure"/>, in <see cref="AccuracyMeasures.All"/> order.</param>
public sealed record PointSummary(
    string PointId,
    int PointIndex,
    IReadOnlyList<double> Factors,
    IReadOnlyList<ulong> Seeds,
    IReadOnlyList<MetricSummary> Metrics)
{
    /// <summary>The summary of one accuracy.</summary>
    /// <param name="measure">The accuracy.</param>
    /// <returns>Its summary.</returns>
    public MetricSummary Metric(AccuracyMeasure measure) => Metrics.First(m => m.Measure == measure);
}

/// <summary>
/// One row of a single-factor table (RQ1-RQ4): the correlation between the training perturbation level and one
/// accuracy over the design points, and the mean and sample variance of that accuracy over the points.
/// </summary>
/// <param name="Measure">The accuracy.</param>
/// <param name="Count">Design points n (each contributes its repetition mean).</param>
/// <param name="Spearman">Spearman's rank correlation with its two-sided t-test p (the paper's r and p).</param>
/// <param name="Pearson">Pearson's r with its two-sided p.</param>
/// <param name="Mean">Mean of the accuracy over the points.</param>
/// <param name="Variance">Sample variance (divisor n - 1) of the accuracy over the points; NaN for one point.</param>
/// <param name="Significant">True when the Spearman p is below the table's alpha.</param>
public sealed record SingleFactorCell(
    AccuracyMeasure Measure,
    int Count,
    CorrelationResult Spearman,
    CorrelationResult Pearson,
    double Mean,
    double Variance,
    bool Significant)
{
    /// <summary>The strength label of the Spearman r (docs/statistics.md).</summary>
    public CorrelationStrength Strength => Spearman.Strength;
}

/// <summary>One segment of an RQ2 table: the points from <see cref="FirstLevel"/> to <see cref="LastLevel"/>.</summary>
/// <param name="Name">"I" (up to and including the MNIST-A peak) or "II" (after it).</param>
/// <param name="Start">The first point's position in the level-ordered points.</param>
/// <param name="Count">Points in the segment.</param>
/// <param name="FirstLevel">The segment's first level.</param>
/// <param name="LastLevel">The segment's last level.</param>
/// <param name="Cells">One row per accuracy, in <see cref="AccuracyMeasures.All"/> order.</param>
public sealed record SegmentTable(
    string Name,
    int Start,
    int Count,
    double FirstLevel,
    double LastLevel,
    IReadOnlyList<SingleFactorCell> Cells);

/// <summary>
/// One row of a multi-factor table (RQ5, RQ6): the multiple correlation R of the OLS fit of one accuracy on the
/// factors (with an intercept), as R's <c>summary(lm)</c> reports it.
/// </summary>
/// <param name="Measure">The accuracy.</param>
/// <param name="Fit">The regression (R, R², adjusted R², F, df1, df2, p, coefficients, status).</param>
/// <param name="Significant">True when the F-test p is below the table's alpha.</param>
public sealed record MultiFactorCell(AccuracyMeasure Measure, RegressionResult Fit, bool Significant)
{
    /// <summary>The strength label of R (docs/statistics.md).</summary>
    public CorrelationStrength Strength => Fit.Strength;
}

/// <summary>The analysis of one architecture of a study.</summary>
/// <param name="Architecture">The architecture's name.</param>
/// <param name="Points">The design points: ordered by level for RQ1-RQ4, by design index for RQ5/RQ6.</param>
/// <param name="SingleFactor">RQ1-RQ4: one row per accuracy; null for RQ5/RQ6.</param>
/// <param name="PeakIndex">RQ2: the position (in <paramref name="Points"/>) of the first maximum of the MNIST-A means; null otherwise.</param>
/// <param name="Segments">RQ2: segment I (to the peak, inclusive) and, unless the peak is the last point, segment II; null otherwise.</param>
/// <param name="MultiFactor">RQ5/RQ6: one row per accuracy; null for RQ1-RQ4.</param>
public sealed record ArchitectureTable(
    string Architecture,
    IReadOnlyList<PointSummary> Points,
    IReadOnlyList<SingleFactorCell>? SingleFactor,
    int? PeakIndex,
    IReadOnlyList<SegmentTable>? Segments,
    IReadOnlyList<MultiFactorCell>? MultiFactor)
{
    /// <summary>The attack columns (<c>study run --attacks</c>) and gradient-masking flags; null when the rows have none.</summary>
    public AttackTable? Attacks { get; init; }
}

/// <summary>One attack column of one design point, averaged over its models (seeds).</summary>
/// <param name="Key">The column key (<c>fgsm</c>, <c>pgd</c>, <c>minimal</c>, <c>fgsm-transfer</c>, <c>pgd-transfer</c>).</param>
/// <param name="MeanAccuracy">The mean over the models of each model's mean accuracy over the benchmark levels.</param>
/// <param name="LevelAccuracies">Per benchmark level, the mean accuracy over the models.</param>
/// <param name="MedianMinimalDistance">For <c>minimal</c>: the mean over the models of each model's median minimal distance (+infinity when any is); null for the others.</param>
public sealed record AttackMean(string Key, double MeanAccuracy, IReadOnlyList<double> LevelAccuracies, double? MedianMinimalDistance);

/// <summary>How many models of a point (or an architecture) show one sign of gradient masking.</summary>
/// <param name="Sign">The sign.</param>
/// <param name="Flagged">Models flagged.</param>
/// <param name="Models">Models checked.</param>
public sealed record MaskingCount(MaskingSign Sign, int Flagged, int Models)
{
    /// <summary>The sign's short code.</summary>
    public string Code => GradientMaskingCheck.Code(Sign);
}

/// <summary>The attack columns of one design point.</summary>
/// <param name="PointId">The design point's id.</param>
/// <param name="Factors">Its factor values (as in <see cref="PointSummary.Factors"/>).</param>
/// <param name="Models">Models (seeds) with attack columns.</param>
/// <param name="Attacks">One mean per column, in <see cref="AttackTable.Keys"/> order (a column a point lacks is left out).</param>
/// <param name="Flags">Per sign, how many of the point's models are flagged.</param>
/// <param name="Details">The flags of each model, e.g. <c>s1: PGD 0.41 &gt; FGSM 0.38 at l2 2</c>.</param>
public sealed record AttackPointSummary(string PointId, IReadOnlyList<double> Factors, int Models, IReadOnlyList<AttackMean> Attacks, IReadOnlyList<MaskingCount> Flags, IReadOnlyList<string> Details);

/// <summary>The correlation of one attack column's mean accuracy with the training level (single-factor questions).</summary>
/// <param name="Key">The column key.</param>
/// <param name="Spearman">Spearman's r and p over the points.</param>
/// <param name="Mean">The mean over the points.</param>
/// <param name="Variance">The sample variance over the points.</param>
public sealed record AttackCorrelation(string Key, CorrelationResult Spearman, double Mean, double Variance);

/// <summary>The attack columns of one architecture and their gradient-masking flags (docs/gradient-masking.md).</summary>
/// <param name="Keys">The column keys, in the order the study asked for them.</param>
/// <param name="Points">One summary per design point, in the architecture table's point order.</param>
/// <param name="Correlations">RQ1-RQ4: one correlation per column with the training level; empty for RQ5/RQ6.</param>
/// <param name="Totals">Per sign, models flagged over all points.</param>
public sealed record AttackTable(IReadOnlyList<string> Keys, IReadOnlyList<AttackPointSummary> Points, IReadOnlyList<AttackCorrelation> Correlations, IReadOnlyList<MaskingCount> Totals);

/// <summary>The analysis of one study: the paper's table for its research question (Tables 2-7), one block per architecture.</summary>
/// <param name="Study">The study's name.</param>
/// <param name="Question">The research question.</param>
/// <param name="Factors">The factor names: <c>gaussian</c>, <c>fgsm</c>, <c>ci</c>, <c>ld</c> (one for RQ1-RQ4, two for RQ5, four for RQ6).</param>
/// <param name="Alpha">The significance level (p &lt; alpha is significant).</param>
/// <param name="ConfidenceLevel">The confidence level of the per-point intervals.</param>
/// <param name="Repetitions">The largest number of repetitions of any design point.</param>
/// <param name="Architectures">One block per architecture, in order of first appearance in the rows.</param>
public sealed record StudyTable(
    string Study,
    ResearchQuestion Question,
    IReadOnlyList<string> Factors,
    double Alpha,
    double ConfidenceLevel,
    int Repetitions,
    IReadOnlyList<ArchitectureTable> Architectures)
{
    /// <summary>True for RQ5/RQ6 (multiple correlation), false for RQ1-RQ4 (single-factor correlation).</summary>
    public bool IsMultiFactor => Factors.Count > 1;

    /// <summary>
    /// The runs whose training accuracy stayed near chance (<see cref="Results.StudyRow.NearChance"/>): their keys and training
    /// accuracies. They are analysed like every other row, and every output names them, because such a model says nothing about robustness.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, double>> NearChanceRuns { get; init; } = [];

    /// <summary>The line text outputs print about <see cref="NearChanceRuns"/>, or null when there are none.</summary>
    public string? NearChanceNote => NearChanceRuns.Count == 0 ? null : string.Create(CultureInfo.InvariantCulture,
        $"warning: {NearChanceRuns.Count} run(s) stayed near chance on their own training set (training accuracy below 1.5 / classes): {string.Join(", ", NearChanceRuns.Select(r => $"{r.Key} ({r.Value:P1})"))}");

    /// <summary>Which variance the tables report: always the sample variance (divisor n - 1).</summary>
    public const string VarianceKind = "sample (n-1)";

    /// <summary>
    /// The note that text outputs (<see cref="StudyTableWriter.ToText"/>, the report's Markdown) print when a design point
    /// has fewer than 3 repetitions (seeds): with 1 seed there are no intervals, with 2 the t quantile has 1 degree of
    /// freedom and the intervals are very wide. Null when every point has 3 or more seeds.
    /// </summary>
    public string? RepetitionNote
    {
        get
        {
            int fewest = Architectures.SelectMany(a => a.Points).Select(p => p.Seeds.Count).DefaultIfEmpty(0).Min();
            return fewest switch
            {
                1 => Repetitions > 1
                    ? "note: no intervals at the design points with 1 seed; run 3 or more seeds (--seeds 3) for usable intervals"
                    : "note: no intervals: 1 seed; run 3 or more seeds (--seeds 3) for intervals over repetitions",
                2 => "note: intervals over 2 seeds (t with 1 df) are very wide; run 3 or more seeds (--seeds 3) for usable intervals",
                _ => null,
            };
        }
    }
}
