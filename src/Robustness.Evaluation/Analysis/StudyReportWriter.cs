using System.Globalization;
using System.Text;
using Robustness.IO;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;

namespace Robustness.Evaluation.Analysis;

/// <summary>A figure a report links to: its title, the PNG and SVG paths relative to the report folder and its caption.</summary>
/// <param name="Title">The title (the figure's heading in report.md).</param>
/// <param name="Png">The PNG path, relative to the report folder.</param>
/// <param name="Svg">The SVG path, relative to the report folder.</param>
/// <param name="Caption">
/// The text printed under the figure: what a point is and how it is aggregated (e.g. "mean over the 24 MNIST-C test
/// levels, averaged over 3 seeds"), the band, n points, seeds and r; null for none.
/// </param>
public sealed record ReportFigure(string Title, string Png, string Svg, string? Caption = null);

/// <summary>
/// Writes one study's report into a folder (docs/reports.md): <c>report.md</c> (the paper-style tables of
/// <see cref="StudyAnalyzer"/>, notes, links to the figures), <c>rows.csv</c> (the store's rows), <c>table.csv</c> (the
/// table's cells) and <c>points.csv</c> (per design point the repetition means and intervals). Each file is written
/// beside its target and renamed over it, so a crash never leaves a half-written file. Drawing the figures is the
/// caller's (the CLI uses ScottPlot); the writer links the ones it is given.
/// </summary>
internal static class StudyReportWriter
{
    /// <summary>The figures' folder inside a report folder.</summary>
    public const string FigureFolder = "figures";

    private static readonly CultureInfo _c = CultureInfo.InvariantCulture;

    /// <summary>Writes the report of <paramref name="table"/> (analysed from <paramref name="store"/>) into <paramref name="folder"/>.</summary>
    /// <param name="store">The store the table was analysed from (its rows of the study go to rows.csv).</param>
    /// <param name="table">The study's table.</param>
    /// <param name="folder">The report folder (created when absent; the four files are replaced).</param>
    /// <param name="figures">The figures to link, already written under <paramref name="folder"/>.</param>
    /// <param name="preface">Markdown placed after the title (the quickstart's data note), or null.</param>
    /// <returns>The files written: report.md, rows.csv, table.csv, points.csv (full paths).</returns>
    public static IReadOnlyList<string> Write(IResultStore store, StudyTable table, string folder, IReadOnlyList<ReportFigure> figures, string? preface = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(figures);
        string full = Path.GetFullPath(folder);
        Directory.CreateDirectory(full);
        var rows = store.Rows(table.Study);
        var encoding = new UTF8Encoding(false);
        string rowsCsv = Path.Combine(full, "rows.csv");
        AtomicFile.Write(rowsCsv, temp =>
        {
            using var writer = new StreamWriter(temp, false, encoding);
            store.ExportCsv(writer, table.Study);
        });
        string tableCsv = Path.Combine(full, "table.csv");
        AtomicFile.Write(tableCsv, temp => File.WriteAllText(temp, TableCsv(table), encoding));
        string pointsCsv = Path.Combine(full, "points.csv");
        AtomicFile.Write(pointsCsv, temp => File.WriteAllText(temp, PointsCsv(table), encoding));
        string report = Path.Combine(full, "report.md");
        AtomicFile.Write(report, temp => File.WriteAllText(temp, Markdown(table, rows, store.Path, preface, figures), encoding));
        return [report, rowsCsv, tableCsv, pointsCsv];
    }

