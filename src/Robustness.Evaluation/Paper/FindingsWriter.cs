using System.Globalization;
using System.Text;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.IO;
using Robustness.Statistics;

namespace Robustness.Evaluation.Paper;

/// <summary>
/// Writes the paper check into a folder: <c>findings.md</c> (a summary line and a table per research question, and the
/// rules) and <c>findings.csv</c> (one row per paper cell, invariant culture). Each file is written beside its target and
/// renamed over it, so a crash never leaves a half-written file.
/// </summary>
public static class FindingsWriter
{
    /// <summary>The Markdown file's name.</summary>
    public const string MarkdownFile = "findings.md";

    /// <summary>The CSV file's name.</summary>
    public const string CsvFile = "findings.csv";

    /// <summary>The CSV's header line.</summary>
    public const string CsvHeader =
        "table,rq,architecture,measure,segment,statistic,paper_value,paper_text,paper_valid,paper_n,paper_first_level,paper_last_level,"
        + "ours,ours_n,ours_first_level,ours_last_level,seeds,distinct_resamples,interval_low,interval_high,seed_min,seed_max,"
        + "paper_strength,ours_strength,verdict,reason,paper_note";

    /// <summary>The rules the verdicts follow, as <c>findings.md</c> prints them (docs/findings.md explains why).</summary>
    internal static readonly string[] Rules =
    [
        "Paper value impossible: the paper's number cannot be the statistic (p or R outside [0, 1], |r| > 1, a negative variance, a mean outside [0, 1]); nothing is compared.",
        "Inconclusive: no number of ours (the architecture, the segment or the question was not run) or ours is undefined (NaN).",
        "r: replicated when ours has the same sign and the same strength label (|r| > 0.95 significant, 0.8-0.95 high, 0.5-0.8 moderate, 0.3-0.5 low, below 0.3 weak/none), or the interval over seeds covers the paper's r; direction only when only the sign agrees; else not replicated.",
        "R: replicated when the strength labels agree or the interval covers the paper's R; else not replicated (R is never negative, so there is no direction).",
        "p: replicated when both are significant or both are not at the table's alpha (p < alpha); else not replicated. The p-values are not compared as numbers: they depend on the number of points, which a scaled run changes.",
        string.Create(CultureInfo.InvariantCulture, $"mean: replicated when |ours - paper| <= {PaperFindings.MeanTolerance} or the interval covers the paper's mean; else not replicated."),
        string.Create(CultureInfo.InvariantCulture, $"variance: replicated when ours is within a factor of {PaperFindings.VarianceFactor} of the paper's (either way) or the interval covers it; else not replicated."),
        "Interval: percentile bootstrap over the architecture's seeds (resampled with replacement, point means and the statistic recomputed as the table does, resample p-values by Student's t), widened to contain ours. With k seeds only C(2k - 1, k) resamples differ (10 for 3 seeds), so it shows the spread over seeds, not a 95% confidence interval; the seed range is the statistic from each seed alone.",
    ];

    private static readonly CultureInfo _c = CultureInfo.InvariantCulture;

