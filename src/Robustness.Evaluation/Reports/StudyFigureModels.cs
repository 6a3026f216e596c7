using System.Globalization;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Benchmarks;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Statistics;

namespace Robustness.Evaluation.Reports;

/// <summary>
/// The report's figures as <see cref="FigureModel"/>s, pure functions of the analysis table and the study's rows
/// (docs/reports.md, "Figures"): which figures a question gets, their display names, axis ranges, series styles,
/// bands over seeds and captions. <see cref="StudyFigures"/> draws them.
/// </summary>
internal static class StudyFigureModels
{
    /// <summary>
    /// The styles series take in order: Okabe-Ito colours (safe for colour-blind readers), each with its own marker and
    /// line pattern, so that no two series of a figure differ by colour alone. The four accuracies always take the first four.
    /// </summary>
    public static IReadOnlyList<SeriesStyle> Styles { get; } =
    [
        new("#0072B2", MarkerKind.Circle, LineKind.Solid),
        new("#009E73", MarkerKind.Square, LineKind.Dashed),
        new("#E69F00", MarkerKind.TriangleUp, LineKind.Dotted),
        new("#D55E00", MarkerKind.Diamond, LineKind.DashDot),
        new("#CC79A7", MarkerKind.OpenCircle, LineKind.LongDash),
        new("#56B4E9", MarkerKind.TriangleDown, LineKind.DenselyDashed),
        new("#000000", MarkerKind.OpenSquare, LineKind.DashDotDot),
    ];

    /// <summary>Every figure of the study's report, architecture by architecture.</summary>
    /// <param name="table">The analysis.</param>
    /// <param name="rows">The study's rows (seeds for the min-max bands, test levels for the captions).</param>
    /// <returns>The figures: per architecture the question's figure(s), then accuracy by test level.</returns>
    public static IReadOnlyList<FigureModel> For(StudyTable table, IReadOnlyList<StudyRow> rows)
    {
        var figures = new List<FigureModel>();
        foreach (var architecture in table.Architectures)
        {
            if (!table.IsMultiFactor)
            {
                figures.Add(Accuracy(table, architecture, rows));
                if (Attacks(table, architecture) is { } attacks)
                {
                    figures.Add(attacks);
                }
            }
            else if (table.Factors.Count == 2)
            {
                figures.AddRange(AccuracyMeasures.All.Select(m => Heatmap(table, architecture, m, rows)));
            }
            else
            {
                figures.Add(MainEffects(table, architecture, rows));
            }

            if (TestLevels(table, architecture, rows) is { } byTest)
            {
                figures.Add(byTest);
            }
        }

        return figures;
    }

