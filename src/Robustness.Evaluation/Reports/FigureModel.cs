namespace Robustness.Evaluation.Reports;

/// <summary>A series' marker shape; every series of a figure has its own (the figures never tell series apart by colour alone).</summary>
internal enum MarkerKind
{
    /// <summary>A filled circle.</summary>
    Circle,

    /// <summary>A filled square.</summary>
    Square,

    /// <summary>A filled upward triangle.</summary>
    TriangleUp,

    /// <summary>A filled diamond.</summary>
    Diamond,

    /// <summary>An open circle.</summary>
    OpenCircle,

    /// <summary>A filled downward triangle.</summary>
    TriangleDown,

    /// <summary>An open square.</summary>
    OpenSquare,
}

/// <summary>A series' line pattern; every series of a figure has its own.</summary>
internal enum LineKind
{
    /// <summary>A solid line.</summary>
    Solid,

    /// <summary>Dashes.</summary>
    Dashed,

    /// <summary>Dots.</summary>
    Dotted,

    /// <summary>Dash, dot, dash.</summary>
    DashDot,

    /// <summary>Long dashes.</summary>
    LongDash,

    /// <summary>Short, dense dashes.</summary>
    DenselyDashed,

    /// <summary>Dash, dot, dot.</summary>
    DashDotDot,
}

/// <summary>How a series is drawn: colour (<c>#RRGGBB</c>), marker shape and line pattern.</summary>
/// <param name="Color">The colour, <c>#RRGGBB</c>.</param>
/// <param name="Marker">The marker shape.</param>
/// <param name="Line">The line pattern.</param>
internal sealed record SeriesStyle(string Color, MarkerKind Marker, LineKind Line);

/// <summary>A closed interval of an axis.</summary>
/// <param name="Min">The lower end.</param>
/// <param name="Max">The upper end.</param>
internal sealed record AxisRange(double Min, double Max)
{
    /// <summary>True when <paramref name="value"/> lies inside the range.</summary>
    public bool Contains(double value) => value >= Min && value <= Max;
}

/// <summary>One line of a line panel: its points, an optional band (one low and high per point) and its style.</summary>
/// <param name="Name">The legend text without the correlation, e.g. <c>MNIST-C</c>.</param>
/// <param name="X">The x values.</param>
/// <param name="Y">The y values (accuracy in %).</param>
/// <param name="BandLow">Per point the band's lower end (%), or null when the series has no band.</param>
/// <param name="BandHigh">Per point the band's upper end (%), or null.</param>
/// <param name="Style">Colour, marker, line pattern.</param>
/// <param name="SpearmanR">Spearman's r of the series with its x (printed in the legend and the caption), or null.</param>
internal sealed record FigureSeries(
    string Name,
    IReadOnlyList<double> X,
    IReadOnlyList<double> Y,
    IReadOnlyList<double>? BandLow,
    IReadOnlyList<double>? BandHigh,
    SeriesStyle Style,
    double? SpearmanR)
{
    /// <summary>The legend text: the name and, when known, <c>(r = 0.83)</c>.</summary>
    public string Legend => SpearmanR is { } r ? $"{Name} (r = {FigureText.R(r)})" : Name;
}

/// <summary>A vertical line across a panel (the RQ2 MNIST-A peak).</summary>
/// <param name="X">Where.</param>
/// <param name="Label">Its legend text.</param>
internal sealed record VerticalMark(double X, string Label);

/// <summary>A shaded x interval of a panel (RQ2: segment II, after the MNIST-A peak).</summary>
/// <param name="From">The interval's start.</param>
/// <param name="To">The interval's end.</param>
/// <param name="Label">Its legend text, e.g. <c>segment II (FGSM level 8-10)</c>.</param>
internal sealed record XRegion(double From, double To, string Label);

/// <summary>One panel of a line figure: axes, series, marks.</summary>
/// <param name="Title">The panel's own title (multi-panel figures), or null.</param>
/// <param name="XLabel">The x axis label, with its unit.</param>
/// <param name="YLabel">The y axis label, with its unit.</param>
/// <param name="X">The x range shown.</param>
/// <param name="Y">The y range shown: the data and bands with a small margin, inside [0, 100] %.</param>
/// <param name="XTicks">The x ticks (the design's levels), or null for automatic ticks (many levels).</param>
/// <param name="Series">The series, each with its own marker and line pattern.</param>
/// <param name="Marks">Vertical lines.</param>
/// <param name="Regions">Shaded x intervals.</param>
internal sealed record LinePanel(
    string? Title,
    string XLabel,
    string YLabel,
    AxisRange X,
    AxisRange Y,
    IReadOnlyList<double>? XTicks,
    IReadOnlyList<FigureSeries> Series,
    IReadOnlyList<VerticalMark> Marks,
    IReadOnlyList<XRegion> Regions);

/// <summary>One coloured cell of a heatmap with the text written in it.</summary>
/// <param name="Column">The column (x level) index.</param>
/// <param name="Row">The row (y level) index, 0 = the lowest level (drawn at the bottom).</param>
/// <param name="Value">The value (accuracy in %).</param>
/// <param name="Text">The text written in the cell, e.g. <c>97.3</c>.</param>
internal sealed record HeatmapCell(int Column, int Row, double Value, string Text);

/// <summary>
/// What a figure shows, independent of how it is drawn (<see cref="StudyFigures"/> draws it with ScottPlot): built by
/// <see cref="StudyFigureModels"/> from the analysis table and the rows, so tests check titles, styles, ranges and
/// captions without reading pixels.
/// </summary>
/// <param name="Name">The file name without extension, e.g. <c>rq2-test-lenet5-accuracy</c>.</param>
/// <param name="Title">The figure's title, with display names (LeNet-5, MNIST-C).</param>
/// <param name="Caption">The caption printed under the figure in report.md: what a point is and how it is aggregated, the band, n, seeds, r.</param>
internal abstract record FigureModel(string Name, string Title, string Caption);

/// <summary>A figure of one or more line panels (accuracy against a level).</summary>
/// <param name="Name">The file name without extension.</param>
/// <param name="Title">The title.</param>
/// <param name="Caption">The caption.</param>
/// <param name="Panels">The panels, drawn in a grid of <paramref name="Columns"/> columns.</param>
/// <param name="Columns">Panels per row.</param>
internal sealed record LineFigure(string Name, string Title, string Caption, IReadOnlyList<LinePanel> Panels, int Columns = 1)
    : FigureModel(Name, Title, Caption);

/// <summary>A heatmap over two factors' levels with the value written in every cell and a colour bar.</summary>
/// <param name="Name">The file name without extension.</param>
/// <param name="Title">The title.</param>
/// <param name="Caption">The caption.</param>
/// <param name="XLabel">The x (column) axis label.</param>
/// <param name="YLabel">The y (row) axis label.</param>
/// <param name="Columns">The x levels, ascending.</param>
/// <param name="Rows">The y levels, ascending (the lowest drawn at the bottom).</param>
/// <param name="Cells">One cell per design point; a missing point has no cell.</param>
/// <param name="ColorLabel">The colour bar's label.</param>
/// <param name="ColorRange">The value range the colour map spans (the data's).</param>
internal sealed record HeatmapFigure(
    string Name,
    string Title,
    string Caption,
    string XLabel,
    string YLabel,
    IReadOnlyList<double> Columns,
    IReadOnlyList<double> Rows,
    IReadOnlyList<HeatmapCell> Cells,
    string ColorLabel,
    AxisRange ColorRange)
    : FigureModel(Name, Title, Caption);