    private static string Markdown(StudyTable table, IReadOnlyList<StudyRow> rows, string store, string? preface, IReadOnlyList<ReportFigure> figures)
    {
        var sb = new StringBuilder();
        sb.Append(_c, $"# {StudyQuestion.For(table.Question)}: study `{table.Study}`\n\n");
        if (preface is not null)
        {
            sb.Append(preface.TrimEnd()).Append("\n\n");
        }

        sb.Append(_c, $"- store: `{store}` ({rows.Count} rows)\n");
        sb.Append(_c, $"- factors: {string.Join(", ", table.Factors)}; architectures: {string.Join(", ", table.Architectures.Select(a => a.Architecture))}\n");
        sb.Append(_c, $"- r, p: Spearman rank correlation and its two-sided p (Pearson alongside); significant when p < {table.Alpha}; variance: {StudyTable.VarianceKind}; repetitions per point: up to {table.Repetitions}\n");
        if (!table.IsMultiFactor)
        {
            sb.Append("- p method: (exact) = exact permutation p over all n! orderings (by default for n <= 10 points without ties), (t) = Student t approximation (SciPy's spearmanr; Pearson's p always); `--p exact|t|auto` chooses. A p below 1e-16 is printed as < 1e-16\n");
        }

        if (table.RepetitionNote is { } note)
        {
            sb.Append("- ").Append(note).Append('\n');
        }

        if (table.NearChanceNote is { } chance)
        {
            sb.Append("- **").Append(chance).Append("**\n");
        }

        sb.Append("- strength of |r| (or R): significant > 0.95, high 0.8-0.95, moderate 0.5-0.8, low 0.3-0.5, weak/none below; means are in %, variances of the accuracy as a fraction (0..1)\n");
        sb.Append("- files: [rows.csv](rows.csv) (every stored run), [table.csv](table.csv) (the cells below), [points.csv](points.csv) (per design point the repetition means)\n\n");

        foreach (var architecture in table.Architectures)
        {
            sb.Append(_c, $"## {architecture.Architecture}\n\n");
            if (architecture.SingleFactor is { } cells)
            {
                sb.Append(_c, $"Correlation of the accuracy with the training factor `{table.Factors[0]}` over {architecture.Points.Count} design points.\n\n");
                SingleTable(sb, cells);
                if (architecture.PeakIndex is { } peak)
                {
                    sb.Append(_c, $"\nMNIST-A peaks at {table.Factors[0]} = {G(architecture.Points[peak].Factors[0])} (point {peak + 1} of {architecture.Points.Count}).\n");
                }

                foreach (var segment in architecture.Segments ?? [])
                {
                    sb.Append(_c, $"\n### Segment {segment.Name}: {table.Factors[0]} {G(segment.FirstLevel)} to {G(segment.LastLevel)} ({segment.Count} points)\n\n");
                    SingleTable(sb, segment.Cells);
                }
            }
            else if (architecture.MultiFactor is { } multi)
            {
                sb.Append(_c, $"Multiple correlation R of the OLS fit of the accuracy on {string.Join(", ", table.Factors)} (with intercept), F-test p.\n\n");
                sb.Append("| Benchmark | n | R | R² | adj. R² | F | df | p | strength | significant |\n");
                sb.Append("|---|--:|--:|--:|--:|--:|--:|--:|---|---|\n");
                foreach (var cell in multi)
                {
                    var f = cell.Fit;
                    sb.Append(_c, $"| {AccuracyMeasures.Name(cell.Measure)} | {f.N} | {F4(f.R)} | {F4(f.RSquared)} | {F4(f.AdjustedRSquared)} | {S4(f.FStatistic)} | {f.Df1}, {f.Df2} | {f.FormatPValue()} | {StudyTableWriter.StrengthName(cell.Strength)} | {(cell.Significant ? "yes" : "no")} |\n");
                }
            }

            sb.Append("\n### Design points (repetition means, %)\n\n");
            sb.Append("| point | ").Append(string.Join(" | ", table.Factors)).Append(" | seeds | Training | MNIST-Test | MNIST-C | MNIST-A |\n");
            sb.Append("|---|").Append(string.Concat(table.Factors.Select(_ => "--:|"))).Append("--:|--:|--:|--:|--:|\n");
            foreach (var point in architecture.Points)
            {
                sb.Append(_c, $"| {point.PointId} | {string.Join(" | ", point.Factors.Select(G))} | {point.Seeds.Count} | ");
                sb.Append(string.Join(" | ", AccuracyMeasures.All.Select(m => (point.Metric(m).Mean * 100).ToString("F2", _c)))).Append(" |\n");
            }

            sb.Append('\n');
            if (architecture.Attacks is { } attacks)
            {
                AttackTable(sb, table, attacks);
            }
        }

        if (figures.Count > 0)
        {
            sb.Append("## Figures\n\n");
            for (int i = 0; i < figures.Count; i++)
            {
                var figure = figures[i];
                sb.Append(_c, $"### {figure.Title}\n\n![{figure.Title}]({figure.Png})\n\n");
                sb.Append(_c, $"*Figure {i + 1}.* ");
                if (figure.Caption is { Length: > 0 } caption)
                {
                    sb.Append(caption.Trim()).Append(' ');
                }

                sb.Append(_c, $"([SVG]({figure.Svg}))\n\n");
            }
        }

        return sb.ToString();
    }