    /// <summary>RQ1-RQ4 (the paper's Figures 2-5): the four accuracies against the training level, a band over seeds; RQ2 marks the peak and the segments.</summary>
    public static LineFigure Accuracy(StudyTable table, ArchitectureTable architecture, IReadOnlyList<StudyRow> rows)
    {
        string factor = table.Factors[0];
        var own = Own(rows, architecture);
        var band = BandOf(architecture.Points);
        double[] x = [.. architecture.Points.Select(p => p.Factors[0])];
        var series = AccuracyMeasures.All.Select((m, i) =>
        {
            var (low, high) = Bands(architecture.Points, own, m, band);
            double? r = architecture.SingleFactor?.FirstOrDefault(c => c.Measure == m)?.Spearman.Coefficient;
            return new FigureSeries(AccuracyMeasures.Name(m), x, [.. architecture.Points.Select(p => Percent(p.Metric(m).Mean))], low, high, Styles[i], r);
        }).ToList();

        var marks = new List<VerticalMark>();
        var regions = new List<XRegion>();
        string peakText = "";
        if (architecture.PeakIndex is { } peak && StudyQuestion.For(table.Question).SplitsAtPeak)
        {
            double at = x[peak];
            marks.Add(new VerticalMark(at, FigureText.Inv($"MNIST-A peak, end of segment I ({FactorName(factor)} {FigureText.G(at)})")));
            foreach (var segment in (architecture.Segments ?? []).Where(s => s.Name != "I"))
            {
                regions.Add(new XRegion((at + segment.FirstLevel) / 2, segment.LastLevel,
                    FigureText.Inv($"segment {segment.Name} ({FactorName(factor)} {FigureText.G(segment.FirstLevel)}-{FigureText.G(segment.LastLevel)})")));
            }

            peakText = FigureText.Inv($" Vertical line: the first maximum of the MNIST-A means, at {FactorName(factor)} {FigureText.G(at)}; ") + string.Join("; ",
                (architecture.Segments ?? []).Select(s => FigureText.Inv($"segment {s.Name} ({FigureText.G(s.FirstLevel)}-{FigureText.G(s.LastLevel)}, n = {s.Count}): r(MNIST-A) = {FigureText.R(s.Cells.First(c => c.Measure == AccuracyMeasure.MnistA).Spearman.Coefficient)}"))) + ".";
        }

        var panel = new LinePanel(null, FactorAxis(factor), "accuracy (%)", FitX(x), FitY(series), Ticks(x), series, marks, regions);
        string caption = FigureText.Inv($"Each point: one design point's accuracy in % ({MeasuresText(own)}), {SeedsText(architecture.Points)}. {BandText(band, table.ConfidenceLevel)}. ")
            + FigureText.Inv($"n = {architecture.Points.Count} design points ({FactorName(factor)} {FigureText.G(x.Min())}-{FigureText.G(x.Max())}); Spearman r with the {FactorName(factor)}: {RText(series)}.")
            + peakText + Study(table);
        return new LineFigure(FigureText.Inv($"{table.Study}-{architecture.Architecture}-accuracy"),
            FigureText.Inv($"{QuestionTitle(table.Question)}, {ArchitectureName(architecture.Architecture)}: accuracy against the {FactorName(factor)}"), caption, [panel]);
    }

    /// <summary>
    /// RQ1-RQ4 with attack columns (<c>study run --attacks</c>): each column's mean accuracy over the benchmark levels against
    /// the training level, with the clean MNIST-Test for scale; null without attack columns.
    /// </summary>
    public static LineFigure? Attacks(StudyTable table, ArchitectureTable architecture)
    {
        if (architecture.Attacks is not { } attacks || table.IsMultiFactor)
        {
            return null;
        }

        string factor = table.Factors[0];
        double[] cleanX = [.. architecture.Points.Select(p => p.Factors[0])];
        var series = new List<FigureSeries>
        {
            new("MNIST-Test (clean)", cleanX, [.. architecture.Points.Select(p => Percent(p.Metric(AccuracyMeasure.MnistTest).Mean))], null, null, Styles[1],
                architecture.SingleFactor?.FirstOrDefault(c => c.Measure == AccuracyMeasure.MnistTest)?.Spearman.Coefficient),
        };
        var others = Styles.Where((_, i) => i != 1).ToList();
        for (int k = 0; k < attacks.Keys.Count; k++)
        {
            string key = attacks.Keys[k];
            var points = attacks.Points.Where(p => p.Attacks.Any(a => a.Key == key)).ToList();
            series.Add(new FigureSeries(StudyAttack.DisplayNameOf(key), [.. points.Select(p => p.Factors[0])], [.. points.Select(p => Percent(p.Attacks.First(a => a.Key == key).MeanAccuracy))],
                null, null, others[k], attacks.Correlations.FirstOrDefault(c => c.Key == key)?.Spearman.Coefficient));
        }

        var panel = new LinePanel(null, FactorAxis(factor), "accuracy, mean over attack levels (%)", FitX(cleanX), FitY(series), Ticks(cleanX), series, [], []);
        int models = attacks.Points.Select(p => p.Models).DefaultIfEmpty(0).Max();
        string caption = FigureText.Inv($"Each point: one design point's accuracy under the attack in %, the mean over the attack's benchmark levels, averaged over the point's models (up to {models} seeds); ")
            + FigureText.Inv($"white-box unless marked transfer; no band (the attack columns are kept as means per point). n = {architecture.Points.Count} design points; Spearman r with the {FactorName(factor)}: {RText(series)}.") + Study(table);
        return new LineFigure(FigureText.Inv($"{table.Study}-{architecture.Architecture}-attacks"),
            FigureText.Inv($"{QuestionTitle(table.Question)}, {ArchitectureName(architecture.Architecture)}: accuracy under each attack"), caption, [panel]);
    }

