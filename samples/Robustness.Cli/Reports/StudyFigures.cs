using System.Globalization;
using Robustness.Data;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using ScottPlot;

namespace Robustness.Cli.Reports;

/// <summary>
/// The report's figures (ScottPlot 5): accuracy against the training level per architecture (the paper's Figures
/// 2-5), RQ5 heatmaps per benchmark (Figure 6), accuracy against the test level for the clean and the most strongly
/// perturbed model, and a grid of sample images. Every figure is written as PNG and SVG into one folder.
/// </summary>
internal static class StudyFigures
{
    public const int Width = 900;
    public const int Height = 600;

    private static readonly Color[] _measureColors =
    [
        new Color(0x1f, 0x77, 0xb4), new Color(0x2c, 0xa0, 0x2c), new Color(0xff, 0x7f, 0x0e), new Color(0xd6, 0x27, 0x28),
    ];

    private static readonly CultureInfo _c = CultureInfo.InvariantCulture;

    /// <summary>True when SkiaSharp finds at least one font (without one, figure text is silently missing).</summary>
    public static bool HasFonts() => SkiaSharp.SKFontManager.Default.FontFamilyCount > 0;

    /// <summary>RQ1-RQ4: the four accuracies (repetition means) against the factor level, one file per architecture.</summary>
    public static ReportFigure AccuracyByTrainingLevel(StudyTable table, ArchitectureTable architecture, string folder, string relativeFolder)
    {
        var plot = NewPlot();
        double[] x = [.. architecture.Points.Select(p => p.Factors[0])];
        for (int m = 0; m < AccuracyMeasures.All.Count; m++)
        {
            AccuracyMeasure measure = AccuracyMeasures.All[m];
            double[] y = [.. architecture.Points.Select(p => p.Metric(measure).Mean * 100)];
            var scatter = plot.Add.Scatter(x, y, _measureColors[m]);
            scatter.LegendText = AccuracyMeasures.Name(measure);
            scatter.LineWidth = 2;
            scatter.MarkerSize = 8;
        }

        if (architecture.PeakIndex is { } peak && StudyQuestion.For(table.Question).SplitsAtPeak)
        {
            // Solid: dashed lines make the SVG canvas of Skia print "Unsupported path effect" on stdout.
            var line = plot.Add.VerticalLine(architecture.Points[peak].Factors[0], 1.5f, Colors.Gray);
            line.LegendText = "MNIST-A peak (end of segment I)";
        }

        plot.Title(string.Create(_c, $"{QuestionTitle(table.Question)} - {architecture.Architecture} ({table.Study})"), 18);
        plot.XLabel(FactorLabel(table.Factors[0]), 16);
        plot.YLabel("accuracy (%)", 16);
        plot.Axes.SetLimitsY(0, 102);
        plot.ShowLegend(Alignment.LowerRight);
        return Save(plot, folder, relativeFolder, string.Create(_c, $"{table.Study}-{architecture.Architecture}-accuracy"),
            string.Create(_c, $"{architecture.Architecture}: accuracy against the training level"));
    }

    /// <summary>
    /// RQ1-RQ4 with attack columns: each column's mean accuracy over the benchmark levels (repetition means) against
    /// the training level, white-box columns solid, transfer columns with open markers, the clean MNIST-Test for scale.
    /// </summary>
    public static ReportFigure? AttacksByTrainingLevel(StudyTable table, ArchitectureTable architecture, string folder, string relativeFolder)
    {
        if (architecture.Attacks is not { } attacks || table.IsMultiFactor)
        {
            return null;
        }

        var plot = NewPlot();
        MarkerShape[] shapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.OpenCircle, MarkerShape.OpenSquare];
        Color[] colors = [new(0xd6, 0x27, 0x28), new(0x94, 0x67, 0xbd), new(0x8c, 0x56, 0x4b), new(0xe3, 0x77, 0xc2), new(0x7f, 0x7f, 0x7f), new(0xbc, 0xbd, 0x22)];
        double[] cleanX = [.. architecture.Points.Select(p => p.Factors[0])];
        var clean = plot.Add.Scatter(cleanX, [.. architecture.Points.Select(p => p.Metric(AccuracyMeasure.MnistTest).Mean * 100)], _measureColors[1]);
        clean.LegendText = "MNIST-Test (clean)";
        clean.LineWidth = 2;
        clean.MarkerSize = 8;
        for (int k = 0; k < attacks.Keys.Count; k++)
        {
            string key = attacks.Keys[k];
            var points = attacks.Points.Where(p => p.Attacks.Any(a => a.Key == key)).ToList();
            var scatter = plot.Add.Scatter(points.Select(p => p.Factors[0]).ToArray(), points.Select(p => p.Attacks.First(a => a.Key == key).MeanAccuracy * 100).ToArray(), colors[k % colors.Length]);
            scatter.LegendText = Robustness.Evaluation.Benchmarks.StudyAttack.DisplayNameOf(key);
            scatter.LineWidth = 2;
            scatter.MarkerSize = 9;
            scatter.MarkerShape = key.EndsWith("-transfer", StringComparison.Ordinal) ? MarkerShape.OpenCircle : shapes[k % 4];
        }