    private static void AttackTable(StringBuilder sb, StudyTable table, AttackTable attacks)
    {
        bool minimal = attacks.Keys.Contains("minimal");
        sb.Append("### Attacks and gradient-masking flags\n\n");
        sb.Append("Accuracy under each attack column, mean over the benchmark levels and over seeds (%); white-box unless marked transfer; minimal-l2 is the robust accuracy from each image's minimal adversarial distance. ");
        sb.Append("Flags count the models showing a known sign of gradient masking (docs/gradient-masking.md in the Robustness repository): iterative-weaker = PGD leaves more accuracy than FGSM at some level; transfer-stronger = the transfer attack beats the white-box one; no-fall = the strongest white-box attack leaves over 10% at the largest level.\n\n");
        sb.Append("| point | ").Append(string.Join(" | ", table.Factors)).Append(" | ").Append(string.Join(" | ", attacks.Keys.Select(Robustness.Evaluation.Benchmarks.StudyAttack.DisplayNameOf)));
        sb.Append(minimal ? " | median minimal l2" : "").Append(" | ").Append(string.Join(" | ", GradientMaskingCheck.Signs.Select(GradientMaskingCheck.Code))).Append(" |\n");
        sb.Append("|---|").Append(string.Concat(table.Factors.Select(_ => "--:|"))).Append(string.Concat(attacks.Keys.Select(_ => "--:|"))).Append(minimal ? "--:|" : "").Append(string.Concat(GradientMaskingCheck.Signs.Select(_ => "--:|"))).Append('\n');
        foreach (var p in attacks.Points)
        {
            sb.Append(_c, $"| {p.PointId} | {string.Join(" | ", p.Factors.Select(G))} | ");
            sb.Append(string.Join(" | ", attacks.Keys.Select(k => p.Attacks.FirstOrDefault(a => a.Key == k) is { } m ? (m.MeanAccuracy * 100).ToString("F2", _c) : "-")));
            if (minimal)
            {
                double? median = p.Attacks.FirstOrDefault(a => a.Key == "minimal")?.MedianMinimalDistance;
                sb.Append(" | ").Append(median is not { } d ? "-" : double.IsPositiveInfinity(d) ? "> largest level" : d.ToString("F3", _c));
            }

            sb.Append(" | ").Append(string.Join(" | ", p.Flags.Select(f => string.Create(_c, $"{f.Flagged}/{f.Models}")))).Append(" |\n");
        }

        sb.Append('\n');
        foreach (var c in attacks.Correlations)
        {
            sb.Append(_c, $"- {Robustness.Evaluation.Benchmarks.StudyAttack.DisplayNameOf(c.Key)}: Spearman r = {F4(c.Spearman.Coefficient)} with {table.Factors[0]}, p = {c.Spearman.FormatPValue()}; mean {Percent(c.Mean)} %\n");
        }

        sb.Append(_c, $"- gradient-masking flags: {string.Join("; ", attacks.Totals.Select(t => string.Create(_c, $"{t.Code} {t.Flagged} of {t.Models} models")))}\n");
        foreach (var p in attacks.Points)
        {
            foreach (string d in p.Details)
            {
                sb.Append(_c, $"  - {p.PointId} {d}\n");
            }
        }

        sb.Append('\n');
    }

    private static void SingleTable(StringBuilder sb, IReadOnlyList<SingleFactorCell> cells)
    {
        sb.Append("| Benchmark | n | r | p | Pearson r | Pearson p | strength | significant | mean (%) | variance |\n");
        sb.Append("|---|--:|--:|--:|--:|--:|---|---|--:|--:|\n");
        foreach (var cell in cells)
        {
            sb.Append(_c, $"| {AccuracyMeasures.Name(cell.Measure)} | {cell.Count} | {F4(cell.Spearman.Coefficient)} | {cell.Spearman.FormatPValue()} | {F4(cell.Pearson.Coefficient)} | {cell.Pearson.FormatPValue()} | {StudyTableWriter.StrengthName(cell.Strength)} | {(cell.Significant ? "yes" : "no")} | {Percent(cell.Mean)} | {S4(cell.Variance)} |\n");
        }
    }