    /// <summary>RQ5 (the paper's Figure 6): one accuracy over the first factor's levels (x) and the second's (y), the value in every cell.</summary>
    public static HeatmapFigure Heatmap(StudyTable table, ArchitectureTable architecture, AccuracyMeasure measure, IReadOnlyList<StudyRow> rows)
    {
        string fx = table.Factors[0];
        string fy = table.Factors[1];
        double[] columns = [.. architecture.Points.Select(p => p.Factors[0]).Distinct().Order()];
        double[] levels = [.. architecture.Points.Select(p => p.Factors[1]).Distinct().Order()];
        var cells = architecture.Points.Select(p =>
        {
            double v = Percent(p.Metric(measure).Mean);
            return new HeatmapCell(Array.IndexOf(columns, p.Factors[0]), Array.IndexOf(levels, p.Factors[1]), v, v.ToString("F1", CultureInfo.InvariantCulture));
        }).ToList();
        var values = cells.Select(c => c.Value).Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        string name = AccuracyMeasures.Name(measure);
        double sd = architecture.Points.Select(p => p.Metric(measure).StandardDeviation).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        string spread = double.IsFinite(sd) ? FigureText.Inv($" The largest standard deviation over seeds of a cell is {FigureText.Pct(sd * 100)} percentage points.") : " One seed: no spread over seeds.";
        string fit = architecture.MultiFactor?.FirstOrDefault(c => c.Measure == measure) is { } cell
            ? FigureText.Inv($" Multiple correlation of the OLS fit on both levels: R = {FigureText.R(cell.Fit.R)}, R² = {FigureText.R(cell.Fit.RSquared)}, p = {cell.Fit.FormatPValue()}.")
            : "";
        string caption = FigureText.Inv($"Each cell: one design point's {name} accuracy in % ({MeasureText(measure, Own(rows, architecture))}), {SeedsText(architecture.Points)}; ")
            + FigureText.Inv($"n = {cells.Count} design points ({FactorName(fx)} x {FactorName(fy)}); the colours span the cells' range, {FigureText.Pct(values.Min())}-{FigureText.Pct(values.Max())} %.")
            + spread + fit + Study(table);
        return new HeatmapFigure(FigureText.Inv($"{table.Study}-{architecture.Architecture}-heatmap-{name.ToLowerInvariant()}"),
            FigureText.Inv($"{QuestionTitle(table.Question)}, {ArchitectureName(architecture.Architecture)}: {name} accuracy"), caption,
            FactorAxis(fx), FactorAxis(fy), columns, levels, cells, name + " accuracy (%)", new AxisRange(values.Min(), values.Max()));
    }

