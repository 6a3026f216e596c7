using System.Globalization;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Designs;

namespace Robustness.Evaluation.Paper;

/// <summary>Which number of a paper table a <see cref="PaperCell"/> holds.</summary>
public enum PaperStatistic
{
    /// <summary><c>r</c>: Spearman's rank correlation of the training level with the accuracy (Tables 2-5).</summary>
    Correlation,

    /// <summary><c>p</c>: the two-sided p-value of the correlation (Tables 2-5) or of the regression's F test (Tables 6-7).</summary>
    PValue,

    /// <summary><c>mean</c>: the accuracy's mean over the design points (Tables 2-5).</summary>
    Mean,

    /// <summary><c>variance</c>: the accuracy's variance over the design points (Tables 2-5).</summary>
    Variance,

    /// <summary><c>R</c>: the multiple correlation of the linear fit of the accuracy on the factors (Tables 6-7).</summary>
    MultipleCorrelation,
}

/// <summary>One numeric cell of the paper's Tables 2-7, transcribed from <c>paper.txt</c> (docs/findings.md).</summary>
/// <param name="Table">The paper's table number, 2 to 7.</param>
/// <param name="Question">The research question the table answers (Table 2 is RQ1, ..., Table 7 is RQ6).</param>
/// <param name="Architecture">The architecture as the runner names it: <c>lenet5</c> or <c>alexnet8</c>.</param>
/// <param name="Measure">The benchmark: <see cref="AccuracyMeasure.MnistTest"/>, <see cref="AccuracyMeasure.MnistC"/> or <see cref="AccuracyMeasure.MnistA"/>.</param>
/// <param name="Segment">RQ2 (Table 3): <c>I</c> or <c>II</c>; null for the other tables.</param>
/// <param name="FirstLevel">RQ2: the segment's first training level as the paper states it (section 3.2); null otherwise.</param>
/// <param name="LastLevel">RQ2: the segment's last training level; null otherwise.</param>
/// <param name="Statistic">Which number.</param>
/// <param name="Points">The design points behind the paper's number (e.g. 25 levels for RQ1); its p-values agree with Student's t at this n.</param>
/// <param name="Value">The number (<c>3.45 × 10−6</c> is 3.45e-6).</param>
/// <param name="Text">The number exactly as <c>paper.txt</c> prints it.</param>
/// <param name="IsValid">False when the paper's number cannot be the statistic (e.g. p above 1); such a cell is not compared.</param>
/// <param name="Note">What the transcription noticed about the cell, or empty.</param>
public sealed record PaperCell(
    int Table,
    ResearchQuestion Question,
    string Architecture,
    AccuracyMeasure Measure,
    string? Segment,
    double? FirstLevel,
    double? LastLevel,
    PaperStatistic Statistic,
    int Points,
    double Value,
    string Text,
    bool IsValid,
    string Note)
{
    /// <summary>The statistic's short name as the tables print it: <c>r</c>, <c>p</c>, <c>mean</c>, <c>variance</c> or <c>R</c>.</summary>
    public string StatisticName => PaperTables.StatisticName(Statistic);

    /// <summary>A short name of the cell, e.g. <c>Table 3 lenet5 MNIST-A II r</c>.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture,
        $"Table {Table} {Architecture} {AccuracyMeasures.Name(Measure)}{(Segment is null ? "" : " " + Segment)} {StatisticName}");
}

/// <summary>
/// The paper's Tables 2-7 as data: every numeric cell (both architectures, the three benchmarks, r, p, mean and variance,
/// RQ2 by segment, R and p of the regressions), read from the embedded <c>Paper/paper-cells.csv</c>.
/// </summary>
public static class PaperTables
{
    private const string ResourceName = "Robustness.Evaluation.Paper.paper-cells.csv";

    private const string Header = "table,rq,architecture,measure,segment,first_level,last_level,statistic,n,value,text,valid,note";

    private static readonly Lazy<IReadOnlyList<PaperCell>> _cells = new(Load);

    /// <summary>All 144 cells, ordered by table, architecture, segment, benchmark and statistic.</summary>
    public static IReadOnlyList<PaperCell> Cells => _cells.Value;

