using System.Globalization;
using Robustness.Data;
using Robustness.Evaluation.Analysis;
using ScottPlot;
using SkiaSharp;

namespace Robustness.Evaluation.Reports;

/// <summary>
/// Draws the report's figures with ScottPlot 5: a <see cref="FigureModel"/> (built by <see cref="StudyFigureModels"/>)
/// becomes a PNG and an SVG in one folder and a <see cref="ReportFigure"/> with the model's caption; also the
/// quickstart's grid of sample images. What a figure shows is decided by the model; this class only maps it to
/// ScottPlot (markers, line patterns, bands, ranges, legends, heatmap cells).
/// </summary>
internal static class StudyFigures
{
    public const int Width = 1000;
    public const int Height = 620;

    /// <summary>The room a line figure's legend takes below its axes.</summary>
    private const int LegendHeight = 60;

    private const int PanelWidth = 700;
    private const int PanelHeight = 520;

    private const float TitleSize = 18;
    private const float LabelSize = 16;
    private const float TickSize = 14;

    private static readonly CultureInfo _c = CultureInfo.InvariantCulture;

    /// <summary>A sans-serif family when one is installed (else ScottPlot's choice, on Debian DejaVu Serif).</summary>
    private static readonly string? _sans = new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica" }
        .FirstOrDefault(f => SKFontManager.Default.GetFontFamilies().Contains(f, StringComparer.OrdinalIgnoreCase));

    /// <summary>True when SkiaSharp finds at least one font (without one, figure text is silently missing).</summary>
    public static bool HasFonts() => SkiaSharp.SKFontManager.Default.FontFamilyCount > 0;