    /// <summary>
    /// RQ6: main effects on the orthogonal array, one panel per factor: per level of the factor, the mean accuracy of the
    /// design points at that level (the other factors balanced), band min-max over those points.
    /// </summary>
    public static LineFigure MainEffects(StudyTable table, ArchitectureTable architecture, IReadOnlyList<StudyRow> rows)
    {
        var analyzer = new CorrelationAnalyzer();
        var own = Own(rows, architecture);
        var band = BandOf(architecture.Points);
        var panels = new List<LinePanel>();
        var rLines = new List<string>();
        for (int f = 0; f < table.Factors.Count; f++)
        {
            int index = f;
            double[] levels = [.. architecture.Points.Select(p => p.Factors[index]).Distinct().Order()];
            var series = AccuracyMeasures.All.Select((m, i) =>
            {
                var at = levels.Select(l => architecture.Points.Where(p => p.Factors[index] == l).ToList()).ToList();
                double[] y = [.. at.Select(points => points.Average(p => Percent(p.Metric(m).Mean)))];
                // The band: the same main effect computed from each repetition's rows alone, min-max over repetitions.
                var perRepetition = at.Select(points => own.Where(r => points.Any(p => p.PointId == r.PointId)).GroupBy(r => r.Repetition)
                    .Select(g => g.Average(r => Percent(StudyAnalyzer.Accuracy(r, m)))).ToList()).ToList();
                bool banded = band != Band.None && perRepetition.All(v => v.Count > 0);
                double r = analyzer.Spearman([.. architecture.Points.Select(p => p.Factors[index])], [.. architecture.Points.Select(p => p.Metric(m).Mean)], PValueRule.Asymptotic).Coefficient;
                return new FigureSeries(AccuracyMeasures.Name(m), levels, y, banded ? [.. perRepetition.Select(v => v.Min())] : null, banded ? [.. perRepetition.Select(v => v.Max())] : null, Styles[i], r);
            }).ToList();
            panels.Add(new LinePanel(FactorTitle(table.Factors[f]), FactorUnit(table.Factors[f]), "accuracy (%)", FitX(levels), FitY(series), Ticks(levels), series, [], []));
            rLines.Add(FigureText.Inv($"{FactorName(table.Factors[f])}: {RText(series)}"));
        }

        // One y range for all panels: the factors' effects are compared across panels.
        var y = new AxisRange(panels.Min(p => p.Y.Min), panels.Max(p => p.Y.Max));
        panels = [.. panels.Select(p => p with { Y = y })];
        int perLevel = architecture.Points.Count / Math.Max(1, panels[0].Series[0].X.Count);
        string fits = architecture.MultiFactor is { } multi
            ? " Multiple correlation R of the OLS fit on all factors: " + string.Join(", ", multi.Select(c => FigureText.Inv($"{AccuracyMeasures.Name(c.Measure)} {FigureText.R(c.Fit.R)} (p = {c.Fit.FormatPValue()})"))) + "."
            : "";
        string caption = FigureText.Inv($"Main effects over the {architecture.Points.Count} design points of the orthogonal array: each point is the mean, over the design points at that level of the panel's factor (about {perLevel}, the other factors balanced), ")
            + FigureText.Inv($"of the design point's accuracy in % ({MeasuresText(own)}), {SeedsText(architecture.Points)}. ")
            + (band == Band.None ? "No band: 1 seed per point. " : "Band: min-max over seeds of the same mean computed from each seed's models alone. ")
            + FigureText.Inv($"Spearman r of the factor with the accuracy over all n = {architecture.Points.Count} design points: {string.Join("; ", rLines)}.") + fits + Study(table);
        return new LineFigure(FigureText.Inv($"{table.Study}-{architecture.Architecture}-main-effects"),
            FigureText.Inv($"{QuestionTitle(table.Question)}, {ArchitectureName(architecture.Architecture)}: main effects of the factors"), caption, panels, Columns: 2);
    }