        plot.Title(string.Create(_c, $"{QuestionTitle(table.Question)} - {architecture.Architecture}: attacks ({table.Study})"), 18);
        plot.XLabel(FactorLabel(table.Factors[0]), 16);
        plot.YLabel("accuracy, mean over test levels (%)", 16);
        plot.Axes.SetLimitsY(0, 102);
        plot.ShowLegend(Edge.Right); // outside the data: the series span the whole height
        return Save(plot, folder, relativeFolder, string.Create(_c, $"{table.Study}-{architecture.Architecture}-attacks"),
            string.Create(_c, $"{architecture.Architecture}: accuracy under each attack against the training level"));
    }

    /// <summary>RQ5: one heatmap (Gaussian level x FGSM level) of a benchmark's mean accuracy.</summary>
    public static ReportFigure Heatmap(StudyTable table, ArchitectureTable architecture, AccuracyMeasure measure, string folder, string relativeFolder)
    {
        double[] gaussian = [.. architecture.Points.Select(p => p.Factors[0]).Distinct().Order()];
        double[] fgsm = [.. architecture.Points.Select(p => p.Factors[1]).Distinct().Order()];
        var values = new double[fgsm.Length, gaussian.Length];
        for (int r = 0; r < fgsm.Length; r++)
        {
            for (int c = 0; c < gaussian.Length; c++)
            {
                values[r, c] = double.NaN;
            }
        }

        foreach (var point in architecture.Points)
        {
            int c = Array.IndexOf(gaussian, point.Factors[0]);
            int r = Array.IndexOf(fgsm, point.Factors[1]);
            values[fgsm.Length - 1 - r, c] = point.Metric(measure).Mean * 100; // row 0 is drawn at the top
        }

        var plot = NewPlot();
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Extent = new CoordinateRect(-0.5, gaussian.Length - 0.5, -0.5, fgsm.Length - 0.5);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = "accuracy (%)";
        bar.LabelStyle.FontSize = 14;
        for (int r = 0; r < fgsm.Length; r++)
        {
            for (int c = 0; c < gaussian.Length; c++)
            {
                double v = values[fgsm.Length - 1 - r, c];
                if (double.IsNaN(v))
                {
                    continue;
                }

                var text = plot.Add.Text(v.ToString("F1", _c), c, r);
                text.LabelFontSize = 14;
                text.LabelFontColor = v > 60 ? Colors.Black : Colors.White;
                text.LabelAlignment = Alignment.MiddleCenter;
            }
        }

        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, gaussian.Length).Select(i => (double)i)], [.. gaussian.Select(g => g.ToString("G", _c))]);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, fgsm.Length).Select(i => (double)i)], [.. fgsm.Select(f => f.ToString("G", _c))]);
        plot.Axes.SetLimits(-0.5, gaussian.Length - 0.5, -0.5, fgsm.Length - 0.5);
        plot.Title(string.Create(_c, $"RQ5 {AccuracyMeasures.Name(measure)} - {architecture.Architecture} ({table.Study})"), 18);
        plot.XLabel("Gaussian training level (l2)", 16);
        plot.YLabel("FGSM training level (l2)", 16);
        string slug = AccuracyMeasures.Name(measure).ToLowerInvariant();
        return Save(plot, folder, relativeFolder, string.Create(_c, $"{table.Study}-{architecture.Architecture}-heatmap-{slug}"),
            string.Create(_c, $"{architecture.Architecture}: {AccuracyMeasures.Name(measure)} over Gaussian x FGSM training levels"));
    }

    /// <summary>
    /// MNIST-C and MNIST-A accuracy at every test level for the clean model (all factors at their lowest value) and the
    /// most strongly perturbed one (largest sum of factor values), repetitions averaged per level.
    /// </summary>
    public static ReportFigure? AccuracyByTestLevel(StudyTable table, ArchitectureTable architecture, IReadOnlyList<StudyRow> rows, string folder, string relativeFolder)
    {
        var own = rows.Where(r => r.Architecture == architecture.Architecture && r.BenchmarkLevels.Count > 0).ToList();
        if (own.Count == 0 || architecture.Points.Count == 0)
        {
            return null;
        }

        PointSummary clean = architecture.Points.MinBy(p => p.Factors.Sum())!;
        PointSummary strongest = architecture.Points.MaxBy(p => p.Factors.Sum())!;
        var plot = NewPlot();
        var chosen = clean.PointId == strongest.PointId ? new[] { clean } : [clean, strongest];
        for (int i = 0; i < chosen.Length; i++)
        {
            var pointRows = own.Where(r => r.PointId == chosen[i].PointId).ToList();
            if (pointRows.Count == 0)
            {
                continue;
            }

            double[] levels = [.. pointRows[0].BenchmarkLevels];
            string who = string.Create(_c, $"{(i == 0 ? "clean model" : "most perturbed")} ({chosen[i].PointId})");
            AddLevelSeries(plot, levels, pointRows, r => r.GaussianAccuracies, string.Create(_c, $"MNIST-C, {who}"), _measureColors[2], i == 0 ? MarkerShape.FilledCircle : MarkerShape.OpenSquare, i == 0 ? 2.5f : 1.5f);
            AddLevelSeries(plot, levels, pointRows, r => r.FgsmAccuracies, string.Create(_c, $"MNIST-A, {who}"), _measureColors[3], i == 0 ? MarkerShape.FilledCircle : MarkerShape.OpenSquare, i == 0 ? 2.5f : 1.5f);
        }

        plot.Title(string.Create(_c, $"{QuestionTitle(table.Question)} - {architecture.Architecture}: accuracy by test level"), 18);
        plot.XLabel("test perturbation level (l2)", 16);
        plot.YLabel("accuracy (%)", 16);
        plot.Axes.SetLimitsY(0, 102);
        plot.ShowLegend(Alignment.LowerLeft);
        return Save(plot, folder, relativeFolder, string.Create(_c, $"{table.Study}-{architecture.Architecture}-test-levels"),
            string.Create(_c, $"{architecture.Architecture}: accuracy against the test level, clean vs most perturbed training set"));
    }

    /// <summary>
    /// A grid of sample images: one column per image (the first image of each of up to <paramref name="columns"/> classes),
    /// one row per (kind, level) in <paramref name="rowsOfImages"/>, grey scale, black = 0.
    /// </summary>
    public static ReportFigure SampleGrid(IReadOnlyList<(string Label, ImageSet Images)> rowsOfImages, int columns, string title, string folder, string relativeFolder, string name)
    {
        ArgumentNullException.ThrowIfNull(rowsOfImages);
        var plot = NewPlot();
        int rowCount = rowsOfImages.Count;
        var gray = new ScottPlot.Colormaps.Grayscale();
        int[] classes = [.. Enumerable.Range(0, Math.Min(columns, rowsOfImages[0].Images.ClassCount))];
        for (int r = 0; r < rowCount; r++)
        {
            ImageSet set = rowsOfImages[r].Images;
            for (int k = 0; k < classes.Length; k++)
            {
                int index = FirstOfClass(set, classes[k]);
                if (index < 0)
                {
                    continue;
                }

                ReadOnlySpan<float> pixels = set.GetImage(index);
                var data = new double[set.Height, set.Width];
                for (int y = 0; y < set.Height; y++)
                {
                    for (int x = 0; x < set.Width; x++)
                    {
                        data[y, x] = Math.Clamp(pixels[(y * set.Width) + x], 0f, 1f);
                    }
                }

                var heatmap = plot.Add.Heatmap(data);
                heatmap.Colormap = gray;
                heatmap.ManualRange = new ScottPlot.Range(0, 1);
                double top = rowCount - r;
                heatmap.Extent = new CoordinateRect(k + 0.05, k + 0.95, top - 0.95, top - 0.05);
            }
        }

        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, rowCount).Select(r => rowCount - r - 0.5)], [.. rowsOfImages.Select(r => r.Label)]);
        plot.Axes.Bottom.SetTicks([.. classes.Select(k => k + 0.5)], [.. classes.Select(k => string.Create(_c, $"class {k}"))]);
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Grid.IsVisible = false;
        plot.Axes.SetLimits(0, classes.Length, 0, rowCount);
        plot.Title(title, 18);
        int width = 220 + (classes.Length * 110);
        int height = 120 + (rowCount * 110);
        return Save(plot, folder, relativeFolder, name, title, width, height);
    }

    private static int FirstOfClass(ImageSet set, int label)
    {
        ReadOnlySpan<int> labels = set.Labels;
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] == label)
            {
                return i;
            }
        }

        return -1;
    }

    private static void AddLevelSeries(Plot plot, double[] levels, List<StudyRow> rows, Func<StudyRow, IReadOnlyList<double>> select, string label, Color color, MarkerShape marker, float lineWidth)
    {
        double[] y = new double[levels.Length];
        for (int i = 0; i < levels.Length; i++)
        {
            y[i] = rows.Average(r => select(r)[i]) * 100;
        }

        var scatter = plot.Add.Scatter(levels, y, color);
        scatter.LegendText = label;
        scatter.LineWidth = lineWidth;
        scatter.MarkerSize = 9;
        scatter.MarkerShape = marker;
    }

    private static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.Legend.FontSize = 14;
        return plot;
    }

    private static ReportFigure Save(Plot plot, string folder, string relativeFolder, string name, string title, int width = Width, int height = Height)
    {
        Directory.CreateDirectory(folder);
        plot.SavePng(Path.Combine(folder, name + ".png"), width, height);
        plot.SaveSvg(Path.Combine(folder, name + ".svg"), width, height);
        return new ReportFigure(title, relativeFolder + "/" + name + ".png", relativeFolder + "/" + name + ".svg");
    }

    /// <summary>The question's title for figure headings, e.g. "RQ2 FGSM training".</summary>
    public static string QuestionTitle(ResearchQuestion question) => StudyQuestion.For(question).ToString();

    private static string FactorLabel(string factor) => StudyQuestion.FactorDisplayName(factor) + " of the training set";
}