    /// <summary>Draws <paramref name="figure"/> into <paramref name="folder"/> as <c>NAME.png</c> and <c>NAME.svg</c>.</summary>
    /// <param name="figure">The figure.</param>
    /// <param name="folder">The figure folder (created when absent).</param>
    /// <param name="relativeFolder">The folder's path relative to the report (for the links).</param>
    /// <returns>The figure as the report links it, with its caption.</returns>
    public static ReportFigure Render(FigureModel figure, string folder, string relativeFolder)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return figure switch
        {
            LineFigure { Panels.Count: 1 } line => Save(LinePlots(line), 1, folder, relativeFolder, line, Width, Height + LegendHeight),
            LineFigure grid => Save(LinePlots(grid), grid.Columns, folder, relativeFolder, grid, PanelWidth * grid.Columns, PanelHeight * (int)Math.Ceiling(grid.Panels.Count / (double)grid.Columns)),
            HeatmapFigure heatmap => Save([HeatmapPlot(heatmap)], 1, folder, relativeFolder, heatmap, Width, Height),
            _ => throw new ArgumentException($"unknown figure kind {figure.GetType().Name}", nameof(figure)),
        };
    }

    private static Plot[] LinePlots(LineFigure figure) =>
        [.. figure.Panels.Select(p => LinePlot(p, figure.Panels.Count == 1 ? figure.Title : p.Title))];

    private static Plot LinePlot(LinePanel panel, string? title)
    {
        var plot = NewPlot();
        foreach (var region in panel.Regions)
        {
            var span = plot.Add.HorizontalSpan(region.From, region.To, Colors.Gray.WithAlpha(0.12));
            span.LineWidth = 0;
            span.LegendText = region.Label;
        }

        foreach (var series in panel.Series)
        {
            Color color = Color.FromHex(series.Style.Color);
            if (series.BandLow is { } low && series.BandHigh is { } high)
            {
                var band = plot.Add.FillY(series.X.ToArray(), low.ToArray(), high.ToArray());
                band.FillColor = color.WithAlpha(0.12);
                band.LineWidth = 0;
            }

            var scatter = plot.Add.Scatter(series.X.ToArray(), series.Y.ToArray(), color);
            scatter.LegendText = series.Legend;
            scatter.LineWidth = 2;
            scatter.LinePattern = Pattern(series.Style.Line);
            scatter.MarkerShape = Marker(series.Style.Marker);
            scatter.MarkerSize = 9;
        }

        foreach (var mark in panel.Marks)
        {
            var line = plot.Add.VerticalLine(mark.X, 1.5f, Colors.DimGray, LinePattern.Dashed);
            line.LegendText = mark.Label;
        }

        if (panel.XTicks is { } ticks)
        {
            plot.Axes.Bottom.SetTicks([.. ticks], [.. ticks.Select(t => t.ToString("G", _c))]);
        }

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(panel.Y.Max - panel.Y.Min > 40 ? 10 : 5);
        plot.Axes.SetLimits(panel.X.Min, panel.X.Max, panel.Y.Min, panel.Y.Max);
        plot.XLabel(panel.XLabel, LabelSize);
        plot.YLabel(panel.YLabel, LabelSize);
        if (title is not null)
        {
            plot.Title(title, TitleSize);
        }

        // Below the axes, outside the data, so that no line is hidden and the data area keeps the figure's width.
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        return plot;
    }

    private static Plot HeatmapPlot(HeatmapFigure figure)
    {
        int columns = figure.Columns.Count;
        int rows = figure.Rows.Count;
        var plot = NewPlot();
        var colormap = new ScottPlot.Colormaps.Viridis();
        double low = figure.ColorRange.Min;
        double high = Math.Max(figure.ColorRange.Max, low + 0.5);
        var range = new ScottPlot.Range(low, high);

        // Each cell is a rectangle centred on its levels' ticks (a ScottPlot heatmap cannot draw a single row or
        // column); the hidden heatmap only feeds the colour bar.
        var heatmap = plot.Add.Heatmap(new double[,] { { low, high } });
        heatmap.Colormap = colormap;
        heatmap.ManualRange = range;
        heatmap.IsVisible = false;
        foreach (var cell in figure.Cells)
        {
            var rectangle = plot.Add.Rectangle(cell.Column - 0.5, cell.Column + 0.5, cell.Row - 0.5, cell.Row + 0.5);
            rectangle.FillColor = colormap.GetColor(cell.Value, range);
            rectangle.LineWidth = 0;
        }

        var bar = plot.Add.ColorBar(heatmap);
        bar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(NiceStep((high - low) / 6));
        bar.Label = figure.ColorLabel;
        bar.LabelStyle.FontSize = TickSize;
        foreach (var cell in figure.Cells)
        {
            var text = plot.Add.Text(cell.Text, cell.Column, cell.Row);
            text.LabelFontSize = columns > 8 ? 11 : 14;
            text.LabelBold = true;
            text.LabelFontColor = (cell.Value - low) / (high - low) > 0.6 ? Colors.Black : Colors.White; // viridis is bright at its top
            text.LabelAlignment = Alignment.MiddleCenter;
        }

        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, columns).Select(i => (double)i)], [.. figure.Columns.Select(g => g.ToString("G", _c))]);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, rows).Select(i => (double)i)], [.. figure.Rows.Select(f => f.ToString("G", _c))]);
        plot.Axes.SetLimits(-0.5, columns - 0.5, -0.5, rows - 0.5);
        plot.Grid.IsVisible = false;
        plot.Title(figure.Title, TitleSize);
        plot.XLabel(figure.XLabel, LabelSize);
        plot.YLabel(figure.YLabel, LabelSize);
        return plot;
    }

    /// <summary>The smallest of 1, 2 or 5 times a power of ten that is at least <paramref name="step"/>.</summary>
    private static double NiceStep(double step)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(step)));
        return new[] { 1, 2, 5, 10 }.Select(m => m * power).First(s => s >= step);
    }

    private static LinePattern Pattern(LineKind kind) => kind switch
    {
        LineKind.Solid => LinePattern.Solid,
        LineKind.Dashed => LinePattern.Dashed,
        LineKind.Dotted => LinePattern.Dotted,
        LineKind.DashDot => new LinePattern([10, 4, 2, 4], 0, "dash-dot"),
        LineKind.LongDash => new LinePattern([16, 6], 0, "long dash"),
        LineKind.DenselyDashed => LinePattern.DenselyDashed,
        _ => new LinePattern([10, 4, 2, 4, 2, 4], 0, "dash-dot-dot"),
    };

    private static MarkerShape Marker(MarkerKind kind) => kind switch
    {
        MarkerKind.Circle => MarkerShape.FilledCircle,
        MarkerKind.Square => MarkerShape.FilledSquare,
        MarkerKind.TriangleUp => MarkerShape.FilledTriangleUp,
        MarkerKind.Diamond => MarkerShape.FilledDiamond,
        MarkerKind.OpenCircle => MarkerShape.OpenCircle,
        MarkerKind.TriangleDown => MarkerShape.FilledTriangleDown,
        _ => MarkerShape.OpenSquare,
    };

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
        plot.Title(title, TitleSize);
        int width = 220 + (classes.Length * 110);
        int height = 120 + (rowCount * 110);
        return Save([plot], 1, folder, relativeFolder, name, title, "One column per class (the first test image of each), one row per perturbation and l2 level; grey scale, black = 0.", width, height);
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

    private static Plot NewPlot()
    {
        var plot = new Plot();
        if (_sans is not null)
        {
            plot.Font.Set(_sans);
        }

        plot.Axes.Bottom.TickLabelStyle.FontSize = TickSize;
        plot.Axes.Left.TickLabelStyle.FontSize = TickSize;
        plot.Legend.FontSize = TickSize;
        plot.Legend.SymbolWidth = 44; // long enough to show the line pattern
        return plot;
    }

    private static ReportFigure Save(IReadOnlyList<Plot> plots, int columns, string folder, string relativeFolder, FigureModel figure, int width, int height) =>
        Save(plots, columns, folder, relativeFolder, figure.Name, figure.Title, figure.Caption, width, height);

    /// <summary>Writes the panels (a grid of <paramref name="columns"/> columns) as PNG and SVG.</summary>
    private static ReportFigure Save(IReadOnlyList<Plot> plots, int columns, string folder, string relativeFolder, string name, string title, string? caption, int width, int height)
    {
        Directory.CreateDirectory(folder);
        var multiplot = new Multiplot(plots[0]);
        foreach (var plot in plots.Skip(1))
        {
            multiplot.AddPlot(plot);
        }

        if (plots.Count > 1)
        {
            multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid((int)Math.Ceiling(plots.Count / (double)columns), columns);
        }

        multiplot.SavePng(Path.Combine(folder, name + ".png"), width, height);
        using (var stream = File.Create(Path.Combine(folder, name + ".svg")))
        {
            // Skia's SVG canvas applies a dash pattern to the geometry (the SVG keeps it) but also prints
            // "Unsupported path effect in addPaint." to the process's stderr, once per dashed line: silenced here.
            NativeStderr.Quiet(() =>
            {
                using var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream);
                multiplot.Render(canvas, new PixelRect(0, width, height, 0));
            });
        }

        return new ReportFigure(title, relativeFolder + "/" + name + ".png", relativeFolder + "/" + name + ".svg", caption);
    }
}