    /// <summary>
    /// MNIST-C and MNIST-A accuracy at every test level for the clean model (smallest sum of factor values) and the most
    /// strongly perturbed training set (largest sum), mean and min-max over seeds; null without per-level accuracies.
    /// </summary>
    public static LineFigure? TestLevels(StudyTable table, ArchitectureTable architecture, IReadOnlyList<StudyRow> rows)
    {
        var own = Own(rows, architecture).Where(r => r.BenchmarkLevels.Count > 0).ToList();
        if (own.Count == 0 || architecture.Points.Count == 0)
        {
            return null;
        }

        PointSummary clean = architecture.Points.MinBy(p => p.Factors.Sum())!;
        PointSummary strongest = architecture.Points.MaxBy(p => p.Factors.Sum())!;
        PointSummary[] chosen = clean.PointId == strongest.PointId ? [clean] : [clean, strongest];
        var analyzer = new CorrelationAnalyzer();
        var series = new List<FigureSeries>();
        var described = new List<string>();
        double[] allLevels = [];
        for (int i = 0; i < chosen.Length; i++)
        {
            var pointRows = own.Where(r => r.PointId == chosen[i].PointId).ToList();
            if (pointRows.Count == 0)
            {
                continue;
            }

            double[] levels = [.. pointRows[0].BenchmarkLevels];
            allLevels = [.. allLevels.Concat(levels)];
            string who = i == 0 ? "clean model" : "most perturbed";
            described.Add(FigureText.Inv($"{who}: point {chosen[i].PointId} ({FactorValues(table, chosen[i])}, {pointRows.Count} seed(s))"));
            foreach (var (benchmark, select, style) in new (string, Func<StudyRow, IReadOnlyList<double>>, int)[] { ("MNIST-C", r => r.GaussianAccuracies, 2 * i), ("MNIST-A", r => r.FgsmAccuracies, (2 * i) + 1) })
            {
                var perLevel = levels.Select((_, k) => pointRows.Select(r => Percent(select(r)[k])).ToList()).ToList();
                double[] y = [.. perLevel.Select(v => v.Average())];
                bool banded = pointRows.Count > 1;
                series.Add(new FigureSeries(FigureText.Inv($"{benchmark}, {who}"), levels, y, banded ? [.. perLevel.Select(v => v.Min())] : null, banded ? [.. perLevel.Select(v => v.Max())] : null,
                    _testLevelStyles[style], analyzer.Spearman(levels, y, PValueRule.Asymptotic).Coefficient));
            }
        }

        var panel = new LinePanel(null, "test perturbation level (l2 distance)", "accuracy (%)", FitX(allLevels), FitY(series), Ticks([.. allLevels.Distinct()]), series, [], []);
        string caption = FigureText.Inv($"Each point: the accuracy in % on the test images perturbed at that l2 level (MNIST-C Gaussian noise, MNIST-A FGSM against the clean model), averaged over seeds; ")
            + FigureText.Inv($"band: min-max over seeds (none with 1 seed). Models: {string.Join("; ", described)}. n = {series[0].X.Count} test levels per series; Spearman r with the test level: {RText(series)}.") + Study(table);
        return new LineFigure(FigureText.Inv($"{table.Study}-{architecture.Architecture}-test-levels"),
            FigureText.Inv($"{QuestionTitle(table.Question)}, {ArchitectureName(architecture.Architecture)}: accuracy against the test level"), caption, [panel]);
    }

    /// <summary>The display name of an architecture: <c>lenet5</c> = LeNet-5, <c>alexnet8</c> = AlexNet-8; others as they are.</summary>
    public static string ArchitectureName(string architecture) => architecture switch
    {
        "lenet5" => "LeNet-5",
        "alexnet8" => "AlexNet-8",
        _ => architecture,
    };

    /// <summary>A factor's name in running text, e.g. "Gaussian noise level".</summary>
    public static string FactorName(string factor) => factor switch
    {
        "gaussian" => "Gaussian noise level",
        "fgsm" => "FGSM level",
        "ci" => "class imbalance CI",
        "ld" => "label disturbance rate LD",
        _ => StudyQuestion.FactorDisplayName(factor),
    };

    /// <summary>A factor's axis label with its unit, e.g. "Gaussian noise level of the training set (l2 distance)".</summary>
    public static string FactorAxis(string factor) => factor switch
    {
        "gaussian" or "fgsm" => FactorName(factor) + " of the training set (l2 distance)",
        "ci" => "class imbalance of the training set (CI = 1 - smallest / largest class)",
        "ld" => "label disturbance of the training set (fraction of labels)",
        _ => FactorName(factor) + " of the training set",
    };