    /// <summary>Writes <c>findings.md</c> and <c>findings.csv</c> into <paramref name="folder"/>.</summary>
    /// <param name="findings">The findings, e.g. <see cref="PaperFindings.Compare"/> of each question concatenated (RQ order is kept as given).</param>
    /// <param name="folder">The folder (created when absent; both files are replaced).</param>
    /// <param name="preface">Markdown placed after the title (which data, sizes and seeds), or null.</param>
    /// <returns>The files written: findings.md, findings.csv (full paths).</returns>
    public static IReadOnlyList<string> Write(IReadOnlyList<PaperFinding> findings, string folder, string? preface = null)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string full = Path.GetFullPath(folder);
        Directory.CreateDirectory(full);
        var encoding = new UTF8Encoding(false);
        string markdown = Path.Combine(full, MarkdownFile);
        AtomicFile.Write(markdown, temp => File.WriteAllText(temp, Markdown(findings, preface), encoding));
        string csv = Path.Combine(full, CsvFile);
        AtomicFile.Write(csv, temp => File.WriteAllText(temp, Csv(findings), encoding));
        return [markdown, csv];
    }

    /// <summary>The text of <c>findings.md</c>.</summary>
    internal static string Markdown(IReadOnlyList<PaperFinding> findings, string? preface)
    {
        var sb = new StringBuilder();
        sb.Append("# Paper check: our numbers beside the paper's Tables 2-7\n\n");
        if (!string.IsNullOrWhiteSpace(preface))
        {
            sb.Append(preface.TrimEnd()).Append("\n\n");
        }

        ResearchQuestion[] questions = [.. findings.Select(f => f.Cell.Question).Distinct()];
        sb.Append("## Summary\n\n");
        foreach (ResearchQuestion q in questions)
        {
            sb.Append("- ").Append(PaperFindings.Summary(q, findings)).Append('\n');
        }

        foreach (ResearchQuestion q in questions)
        {
            var mine = findings.Where(f => f.Cell.Question == q).ToList();
            sb.Append(_c, $"\n## RQ{(int)q} (Table {PaperTables.TableOf(q)}): {StudyQuestion.For(q).Title}\n\n");
            foreach (IGrouping<string, PaperFinding> arch in mine.GroupBy(f => f.Cell.Architecture, StringComparer.Ordinal))
            {
                PaperFinding first = arch.First();
                sb.Append(_c, $"- {arch.Key}: {(first.Seeds == 0 ? "not run" : $"{first.Seeds} seed(s), {first.DistinctResamples:G4} distinct resample(s)")}\n");
            }

            sb.Append("\n| Architecture | Benchmark | Segment | Statistic | Paper | Ours | n paper / ours | Interval over seeds | Seed range | Strength paper / ours | Verdict | Why |\n");
            sb.Append("|---|---|---|---|---:|---:|---|---|---|---|---|---|\n");
            foreach (PaperFinding f in mine)
            {
                PaperCell c = f.Cell;
                string segment = c.Segment is null ? "" : Cell($"{c.Segment} [{Level(c.FirstLevel)}, {Level(c.LastLevel)}]{(f.FirstLevel is null ? "" : $" / ours [{Level(f.FirstLevel)}, {Level(f.LastLevel)}]")}");
                string strength = f.PaperStrength is null ? "" : $"{StudyTableWriter.StrengthName(f.PaperStrength.Value)} / {StudyTableWriter.StrengthName(f.OursStrength ?? CorrelationStrength.Undefined)}";
                sb.Append(_c, $"| {c.Architecture} | {AccuracyMeasures.Name(c.Measure)} | {segment} | {c.StatisticName} | {c.Text} | {Number(c.Statistic, f.Ours)} | {c.Points} / {(f.Points == 0 ? "-" : f.Points.ToString(_c))} | {Range(c.Statistic, f.IntervalLow, f.IntervalHigh)} | {Range(c.Statistic, f.SeedMin, f.SeedMax)} | {strength} | {f.VerdictName} | {Cell(f.Reason)} |\n");
            }
        }

        sb.Append("\n## Rules\n\n");
        foreach (string rule in Rules)
        {
            sb.Append("- ").Append(rule).Append('\n');
        }

        var notes = findings.Where(f => f.Cell.Note.Length > 0).Select(f => f.Cell).ToList();
        if (notes.Count > 0)
        {
            sb.Append("\n## Notes on the paper's cells\n\n");
            foreach (PaperCell c in notes)
            {
                sb.Append(_c, $"- {c.Name} = {c.Text}: {c.Note}\n");
            }
        }

        return sb.ToString();
    }

    /// <summary>The text of <c>findings.csv</c>: <see cref="CsvHeader"/>, then one row per finding.</summary>
    internal static string Csv(IReadOnlyList<PaperFinding> findings)
    {
        var sb = new StringBuilder(CsvHeader).Append('\n');
        foreach (PaperFinding f in findings)
        {
            PaperCell c = f.Cell;
            sb.Append(_c, $"{c.Table},{(int)c.Question},{Text(c.Architecture)},{c.Measure},{c.Segment},{c.StatisticName},{R(c.Value)},{Text(c.Text)},{(c.IsValid ? "true" : "false")},{c.Points},{R(c.FirstLevel)},{R(c.LastLevel)},");
            sb.Append(_c, $"{R(f.Ours)},{f.Points},{R(f.FirstLevel)},{R(f.LastLevel)},{f.Seeds},{R(f.DistinctResamples)},{R(f.IntervalLow)},{R(f.IntervalHigh)},{R(f.SeedMin)},{R(f.SeedMax)},");
            sb.Append(_c, $"{Strength(f.PaperStrength)},{Strength(f.OursStrength)},{Text(f.VerdictName)},{Text(f.Reason)},{Text(c.Note)}\n");
        }

        return sb.ToString();
    }

    private static string Number(PaperStatistic statistic, double value) => double.IsNaN(value)
        ? "-"
        : statistic switch
        {
            PaperStatistic.PValue => CorrelationStrengths.FormatPValue(value),
            PaperStatistic.Variance => value.ToString("G3", _c),
            _ => value.ToString("F3", _c),
        };

    private static string Range(PaperStatistic statistic, double low, double high) =>
        double.IsNaN(low) ? "-" : $"[{Number(statistic, low)}, {Number(statistic, high)}]";

    private static string Level(double? level) => level is null ? "-" : level.Value.ToString("0.0##", _c);

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Strength(CorrelationStrength? strength) => strength is null ? "" : StudyTableWriter.StrengthName(strength.Value);

    private static string R(double value) => double.IsNaN(value) ? "" : value.ToString("R", _c);

    private static string R(double? value) => value is null ? "" : R(value.Value);

    private static string Text(string text) => StoredRowFormat.Csv(text);
}
