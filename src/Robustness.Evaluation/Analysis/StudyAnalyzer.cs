using System.Globalization;
using MathNet.Numerics.Distributions;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Statistics;

namespace Robustness.Evaluation.Analysis;

/// <summary>Settings of <see cref="StudyAnalyzer"/>.</summary>
/// <param name="Alpha">The significance level, in (0, 1): p &lt; alpha is significant (default 0.05, method.md).</param>
/// <param name="ConfidenceLevel">The confidence level of the per-point intervals over repetitions, in (0, 1) (default 0.95).</param>
/// <param name="PValues">
/// The p-value rule of every Spearman correlation of the table (single-factor cells, RQ2 segments, attack columns):
/// <see cref="PValueRule.Auto"/> (default: exact permutation p for n &lt;= 10 points without ties, else SciPy's t),
/// <see cref="PValueRule.Exact"/> or <see cref="PValueRule.Asymptotic"/> (SciPy's t). Pearson's p is always t.
/// </param>
public sealed record StudyAnalysisOptions(double Alpha = CorrelationStrengths.DefaultAlpha, double ConfidenceLevel = 0.95, PValueRule PValues = PValueRule.Auto);

/// <summary>
/// Turns the stored rows of one study into the paper's table for its research question (docs/method.md,
/// "Analysis"; paper Tables 2-7), computed with <see cref="ICorrelationAnalyzer"/>.
/// </summary>
/// <remarks>
/// <para>Rows are grouped by architecture and design point. A point with several rows (repetitions, one per seed)
/// contributes the mean of each accuracy; the correlations, means and variances over the levels are computed on
/// these per-point means, and each point also gets a confidence interval inside [0, 1] (a Student-t interval on the
/// logit scale, <see cref="MetricSummary"/>).</para>
/// <para>RQ1-RQ4 correlate the point's training level (RQ1 Gaussian, RQ2 FGSM, RQ3 class imbalance - the requested
/// CI, or the set's own reached CI for the clean point -, RQ4 label disturbance) with each accuracy: Spearman r and
/// p (the paper's; the p by <see cref="StudyAnalysisOptions.PValues"/>), Pearson r and p, the strength label of the Spearman r, significance, and the mean and sample
/// variance of the accuracy over the points. RQ2 is also split at the first maximum of the MNIST-A means (the peak
/// ends segment I) and each segment analysed alike. RQ5/RQ6 fit each accuracy by OLS on the factors (RQ5: Gaussian,
/// FGSM; RQ6: Gaussian, FGSM, CI, LD) and report R, R², adjusted R², F, df and p.</para>
/// </remarks>
public sealed class StudyAnalyzer
{
    private readonly ICorrelationAnalyzer _analyzer;
    private readonly StudyAnalysisOptions _options;

    /// <summary>Creates an analyzer with <see cref="CorrelationAnalyzer"/> and default options.</summary>
    public StudyAnalyzer()
        : this(new CorrelationAnalyzer(), new StudyAnalysisOptions())
    {
    }