    /// <summary>A factor's unit for the x axis of a panel titled with its name, e.g. "l2 distance".</summary>
    public static string FactorUnit(string factor) => factor switch
    {
        "gaussian" or "fgsm" => "l2 distance of the training perturbation",
        "ci" => "CI = 1 - smallest / largest class size",
        "ld" => "fraction of training labels disturbed",
        _ => FactorName(factor),
    };

    /// <summary>
    /// The y range of the series and their bands: the data's range with a margin of 6 % of the span (at least 1 point,
    /// the span at least 4 points), widened to multiples of 5 and clamped to [0, 100] %.
    /// </summary>
    public static AxisRange FitY(IEnumerable<FigureSeries> series)
    {
        var values = series.SelectMany(s => s.Y.Concat(s.BandLow ?? []).Concat(s.BandHigh ?? [])).Where(double.IsFinite).ToList();
        if (values.Count == 0)
        {
            return new AxisRange(0, 100);
        }

        double low = values.Min();
        double high = values.Max();
        double span = Math.Max(high - low, 4);
        double margin = Math.Max(0.06 * span, 1);
        double center = (low + high) / 2;
        low = Math.Min(low, center - (span / 2)) - margin;
        high = Math.Max(high, center + (span / 2)) + margin;
        return new AxisRange(Math.Clamp(Math.Floor(low / 5) * 5, 0, 100), Math.Clamp(Math.Ceiling(high / 5) * 5, 0, 100));
    }

    private static readonly SeriesStyle[] _testLevelStyles =
    [
        new("#E69F00", MarkerKind.TriangleUp, LineKind.Solid),
        new("#D55E00", MarkerKind.Diamond, LineKind.Dashed),
        new("#E69F00", MarkerKind.OpenCircle, LineKind.Dotted),
        new("#D55E00", MarkerKind.OpenSquare, LineKind.DashDot),
    ];

    private enum Band
    {
        None,
        Range,
        Interval,
    }

    private static string QuestionTitle(ResearchQuestion question) => StudyQuestion.For(question).ToString();

    private static string FactorTitle(string factor)
    {
        string name = FactorName(factor);
        return char.ToUpperInvariant(name[0]) + name[1..];
    }

    private static List<StudyRow> Own(IReadOnlyList<StudyRow> rows, ArchitectureTable architecture) => [.. rows.Where(r => r.Architecture == architecture.Architecture)];

    private static double Percent(double fraction) => fraction * 100;

    /// <summary>Bands from the per-point intervals with 3 or more seeds everywhere, min-max over seeds with 2, none with 1.</summary>
    private static Band BandOf(IReadOnlyList<PointSummary> points)
    {
        int fewest = points.Select(p => p.Seeds.Count).DefaultIfEmpty(0).Min();
        int most = points.Select(p => p.Seeds.Count).DefaultIfEmpty(0).Max();
        return fewest >= 3 ? Band.Interval : most >= 2 ? Band.Range : Band.None;
    }

    private static (IReadOnlyList<double>? Low, IReadOnlyList<double>? High) Bands(IReadOnlyList<PointSummary> points, List<StudyRow> rows, AccuracyMeasure measure, Band band)
    {
        switch (band)
        {
            case Band.Interval:
                return ([.. points.Select(p => Percent(p.Metric(measure).ConfidenceLow))], [.. points.Select(p => Percent(p.Metric(measure).ConfidenceHigh))]);
            case Band.Range:
                var values = points.Select(p => rows.Where(r => r.PointId == p.PointId).Select(r => Percent(StudyAnalyzer.Accuracy(r, measure))).DefaultIfEmpty(Percent(p.Metric(measure).Mean)).ToList()).ToList();
                return ([.. values.Select(v => v.Min())], [.. values.Select(v => v.Max())]);
            default:
                return (null, null);
        }
    }