    /// <summary>The cells of one research question's table.</summary>
    /// <param name="question">The question.</param>
    /// <returns>Its cells, in <see cref="Cells"/> order.</returns>
    public static IReadOnlyList<PaperCell> For(ResearchQuestion question) => [.. Cells.Where(c => c.Question == question)];

    /// <summary>The paper's table number of a research question: RQ1 is Table 2, ..., RQ6 is Table 7.</summary>
    /// <param name="question">The question.</param>
    /// <returns>The table number.</returns>
    public static int TableOf(ResearchQuestion question) => (int)question + 1;

    /// <summary>The statistic's short name: <c>r</c>, <c>p</c>, <c>mean</c>, <c>variance</c> or <c>R</c>.</summary>
    /// <param name="statistic">The statistic.</param>
    /// <returns>The name.</returns>
    public static string StatisticName(PaperStatistic statistic) => statistic switch
    {
        PaperStatistic.Correlation => "r",
        PaperStatistic.PValue => "p",
        PaperStatistic.Mean => "mean",
        PaperStatistic.Variance => "variance",
        PaperStatistic.MultipleCorrelation => "R",
        _ => throw new ArgumentOutOfRangeException(nameof(statistic), statistic, "expected Correlation, PValue, Mean, Variance or MultipleCorrelation."),
    };

    /// <summary>
    /// Whether a number can be the statistic at all: r in [-1, 1], R, p and a mean accuracy in [0, 1], a variance at least 0.
    /// </summary>
    internal static bool IsPossible(PaperStatistic statistic, double value) => statistic switch
    {
        PaperStatistic.Correlation => value is >= -1 and <= 1,
        PaperStatistic.Variance => value >= 0,
        _ => value is >= 0 and <= 1,
    };

    /// <summary>
    /// A number as <c>paper.txt</c> prints it: <c>0.275</c>, <c>−0.460</c> (U+2212 minus) or <c>3.45 × 10−6</c>.
    /// </summary>
    internal static double ParseText(string text)
    {
        string t = text.Replace('\u2212', '-');
        int times = t.IndexOf(" \u00D7 10", StringComparison.Ordinal);
        return times < 0
            ? double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture)
            : double.Parse(t[..times] + "e" + t[(times + 5)..], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>Reads cells in the resource's CSV format (no quoted fields; the header is checked).</summary>
    internal static IReadOnlyList<PaperCell> Parse(TextReader reader)
    {
        string? header = reader.ReadLine();
        if (header != Header)
        {
            throw new InvalidDataException($"paper cells: header '{header}', expected '{Header}'.");
        }

        var cells = new List<PaperCell>();
        int line = 1;
        for (string? text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            string[] f = text.Split(',');
            if (f.Length != 13)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"paper cells line {line}: {f.Length} fields, expected 13."));
            }

            cells.Add(new PaperCell(
                Int(f[0]),
                (ResearchQuestion)Int(f[1]),
                f[2],
                Enum.Parse<AccuracyMeasure>(f[3]),
                f[4].Length == 0 ? null : f[4],
                f[5].Length == 0 ? null : Number(f[5]),
                f[6].Length == 0 ? null : Number(f[6]),
                Statistic(f[7]),
                Int(f[8]),
                Number(f[9]),
                f[10],
                bool.Parse(f[11]),
                f[12]));
        }

        return cells;
    }

    private static IReadOnlyList<PaperCell> Load()
    {
        using Stream stream = typeof(PaperTables).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in {typeof(PaperTables).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return Parse(reader);
    }

    private static PaperStatistic Statistic(string name) => name switch
    {
        "r" => PaperStatistic.Correlation,
        "p" => PaperStatistic.PValue,
        "mean" => PaperStatistic.Mean,
        "variance" => PaperStatistic.Variance,
        "R" => PaperStatistic.MultipleCorrelation,
        _ => throw new InvalidDataException($"paper cells: unknown statistic '{name}' (expected r, p, mean, variance or R)."),
    };

    private static int Int(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
