using System.Globalization;
using Microsoft.Data.Sqlite;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Reports;
using Robustness.Evaluation.Results;

namespace Robustness.Evaluation.Tests.Reports;

/// <summary>
/// The report's figures, checked from their <see cref="FigureModel"/> (not from pixels): captions, display names,
/// series styles, fitted ranges, heatmap cells, RQ2 marks and RQ6 main effects; and that the renderer writes PNG and
/// SVG files. Tables come the real way: constructed rows of several seeds in a SQLite store, analysed by <see cref="StudyAnalyzer"/>.
/// Set ROBUSTNESS_FIGURE_OUT to a folder to keep the rendered figures for looking at them.
/// </summary>
[TestFixture]
public sealed class StudyFigureModelTests
{
    private static readonly string[] _internalNames = ["lenet5", "alexnet8", "MnistC", "MnistA", "MnistTest", "gaussian,", "fgsm,"];
    private string _temp = "";

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("robustness-figures-").FullName;

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_temp, recursive: true);
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(4)]
    public void AccuracyCaption_StatesAggregation_N_Seeds_TheTInterval_AndREverySeries(int q)
    {
        var (table, rows) = Analyze((ResearchQuestion)q, seeds: 3);
        var architecture = table.Architectures[0];
        var figure = StudyFigureModels.Accuracy(table, architecture, rows);

        Assert.That(figure.Caption, Does.Contain("MNIST-C: mean over the 4 Gaussian-noise test levels (l2 1-4)").And.Contain("MNIST-A: mean over the 4 FGSM test levels (l2 1-4)"));
        Assert.That(figure.Caption, Does.Contain("averaged over 3 seeds"));
        Assert.That(figure.Caption, Does.Contain("Band: 95 % Student-t interval over seeds"));
        Assert.That(figure.Caption, Does.Contain(FormattableString.Invariant($"n = {architecture.Points.Count} design points")));
        var series = figure.Panels.Single().Series;
        Assert.That(series.Select(s => s.Name), Is.EqualTo(new[] { "Training", "MNIST-Test", "MNIST-C", "MNIST-A" }));
        foreach (var cell in architecture.SingleFactor!)
        {
            string r = FigureText.R(cell.Spearman.Coefficient);
            Assert.That(figure.Caption, Does.Contain($"{AccuracyMeasures.Name(cell.Measure)} {r}"));
            var s = series.Single(x => x.Name == AccuracyMeasures.Name(cell.Measure));
            Assert.That(s.Legend, Is.EqualTo($"{s.Name} (r = {r})"));
            Assert.That(s.BandLow, Is.EqualTo(architecture.Points.Select(p => p.Metric(cell.Measure).ConfidenceLow * 100)));
            Assert.That(s.BandHigh, Is.EqualTo(architecture.Points.Select(p => p.Metric(cell.Measure).ConfidenceHigh * 100)));
        }
    }

    [Test]
    public void Band_IsMinMaxOverSeeds_WithTwoSeeds_AndTheCaptionSaysSo()
    {
        var (table, rows) = Analyze(ResearchQuestion.Rq1, seeds: 2);
        var architecture = table.Architectures[0];
        var figure = StudyFigureModels.Accuracy(table, architecture, rows);

        Assert.That(figure.Caption, Does.Contain("Band: min-max over seeds").And.Contain("averaged over 2 seeds"));
        var mnistC = figure.Panels[0].Series.Single(s => s.Name == "MNIST-C");
        for (int i = 0; i < architecture.Points.Count; i++)
        {
            var accuracies = rows.Where(r => r.Architecture == architecture.Architecture && r.PointId == architecture.Points[i].PointId).Select(r => r.GaussianMeanAccuracy * 100).ToList();
            Assert.That(mnistC.BandLow![i], Is.EqualTo(accuracies.Min()).Within(1e-9));
            Assert.That(mnistC.BandHigh![i], Is.EqualTo(accuracies.Max()).Within(1e-9));
            Assert.That(mnistC.Y[i], Is.InRange(mnistC.BandLow[i], mnistC.BandHigh[i]));
        }
    }

    [Test]
    public void OneSeed_HasNoBand_AndTheCaptionSaysSo()
    {
        var (table, rows) = Analyze(ResearchQuestion.Rq4, seeds: 1);
        var figure = StudyFigureModels.Accuracy(table, table.Architectures[0], rows);

        Assert.That(figure.Caption, Does.Contain("No band: 1 seed per point").And.Contain("1 seed (no averaging)"));
        Assert.That(figure.Panels[0].Series.Select(s => s.BandLow), Is.All.Null);
    }

    [TestCase(1, false)]
    [TestCase(2, false)]
    [TestCase(2, true)]
    [TestCase(3, false)]
    [TestCase(4, false)]
    [TestCase(5, false)]
    [TestCase(6, false)]
    public void EverySeriesOfAFigure_HasItsOwnMarkerAndLinePattern(int q, bool attacks)
    {
        var (table, rows) = Analyze((ResearchQuestion)q, seeds: 3, attacks);
        var lines = StudyFigureModels.For(table, rows).OfType<LineFigure>().ToList();
        Assert.That(lines.Any(f => f.Name.EndsWith("-attacks", StringComparison.Ordinal)), Is.EqualTo(attacks));

        Assert.That(lines, Is.Not.Empty);
        foreach (var panel in lines.SelectMany(f => f.Panels))
        {
            Assert.That(panel.Series.Select(s => s.Style.Marker), Is.Unique, panel.Title);
            Assert.That(panel.Series.Select(s => s.Style.Line), Is.Unique, panel.Title);
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(5)]
    [TestCase(6)]
    public void TitlesLegendsAndAxes_UseDisplayNames(int q)
    {
        var (table, rows) = Analyze((ResearchQuestion)q, seeds: 2);
        var figures = StudyFigureModels.For(table, rows);

        Assert.That(figures.Select(f => f.Title), Has.Some.Contain("LeNet-5").And.Some.Contain("AlexNet-8"));
        foreach (var figure in figures)
        {
            var texts = new List<string> { figure.Title };
            if (figure is LineFigure line)
            {
                texts.AddRange(line.Panels.SelectMany(p => new[] { p.Title ?? "", p.XLabel, p.YLabel }.Concat(p.Series.Select(s => s.Legend)).Concat(p.Marks.Select(m => m.Label))));
            }
            else if (figure is HeatmapFigure heatmap)
            {
                texts.AddRange([heatmap.XLabel, heatmap.YLabel, heatmap.ColorLabel]);
            }

            foreach (string text in texts)
            {
                foreach (string id in _internalNames)
                {
                    Assert.That(text, Does.Not.Contain(id), $"{figure.Name}: '{text}'");
                }
            }
        }
    }

    [Test]
    public void YRange_IsFittedToTheData_WithASmallMargin()
    {
        var style = StudyFigureModels.Styles[0];
        FigureSeries[] series = [new("a", [0, 1, 2], [60, 70, 80], [61, 65, 75], [62, 72, 79], style, null)];

        var range = StudyFigureModels.FitY(series);

        Assert.That(range.Min, Is.InRange(50, 60));
        Assert.That(range.Max, Is.InRange(80, 90));
        Assert.That(StudyFigureModels.FitY([series[0] with { Y = [97, 99, 99.9], BandLow = null, BandHigh = null }]).Max, Is.EqualTo(100), "clamped to 100 %");
        Assert.That(StudyFigureModels.FitY([series[0] with { Y = [0.5, 3, 9], BandLow = null, BandHigh = null }]).Min, Is.EqualTo(0), "clamped to 0 %");
    }

    [TestCase(1)]
    [TestCase(6)]
    public void YRange_ContainsEveryPointAndBand_InsideZeroToHundred(int q)
    {
        var (table, rows) = Analyze((ResearchQuestion)q, seeds: 3);
        foreach (var figure in StudyFigureModels.For(table, rows).OfType<LineFigure>())
        {
            // RQ6's panels share one range: the data of all panels.
            var values = figure.Panels.SelectMany(p => p.Series).SelectMany(s => s.Y.Concat(s.BandLow ?? []).Concat(s.BandHigh ?? [])).ToList();
            foreach (var panel in figure.Panels)
            {
                Assert.That(panel.Y.Min, Is.GreaterThanOrEqualTo(0));
                Assert.That(panel.Y.Max, Is.LessThanOrEqualTo(100));
                Assert.That(panel.Series.SelectMany(s => s.Y.Concat(s.BandLow ?? []).Concat(s.BandHigh ?? [])).All(panel.Y.Contains), Is.True, figure.Name);
                Assert.That(panel.Y.Min, Is.GreaterThanOrEqualTo(values.Min() - 10), "fitted: a margin, rounded to 5 %, below the data");
                Assert.That(panel.Y.Max, Is.LessThanOrEqualTo(values.Max() + 10), "fitted: a margin, rounded to 5 %, above the data");
            }
        }
    }

    [Test]
    public void Rq2_MarksThePeak_AndBothSegments_AndTheCaptionGivesTheirR()
    {
        var (table, rows) = Analyze(ResearchQuestion.Rq2, seeds: 3);
        var architecture = table.Architectures[0];
        var figure = StudyFigureModels.Accuracy(table, architecture, rows);
        var panel = figure.Panels[0];

        Assert.That(panel.Marks.Single().X, Is.EqualTo(6));
        Assert.That(panel.Marks[0].Label, Is.EqualTo("MNIST-A peak, end of segment I (FGSM level 6)"));
        Assert.That(panel.Regions.Single().Label, Is.EqualTo("segment II (FGSM level 8-10)"));
        Assert.That(panel.Regions[0].From, Is.EqualTo(7), "segment II is shaded from half way between the peak and the next level");
        foreach (var segment in architecture.Segments!)
        {
            Assert.That(figure.Caption, Does.Contain($"segment {segment.Name} ({FigureText.G(segment.FirstLevel)}-{FigureText.G(segment.LastLevel)}, n = {segment.Count}): r(MNIST-A) = "));
        }
    }

    [Test]
    public void Rq5Heatmaps_OnePerBenchmark_EveryCellCarriesItsValue()
    {
        var (table, rows) = Analyze(ResearchQuestion.Rq5, seeds: 3);
        var architecture = table.Architectures.Single(a => a.Architecture == "lenet5");
        var heatmaps = StudyFigureModels.For(table, rows).OfType<HeatmapFigure>().Where(h => h.Title.Contains("LeNet-5", StringComparison.Ordinal)).ToList();

        Assert.That(heatmaps.Select(h => h.ColorLabel), Is.EqualTo(new[] { "Training accuracy (%)", "MNIST-Test accuracy (%)", "MNIST-C accuracy (%)", "MNIST-A accuracy (%)" }));
        foreach (var (heatmap, measure) in heatmaps.Zip(AccuracyMeasures.All))
        {
            Assert.That(heatmap.Columns, Is.EqualTo(new double[] { 0, 4, 8 }));
            Assert.That(heatmap.Rows, Is.EqualTo(new double[] { 0, 4, 8 }));
            Assert.That(heatmap.Cells, Has.Count.EqualTo(architecture.Points.Count));
            foreach (var point in architecture.Points)
            {
                var cell = heatmap.Cells.Single(c => heatmap.Columns[c.Column] == point.Factors[0] && heatmap.Rows[c.Row] == point.Factors[1]);
                double expected = point.Metric(measure).Mean * 100;
                Assert.That(cell.Value, Is.EqualTo(expected).Within(1e-9));
                Assert.That(cell.Text, Is.EqualTo(expected.ToString("F1", CultureInfo.InvariantCulture)));
            }

            Assert.That(heatmap.ColorRange.Min, Is.EqualTo(heatmap.Cells.Min(c => c.Value)));
            Assert.That(heatmap.ColorRange.Max, Is.EqualTo(heatmap.Cells.Max(c => c.Value)));
            Assert.That(heatmap.Caption, Does.Contain("averaged over 3 seeds").And.Contain("n = 9 design points").And.Contain("R = "));
        }
    }

    [Test]
    public void Rq6_HasOneMainEffectPanelPerFactor_MeanOverThePointsAtEachLevel()
    {
        var (table, rows) = Analyze(ResearchQuestion.Rq6, seeds: 3);
        var architecture = table.Architectures[0];
        var figure = StudyFigureModels.For(table, rows).OfType<LineFigure>().First(f => f.Name.EndsWith("-main-effects", StringComparison.Ordinal));

        Assert.That(figure.Panels.Select(p => p.Title), Is.EqualTo(new[] { "Gaussian noise level", "FGSM level", "Class imbalance CI", "Label disturbance rate LD" }));
        for (int f = 0; f < 4; f++)
        {
            var panel = figure.Panels[f];
            Assert.That(panel.Series.Select(s => s.Name), Is.EqualTo(new[] { "Training", "MNIST-Test", "MNIST-C", "MNIST-A" }));
            var mnistA = panel.Series[3];
            Assert.That(mnistA.X, Has.Count.EqualTo(5));
            for (int i = 0; i < mnistA.X.Count; i++)
            {
                var at = architecture.Points.Where(p => p.Factors[f] == mnistA.X[i]).Select(p => p.Metric(AccuracyMeasure.MnistA).Mean * 100).ToList();
                Assert.That(at, Has.Count.EqualTo(5), "the L25 array has 5 points per level");
                Assert.That(mnistA.Y[i], Is.EqualTo(at.Average()).Within(1e-9));
                var ids = architecture.Points.Where(p => p.Factors[f] == mnistA.X[i]).Select(p => p.PointId).ToHashSet();
                var perSeed = rows.Where(r => r.Architecture == architecture.Architecture && ids.Contains(r.PointId)).GroupBy(r => r.Seed).Select(g => g.Average(r => r.FgsmMeanAccuracy * 100)).ToList();
                Assert.That(perSeed, Has.Count.EqualTo(3));
                Assert.That(mnistA.BandLow![i], Is.EqualTo(perSeed.Min()).Within(1e-9));
                Assert.That(mnistA.BandHigh![i], Is.EqualTo(perSeed.Max()).Within(1e-9));
            }

            Assert.That(panel.Y, Is.EqualTo(figure.Panels[0].Y), "one y range for all panels");
        }

        Assert.That(figure.Caption, Does.Contain("Main effects over the 25 design points").And.Contain("averaged over 3 seeds").And.Contain("Band: min-max over seeds of the same mean"));
        Assert.That(figure.Caption, Does.Contain("Spearman r of the factor").And.Contain("Multiple correlation R"));
    }

    [Test]
    public void Renderer_WritesNonEmptyPngAndSvg_ForEveryKindOfFigure()
    {
        string keep = Environment.GetEnvironmentVariable("ROBUSTNESS_FIGURE_OUT") ?? "";
        string folder = keep.Length > 0 ? keep : Path.Combine(_temp, "figures");
        var figures = new List<FigureModel>();
        foreach (var q in new[] { ResearchQuestion.Rq1, ResearchQuestion.Rq2, ResearchQuestion.Rq3, ResearchQuestion.Rq4, ResearchQuestion.Rq5, ResearchQuestion.Rq6 })
        {
            var (table, rows) = Analyze(q, seeds: 3, attacks: q == ResearchQuestion.Rq2);
            figures.AddRange(StudyFigureModels.For(table, rows));
        }

        Assert.That(figures.Where(f => f.Name.EndsWith("-attacks", StringComparison.Ordinal)), Is.Not.Empty);

        Assert.That(figures.OfType<HeatmapFigure>(), Is.Not.Empty);
        Assert.That(figures.OfType<LineFigure>().Where(f => f.Panels.Count == 4), Is.Not.Empty);
        foreach (var figure in figures)
        {
            var written = StudyFigures.Render(figure, folder, "figures");
            Assert.That(written.Caption, Is.EqualTo(figure.Caption));
            Assert.That(written.Png, Is.EqualTo("figures/" + figure.Name + ".png"));
            var png = new FileInfo(Path.Combine(folder, figure.Name + ".png"));
            var svg = new FileInfo(Path.Combine(folder, figure.Name + ".svg"));
            Assert.That(png.Length, Is.GreaterThan(10_000), png.FullName);
            Assert.That(svg.Length, Is.GreaterThan(10_000), svg.FullName);
            Assert.That(File.ReadAllText(svg.FullName), Does.Contain("<svg"));
        }
    }

    [Test]
    public void Report_PrintsEachFiguresCaptionUnderIt()
    {
        var rows = Rows(ResearchQuestion.Rq2, seeds: 3);
        string store = Store(rows);
        string outDir = Path.Combine(_temp, "report");

        var files = StudyReport.Write(store, ResearchQuestion.Rq2, outDir);

        string markdown = File.ReadAllText(files.Report);
        Assert.That(files.Figures, Is.Not.Empty);
        for (int i = 0; i < files.Figures.Count; i++)
        {
            var figure = files.Figures[i];
            Assert.That(figure.Caption, Is.Not.Null.And.Not.Empty);
            Assert.That(markdown, Does.Contain($"![{figure.Title}]({figure.Png})\n\n*Figure {i + 1}.* {figure.Caption} ([SVG]({figure.Svg}))"));
        }
    }

    /// <summary>
    /// The constructed rows of <see cref="ReportRows.Rows"/> for LeNet-5 and AlexNet-8, each repeated over
    /// seeds with a small spread; with <paramref name="attacks"/> also five attack columns (white-box FGSM, PGD,
    /// minimal-l2, transfer FGSM and PGD) below MNIST-A.
    /// </summary>
    private static List<StudyRow> Rows(ResearchQuestion question, int seeds, bool attacks = false)
    {
        var rows = new List<StudyRow>();
        foreach (string architecture in new[] { "lenet5", "alexnet8" })
        {
            foreach (var row in ReportRows.Rows(question, architecture))
            {
                for (int s = 0; s < seeds; s++)
                {
                    double d = 0.004 * (s - ((seeds - 1) / 2.0)) * (1 + (row.PointIndex % 3));
                    double Shift(double a) => Math.Clamp(a + d, 0, 0.999);
                    double[] gaussian = [.. row.GaussianAccuracies.Select(Shift)];
                    double[] fgsm = [.. row.FgsmAccuracies.Select(Shift)];
                    ulong seed = (ulong)(11 + s);
                    rows.Add(row with
                    {
                        Key = string.Create(CultureInfo.InvariantCulture, $"{row.Study}/{architecture}/{row.PointId}/s{seed}"),
                        Seed = seed,
                        Repetition = s,
                        TrainingAccuracy = Shift(row.TrainingAccuracy),
                        CleanAccuracy = Shift(row.CleanAccuracy),
                        GaussianAccuracies = gaussian,
                        FgsmAccuracies = fgsm,
                        GaussianMeanAccuracy = gaussian.Average(),
                        FgsmMeanAccuracy = fgsm.Average(),
                        Attacks = attacks ? [.. new[] { ("fgsm", true), ("pgd", true), ("minimal", true), ("fgsm", false), ("pgd", false) }.Select((a, k) =>
                        {
                            double[] accuracies = [.. fgsm.Select(v => Math.Max(0, v - (0.05 * (k + 1))))];
                            return new AttackScore(a.Item1, a.Item2, accuracies, accuracies.Average(), a.Item1 == "minimal" ? 2.5 : null);
                        })] : [],
                    });
                }
            }
        }

        return rows;
    }

    private (StudyTable Table, IReadOnlyList<StudyRow> Rows) Analyze(ResearchQuestion question, int seeds, bool attacks = false)
    {
        string path = Store(Rows(question, seeds, attacks));
        using var store = SqliteResultStore.OpenReadOnly(path);
        var table = new StudyAnalyzer().Analyze(store, question);
        return (table, store.Rows(table.Study));
    }

    private string Store(IEnumerable<StudyRow> rows)
    {
        string path = Path.Combine(_temp, Guid.NewGuid().ToString("N") + ".db");
        using var store = SqliteResultStore.Open(path);
        foreach (var row in rows)
        {
            Assert.That(store.Add(row), Is.True);
        }

        return path;
    }
}