    private static string TableCsv(StudyTable table)
    {
        var sb = new StringBuilder();
        if (table.IsMultiFactor)
        {
            sb.Append("study,question,architecture,benchmark,n,k,R,R2,adj_R2,F,df1,df2,p,strength,significant\n");
            foreach (var a in table.Architectures)
            {
                foreach (var cell in a.MultiFactor ?? [])
                {
                    var f = cell.Fit;
                    sb.Append(_c, $"{Csv(table.Study)},{(int)table.Question},{Csv(a.Architecture)},{AccuracyMeasures.Name(cell.Measure)},{f.N},{f.K},{R(f.R)},{R(f.RSquared)},{R(f.AdjustedRSquared)},{R(f.FStatistic)},{f.Df1},{f.Df2},{R(f.PValue)},{StudyTableWriter.StrengthName(cell.Strength)},{(cell.Significant ? "true" : "false")}\n");
                }
            }
        }
        else
        {
            sb.Append("study,question,architecture,segment,benchmark,n,spearman_r,spearman_p,spearman_p_method,pearson_r,pearson_p,strength,significant,mean,variance\n");
            foreach (var a in table.Architectures)
            {
                var blocks = new List<(string Segment, IReadOnlyList<SingleFactorCell> Cells)> { ("all", a.SingleFactor ?? []) };
                blocks.AddRange((a.Segments ?? []).Select(s => (s.Name, s.Cells)));
                foreach (var (segment, cells) in blocks)
                {
                    foreach (var cell in cells)
                    {
                        sb.Append(_c, $"{Csv(table.Study)},{(int)table.Question},{Csv(a.Architecture)},{segment},{AccuracyMeasures.Name(cell.Measure)},{cell.Count},{R(cell.Spearman.Coefficient)},{R(cell.Spearman.PValue)},{cell.Spearman.PValueMethodName},{R(cell.Pearson.Coefficient)},{R(cell.Pearson.PValue)},{StudyTableWriter.StrengthName(cell.Strength)},{(cell.Significant ? "true" : "false")},{R(cell.Mean)},{R(cell.Variance)}\n");
                    }
                }
            }
        }

        return sb.ToString();
    }

    private static string PointsCsv(StudyTable table)
    {
        var sb = new StringBuilder();
        sb.Append("architecture,point,").Append(string.Join(',', table.Factors)).Append(",repetitions");
        foreach (var m in AccuracyMeasures.All)
        {
            string n = AccuracyMeasures.Name(m).ToLowerInvariant().Replace('-', '_');
            sb.Append(_c, $",{n}_mean,{n}_sd,{n}_ci_low,{n}_ci_high");
        }

        sb.Append('\n');
        foreach (var a in table.Architectures)
        {
            foreach (var p in a.Points)
            {
                sb.Append(_c, $"{Csv(a.Architecture)},{Csv(p.PointId)},{string.Join(',', p.Factors.Select(R))},{p.Seeds.Count}");
                foreach (var m in AccuracyMeasures.All)
                {
                    var s = p.Metric(m);
                    sb.Append(_c, $",{R(s.Mean)},{R(s.StandardDeviation)},{R(s.ConfidenceLow)},{R(s.ConfidenceHigh)}");
                }

                sb.Append('\n');
            }
        }

        return sb.ToString();
    }

    /// <summary>r, R and other coefficients as the report prints them: 4 decimals; "-" when undefined.</summary>
    /// <param name="v">The value.</param>
    /// <returns>The text.</returns>
    public static string F4(double v) => double.IsFinite(v) ? v.ToString("F4", _c) : Undefined(v);

    /// <summary>F and variances as the report prints them: 4 significant digits; "-" when undefined.</summary>
    /// <param name="v">The value.</param>
    /// <returns>The text.</returns>
    public static string S4(double v) => double.IsFinite(v) ? v.ToString("G4", _c) : Undefined(v);

    private static string Percent(double v) => double.IsFinite(v) ? (v * 100).ToString("F2", _c) : "-";

    private static string Undefined(double v) => double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : "-";

    private static string G(double v) => v.ToString("G", _c);

    private static string R(double v) => double.IsNaN(v) ? "" : v.ToString("R", _c);

    private static string Csv(string text) => StoredRowFormat.Csv(text);
}