    /// <summary>Creates an analyzer.</summary>
    /// <param name="analyzer">The correlation analyzer.</param>
    /// <param name="options">The options (null = defaults).</param>
    public StudyAnalyzer(ICorrelationAnalyzer analyzer, StudyAnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        options ??= new StudyAnalysisOptions();
        if (!(options.Alpha > 0 && options.Alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Alpha, "Alpha must lie in (0, 1).");
        }

        if (!(options.ConfidenceLevel > 0 && options.ConfidenceLevel < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ConfidenceLevel, "ConfidenceLevel must lie in (0, 1).");
        }

        if (options.PValues is not (PValueRule.Auto or PValueRule.Exact or PValueRule.Asymptotic))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PValues, "PValues must be PValueRule.Auto, Exact or Asymptotic.");
        }

        _analyzer = analyzer;
        _options = options;
    }

    /// <summary>The factor names of a research question, in the order of <see cref="StudyTable.Factors"/>.</summary>
    /// <param name="question">The question.</param>
    /// <returns><c>gaussian</c> (RQ1), <c>fgsm</c> (RQ2), <c>ci</c> (RQ3), <c>ld</c> (RQ4), <c>gaussian, fgsm</c> (RQ5), <c>gaussian, fgsm, ci, ld</c> (RQ6).</returns>
    public static IReadOnlyList<string> FactorNames(ResearchQuestion question) => StudyQuestion.For(question).Factors;

    /// <summary>The value of one accuracy in a row.</summary>
    /// <param name="row">The row.</param>
    /// <param name="measure">The accuracy.</param>
    /// <returns>The accuracy.</returns>
    public static double Accuracy(StudyRow row, AccuracyMeasure measure)
    {
        ArgumentNullException.ThrowIfNull(row);
        return measure switch
        {
            AccuracyMeasure.Training => row.TrainingAccuracy,
            AccuracyMeasure.MnistTest => row.CleanAccuracy,
            AccuracyMeasure.MnistC => row.GaussianMeanAccuracy,
            AccuracyMeasure.MnistA => row.FgsmMeanAccuracy,
            _ => throw new ArgumentOutOfRangeException(nameof(measure), measure, "expected Training, MnistTest, MnistC or MnistA."),
        };
    }

    /// <summary>The factor values of a row for a question (class imbalance: the requested CI, or the reached CI when none was asked for).</summary>
    /// <param name="row">The row.</param>
    /// <param name="question">The question whose factors are wanted.</param>
    /// <returns>The values, in <see cref="FactorNames"/> order.</returns>
    public static IReadOnlyList<double> FactorValues(StudyRow row, ResearchQuestion question)
    {
        ArgumentNullException.ThrowIfNull(row);
        return [.. StudyQuestion.For(question).Factors.Select(f => StudyQuestion.Value(row, f))];
    }

    /// <summary>Analyses one study of a question as a store holds it.</summary>
    /// <param name="store">The store (open it with <see cref="SqliteResultStore.OpenReadOnly"/> to read without changing it).</param>
    /// <param name="question">The research question.</param>
    /// <param name="study">The study's name; needed when the store holds several studies of the question.</param>
    /// <returns>The study's table.</returns>
    /// <exception cref="InvalidDataException">The store holds no rows of the question (or of the named study); the message says what it holds.</exception>
    /// <exception cref="ArgumentException">Several studies of the question and no name.</exception>
    public StudyTable Analyze(IResultStore store, ResearchQuestion question, string? study = null) => Analyze(RowsOf(store, question, study));

    /// <summary>The rows of one study of a question as a store holds it, checked as <see cref="Analyze(IResultStore, ResearchQuestion, string?)"/> checks them.</summary>
    internal static List<StudyRow> RowsOf(IResultStore store, ResearchQuestion question, string? study)
    {
        ArgumentNullException.ThrowIfNull(store);
        List<StudyRow> rows = [.. store.Rows(study).Where(r => r.Question == question)];
        if (rows.Count == 0)
        {
            var present = store.Rows().Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Study} (RQ{(int)r.Question})")).Distinct().Order(StringComparer.Ordinal).ToList();
            string what = study is null
                ? string.Create(CultureInfo.InvariantCulture, $"no rows of RQ{(int)question}")
                : string.Create(CultureInfo.InvariantCulture, $"no rows of RQ{(int)question} in study '{study}'");
            throw new InvalidDataException($"{store.Path}: {what}; the store holds {(present.Count == 0 ? "no rows" : string.Join(", ", present))}.");
        }

        var studies = rows.Select(r => r.Study).Distinct().Order(StringComparer.Ordinal).ToList();
        if (studies.Count > 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{store.Path} holds {studies.Count} studies of RQ{(int)question} ({string.Join(", ", studies)}); choose one with --study."));
        }

        return rows;
    }

    /// <summary>Analyses the rows of one study.</summary>
    /// <param name="rows">The rows; all of one study and one research question, at least one.</param>
    /// <returns>The study's table.</returns>
    /// <exception cref="ArgumentException">No rows, rows of several studies or questions, two rows of one run, or a non-finite accuracy.</exception>
    public StudyTable Analyze(IReadOnlyList<StudyRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("rows is empty; give the rows of one study.", nameof(rows));
        }

        string study = rows[0].Study;
        ResearchQuestion question = rows[0].Question;
        foreach (StudyRow row in rows)
        {
            ArgumentNullException.ThrowIfNull(row, nameof(rows));
            if (row.Study != study || row.Question != question)
            {
                throw new ArgumentException(
                    $"rows mix studies: '{study}' (RQ{(int)question}) and '{row.Study}' (RQ{(int)row.Question}) in row '{row.Key}'; analyse one study at a time.",
                    nameof(rows));
            }

            foreach (AccuracyMeasure m in AccuracyMeasures.All)
            {
                double v = Accuracy(row, m);
                if (!double.IsFinite(v))
                {
                    throw new ArgumentException($"row '{row.Key}' has {AccuracyMeasures.Name(m)} accuracy {v}; accuracies must be finite.", nameof(rows));
                }
            }
        }

        IReadOnlyList<string> factors = FactorNames(question);
        bool multi = StudyQuestion.For(question).IsMultiFactor;
        var architectures = new List<ArchitectureTable>();
        int repetitions = 0;
        foreach (IGrouping<string, StudyRow> arch in rows.GroupBy(r => r.Architecture, StringComparer.Ordinal))
        {
            List<PointSummary> points = Summaries(arch, question);
            repetitions = Math.Max(repetitions, points.Max(p => p.Seeds.Count));
            ArchitectureTable archTable = multi ? MultiFactorTable(arch.Key, points, factors) : SingleFactorTable(arch.Key, points, question);
            architectures.Add(arch.Any(r => r.Attacks.Count > 0) ? archTable with { Attacks = AttackSummary([.. arch], points, multi) } : archTable);
        }

        return new StudyTable(study, question, factors, _options.Alpha, _options.ConfidenceLevel, repetitions, architectures)
        {
            NearChanceRuns = [.. rows.Where(r => r.NearChance).OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new KeyValuePair<string, double>(r.Key, r.TrainingAccuracy))],
        };
    }

    private List<PointSummary> Summaries(IEnumerable<StudyRow> rows, ResearchQuestion question)
    {
        var points = new List<PointSummary>();
        foreach (IGrouping<string, StudyRow> point in rows.GroupBy(r => r.PointId, StringComparer.Ordinal))
        {
            StudyRow[] reps = [.. point.OrderBy(r => r.Seed)];
            for (int i = 1; i < reps.Length; i++)
            {
                if (reps[i].Seed == reps[i - 1].Seed)
                {
                    throw new ArgumentException($"rows hold run '{reps[i].Key}' twice (seed {reps[i].Seed}); each run must appear once.", nameof(rows));
                }
            }

            // Factor values are the design point's, equal for all seeds; the reached CI (clean RQ3 point) is averaged.
            int k = FactorValues(reps[0], question).Count;
            double[] factorValues = new double[k];
            foreach (StudyRow r in reps)
            {
                IReadOnlyList<double> f = FactorValues(r, question);
                for (int j = 0; j < k; j++)
                {
                    factorValues[j] += f[j] / reps.Length;
                }
            }

            MetricSummary[] metrics = [.. AccuracyMeasures.All.Select(m => Summarize(m, [.. reps.Select(r => Accuracy(r, m))]))];
            points.Add(new PointSummary(point.Key, reps[0].PointIndex, factorValues, [.. reps.Select(r => r.Seed)], metrics));
        }

        return StudyQuestion.For(question).IsMultiFactor
            ? [.. points.OrderBy(p => p.PointIndex).ThenBy(p => p.PointId, StringComparer.Ordinal)]
            : [.. points.OrderBy(p => p.Factors[0]).ThenBy(p => p.PointIndex).ThenBy(p => p.PointId, StringComparer.Ordinal)];
    }

    private MetricSummary Summarize(AccuracyMeasure measure, double[] values)
    {
        DescriptiveStatistics d = DescriptiveStatistics.Of(values);
        int n = values.Length;
        if (n < 2)
        {
            return new MetricSummary(measure, n, d.Mean, double.NaN, double.NaN, double.NaN);
        }

        (double low, double high) = LogitInterval(values, d.Mean, _options.ConfidenceLevel);
        return new MetricSummary(measure, n, d.Mean, d.SampleStandardDeviation, low, high);
    }

    /// <summary>The smallest and largest accuracy the logit interval uses: values are clamped to [1e-3, 1 - 1e-3] first.</summary>
    internal const double LogitClamp = 1e-3;

    /// <summary>
    /// The repetition interval of <see cref="MetricSummary"/>: each value clamped to [<see cref="LogitClamp"/>,
    /// 1 - <see cref="LogitClamp"/>], logit-transformed, mean ± t(1 - (1 - level)/2, n - 1)·s/√n on that scale, mapped back
    /// with the logistic function, then widened to contain <paramref name="mean"/>. All values equal: [mean, mean].
    /// </summary>
    internal static (double Low, double High) LogitInterval(double[] values, double mean, double level)
    {
        int n = values.Length;
        bool allEqual = true;
        var logits = new double[n];
        for (int i = 0; i < n; i++)
        {
            allEqual &= values[i] == values[0];
            double v = Math.Clamp(values[i], LogitClamp, 1 - LogitClamp);
            logits[i] = Math.Log(v / (1 - v));
        }

        if (allEqual)
        {
            return (mean, mean);
        }

        DescriptiveStatistics l = DescriptiveStatistics.Of(logits);
        double half = TQuantile(1 - ((1 - level) / 2), n - 1) * l.SampleStandardDeviation / Math.Sqrt(n);
        double low = Logistic(l.Mean - half);
        double high = Logistic(l.Mean + half);
        return (Math.Min(low, mean), Math.Max(high, mean));
    }

    private static double Logistic(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>
    /// The p-quantile of Student's t with <paramref name="df"/> degrees of freedom (MathNet's
    /// <see cref="StudentT.InvCDF"/>; agrees with SciPy's <c>t.ppf</c> to about 1e-10 relative, ample for an interval).
    /// </summary>
    internal static double TQuantile(double p, int df) => StudentT.InvCDF(0, 1, df, p);

    private ArchitectureTable SingleFactorTable(string architecture, List<PointSummary> points, ResearchQuestion question)
    {
        double[] levels = [.. points.Select(p => p.Factors[0])];
        SingleFactorCell[] cells = [.. AccuracyMeasures.All.Select(m => SingleCell(m, levels, Means(points, m)))];
        if (!StudyQuestion.For(question).SplitsAtPeak)
        {
            return new ArchitectureTable(architecture, points, cells, null, null, null);
        }

        SeriesSplit split = SeriesSegments.SplitAtPeak(Means(points, AccuracyMeasure.MnistA));
        var bySegment = new Dictionary<string, List<SingleFactorCell>>(StringComparer.Ordinal);
        IReadOnlyList<SegmentAnalysis>? layout = null;
        foreach (AccuracyMeasure m in AccuracyMeasures.All)
        {
            double[] y = Means(points, m);
            IReadOnlyList<SegmentAnalysis> spearman = SeriesSegments.Analyze(_analyzer, levels, y, split, CorrelationMethod.Spearman, _options.PValues);
            IReadOnlyList<SegmentAnalysis> pearson = SeriesSegments.Analyze(_analyzer, levels, y, split, CorrelationMethod.Pearson);
            layout ??= spearman;
            for (int s = 0; s < spearman.Count; s++)
            {
                SegmentAnalysis a = spearman[s];
                var cell = new SingleFactorCell(m, a.Count, a.Correlation, pearson[s].Correlation, a.Descriptives.Mean, a.Descriptives.Variance,
                    a.Correlation.IsSignificant(_options.Alpha));
                if (!bySegment.TryGetValue(a.Name, out List<SingleFactorCell>? list))
                {
                    bySegment[a.Name] = list = [];
                }

                list.Add(cell);
            }
        }

        SegmentTable[] segments = [.. layout!.Select(a => new SegmentTable(a.Name, a.Start, a.Count, a.FirstLevel, a.LastLevel, bySegment[a.Name]))];
        return new ArchitectureTable(architecture, points, cells, split.PeakIndex, segments, null);
    }

    private SingleFactorCell SingleCell(AccuracyMeasure measure, double[] levels, double[] y)
    {
        CorrelationResult spearman = _analyzer.Spearman(levels, y, _options.PValues);
        CorrelationResult pearson = _analyzer.Pearson(levels, y);
        DescriptiveStatistics d = DescriptiveStatistics.Of(y);
        return new SingleFactorCell(measure, y.Length, spearman, pearson, d.Mean, d.Variance, spearman.IsSignificant(_options.Alpha));
    }

    private ArchitectureTable MultiFactorTable(string architecture, List<PointSummary> points, IReadOnlyList<string> factors)
    {
        IReadOnlyList<double>[] columns = new IReadOnlyList<double>[factors.Count];
        for (int j = 0; j < factors.Count; j++)
        {
            columns[j] = [.. points.Select(p => p.Factors[j])];
        }

        MultiFactorCell[] cells = [.. AccuracyMeasures.All.Select(m =>
        {
            RegressionResult fit = _analyzer.Multiple(Means(points, m), columns, factors);
            return new MultiFactorCell(m, fit, fit.IsSignificant(_options.Alpha));
        })];
        return new ArchitectureTable(architecture, points, null, null, null, cells);
    }

    private AttackTable AttackSummary(List<StudyRow> rows, List<PointSummary> points, bool multi)
    {
        var keys = rows.SelectMany(r => r.Attacks.Select(a => a.Key)).Distinct(StringComparer.Ordinal).ToList();
        var summaries = new List<AttackPointSummary>();
        var totals = GradientMaskingCheck.Signs.ToDictionary(s => s, _ => (Flagged: 0, Models: 0));
        foreach (PointSummary point in points)
        {
            var reps = rows.Where(r => r.PointId == point.PointId && r.Attacks.Count > 0).OrderBy(r => r.Seed).ToList();
            var means = new List<AttackMean>();
            foreach (string key in keys)
            {
                var scores = reps.Select(r => r.Attack(key)).OfType<AttackScore>().ToList();
                if (scores.Count == 0)
                {
                    continue;
                }

                int levels = scores.Min(a => a.Accuracies.Count);
                double[] perLevel = [.. Enumerable.Range(0, levels).Select(l => scores.Average(a => a.Accuracies[l]))];
                double? median = scores.All(a => a.MedianMinimalDistance is not null)
                    ? (scores.Any(a => double.IsPositiveInfinity(a.MedianMinimalDistance!.Value)) ? double.PositiveInfinity : scores.Average(a => a.MedianMinimalDistance!.Value))
                    : null;
                means.Add(new AttackMean(key, scores.Average(a => a.MeanAccuracy), perLevel, median));
            }

            var flagsBySeed = reps.Select(r => (r.Seed, Flags: GradientMaskingCheck.Check(r))).ToList();
            var counts = GradientMaskingCheck.Signs.Select(sign =>
            {
                int flagged = flagsBySeed.Count(f => f.Flags.Any(x => x.Sign == sign));
                totals[sign] = (totals[sign].Flagged + flagged, totals[sign].Models + reps.Count);
                return new MaskingCount(sign, flagged, reps.Count);
            }).ToList();
            var details = flagsBySeed.SelectMany(f => f.Flags.Select(x => string.Create(CultureInfo.InvariantCulture, $"s{f.Seed}: {x.Code}: {x.Detail}"))).ToList();
            summaries.Add(new AttackPointSummary(point.PointId, point.Factors, reps.Count, means, counts, details));
        }

        var correlations = new List<AttackCorrelation>();
        if (!multi)
        {
            foreach (string key in keys)
            {
                var withKey = summaries.Where(p => p.Attacks.Any(a => a.Key == key)).ToList();
                double[] x = [.. withKey.Select(p => p.Factors[0])];
                double[] y = [.. withKey.Select(p => p.Attacks.First(a => a.Key == key).MeanAccuracy)];
                DescriptiveStatistics d = DescriptiveStatistics.Of(y);
                correlations.Add(new AttackCorrelation(key, _analyzer.Spearman(x, y, _options.PValues), d.Mean, d.Variance));
            }
        }

        return new AttackTable(keys, summaries, correlations, [.. GradientMaskingCheck.Signs.Select(s => new MaskingCount(s, totals[s].Flagged, totals[s].Models))]);
    }

    private static double[] Means(List<PointSummary> points, AccuracyMeasure measure) => [.. points.Select(p => p.Metric(measure).Mean)];
}