    private static string BandText(Band band, double confidence) => band switch
    {
        Band.Interval => FigureText.Inv($"Band: {confidence * 100:G3} % Student-t interval over seeds (on the logit scale, inside [0, 100] %)"),
        Band.Range => "Band: min-max over seeds (fewer than 3 seeds at some point, too few for a t interval)",
        _ => "No band: 1 seed per point",
    };

    private static string SeedsText(IReadOnlyList<PointSummary> points)
    {
        int fewest = points.Select(p => p.Seeds.Count).DefaultIfEmpty(0).Min();
        int most = points.Select(p => p.Seeds.Count).DefaultIfEmpty(0).Max();
        return most <= 1 ? "1 seed (no averaging)" : fewest == most ? FigureText.Inv($"averaged over {most} seeds") : FigureText.Inv($"averaged over {fewest}-{most} seeds per point");
    }

    /// <summary>What each accuracy is, e.g. "MNIST-C: mean over the 6 Gaussian-noise test levels (l2 1-6)".</summary>
    private static string MeasuresText(List<StudyRow> rows) =>
        "Training: on the model's own training set; MNIST-Test: on the clean test set; MNIST-C: " + MeasureText(AccuracyMeasure.MnistC, rows) + "; MNIST-A: " + MeasureText(AccuracyMeasure.MnistA, rows);

    private static string MeasureText(AccuracyMeasure measure, List<StudyRow> rows)
    {
        var levels = rows.Select(r => r.BenchmarkLevels).FirstOrDefault(l => l.Count > 0);
        string count = levels is null ? "" : FigureText.Inv($"{levels.Count} ");
        string range = levels is null ? "" : FigureText.Inv($" (l2 {FigureText.G(levels.Min())}-{FigureText.G(levels.Max())})");
        return measure switch
        {
            AccuracyMeasure.Training => "on the model's own training set",
            AccuracyMeasure.MnistTest => "on the clean test set",
            AccuracyMeasure.MnistC => $"mean over the {count}Gaussian-noise test levels{range}",
            _ => $"mean over the {count}FGSM test levels{range}, FGSM against the clean model",
        };
    }

    private static string RText(IEnumerable<FigureSeries> series) =>
        string.Join(", ", series.Select(s => FigureText.Inv($"{s.Name} {(s.SpearmanR is { } r ? FigureText.R(r) : "-")}")));

    private static string FactorValues(StudyTable table, PointSummary point) =>
        string.Join(", ", table.Factors.Select((f, i) => FigureText.Inv($"{FactorName(f)} {FigureText.G(point.Factors[i])}")));

    private static string Study(StudyTable table) => FigureText.Inv($" Study {table.Study}.");

    private static AxisRange FitX(IReadOnlyCollection<double> x)
    {
        if (x.Count == 0)
        {
            return new AxisRange(0, 1);
        }

        double span = Math.Max(x.Max() - x.Min(), 1e-9);
        return new AxisRange(x.Min() - (0.04 * span), x.Max() + (0.04 * span));
    }

    private static IReadOnlyList<double>? Ticks(IReadOnlyCollection<double> x) => x.Distinct().Count() is > 1 and <= 13 ? [.. x.Distinct().Order()] : null;
}

/// <summary>Number formats of figure texts (invariant culture).</summary>
internal static class FigureText
{
    /// <summary>A correlation: two decimals with its sign, "-" when undefined.</summary>
    public static string R(double r) => double.IsFinite(r) ? r.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) : "-";

    /// <summary>A percentage: one decimal.</summary>
    public static string Pct(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>A level as the design writes it (shortest round-trip).</summary>
    public static string G(double v) => v.ToString("G", CultureInfo.InvariantCulture);

    /// <summary>Interpolated text in the invariant culture.</summary>
    public static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
