using System.Globalization;
using System.Text;
using Robustness.Statistics;

namespace Robustness.Evaluation.Analysis;

/// <summary>The plain-text table of <see cref="StudyTableWriter"/> (<c>study analyze</c>); the JSON form is in StudyTableWriter.cs.</summary>
public static partial class StudyTableWriter
{
    /// <summary>
    /// The table as plain text: per architecture one block with a row per benchmark (aligned columns; r and mean
    /// with 4 decimals, variance and F with 4 significant digits, p by <see cref="CorrelationStrengths.FormatPValue"/>
    /// (3 significant digits, <c>&lt; 1e-16</c> instead of 0) labelled with its method, e.g. <c>0.0167 (exact)</c>;
    /// "-" for undefined values); RQ2 adds one block per segment; with repetitions, a block of per-point means and
    /// confidence intervals follows; <see cref="StudyTable.RepetitionNote"/> when a point has fewer than 3 seeds.
    /// </summary>
    /// <param name="table">The table.</param>
    /// <returns>The text, lines separated by '\n'.</returns>
    public static string ToText(StudyTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var sb = new StringBuilder();
        string factorText = string.Join(", ", table.Factors);
        sb.Append(Inv($"Study {table.Study} (RQ{(int)table.Question}), factor{(table.Factors.Count > 1 ? "s" : "")}: {factorText}; "));
        sb.Append(table.IsMultiFactor
            ? "multiple correlation R of an OLS fit (F-test p)"
            : "Spearman r and p (paper), Pearson r and p; mean and sample variance (n-1) over the levels");
        sb.Append(Inv($"; significant: p < {R(table.Alpha)}"));
        if (!table.IsMultiFactor)
        {
            sb.Append("; p (exact) = exact permutation p, p (t) = Student t approximation (SciPy)");
        }

        if (table.Repetitions > 1)
        {
            sb.Append(Inv($"; up to {table.Repetitions} repetitions per point, statistics on the per-point means"));
        }

        sb.Append('\n');
        if (table.RepetitionNote is { } note)
        {
            sb.Append(note).Append('\n');
        }

        if (table.NearChanceNote is { } chance)
        {
            sb.Append(chance).Append('\n');
        }

        foreach (ArchitectureTable a in table.Architectures)
        {
            sb.Append('\n');
            if (a.SingleFactor is { } single)
            {
                AppendSingle(sb, Inv($"{a.Architecture}: {Count(a.Points.Count)}, {table.Factors[0]} {Level(a.Points[0].Factors[0])} .. {Level(a.Points[^1].Factors[0])}"), single);
            }

            if (a.PeakIndex is { } peak)
            {
                sb.Append(Inv($"MNIST-A peaks at {table.Factors[0]} {Level(a.Points[peak].Factors[0])} (point {peak}); segment I ends at the peak\n"));
            }

            foreach (SegmentTable s in a.Segments ?? [])
            {
                AppendSingle(sb, Inv($"{a.Architecture} segment {s.Name} [{Level(s.FirstLevel)}, {Level(s.LastLevel)}]: {Count(s.Count)}"), s.Cells);
            }

            if (a.MultiFactor is { } multi)
            {
                var rows = new List<string[]> { new[] { "Benchmark", "n", "R", "R2", "adj R2", "F", "df", "p", "strength", "sig" } };
                rows.AddRange(multi.Select(c => new[]
                {
                    AccuracyMeasures.Name(c.Measure), Inv($"{c.Fit.N}"), F4(c.Fit.R), F4(c.Fit.RSquared), F4(c.Fit.AdjustedRSquared),
                    G4(c.Fit.FStatistic), Inv($"{c.Fit.Df1},{c.Fit.Df2}"), c.Fit.FormatPValue(), StrengthName(c.Strength), c.Significant ? "yes" : "no",
                }));
                sb.Append(Inv($"{a.Architecture}: {Count(a.Points.Count)}, factors {factorText}\n"));
                AppendAligned(sb, rows);
            }

            if (table.Repetitions > 1)
            {
                AppendPoints(sb, a, table);
            }

            if (a.Attacks is { } attacks)
            {
                AppendAttacks(sb, a.Architecture, attacks, table.Factors);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// The attack columns as text: per point the mean accuracy of each column over the benchmark levels (mean over
    /// seeds), the median minimal distance, and the masking flags (models flagged / models); then the correlation
    /// of each column with the training level and the flags' totals with their details.
    /// </summary>
    private static void AppendAttacks(StringBuilder sb, string architecture, AttackTable attacks, IReadOnlyList<string> factors)
    {
        bool minimal = attacks.Keys.Contains("minimal");
        var header = new List<string> { "Point" };
        header.AddRange(factors);
        header.AddRange(attacks.Keys.Select(Benchmarks.StudyAttack.DisplayNameOf));
        if (minimal)
        {
            header.Add("median d");
        }

        header.AddRange(GradientMaskingCheck.Signs.Select(GradientMaskingCheck.Code));
        var rows = new List<string[]> { header.ToArray() };
        foreach (AttackPointSummary p in attacks.Points)
        {
            var row = new List<string> { p.PointId };
            row.AddRange(p.Factors.Select(Level));
            row.AddRange(attacks.Keys.Select(k => p.Attacks.FirstOrDefault(a => a.Key == k) is { } m ? F4(m.MeanAccuracy) : "-"));
            if (minimal)
            {
                double? median = p.Attacks.FirstOrDefault(a => a.Key == "minimal")?.MedianMinimalDistance;
                row.Add(median is not { } d ? "-" : double.IsPositiveInfinity(d) ? "> max" : F4(d));
            }

            row.AddRange(p.Flags.Select(f => Inv($"{f.Flagged}/{f.Models}")));
            rows.Add(row.ToArray());
        }

        sb.Append(Inv($"{architecture}: attack columns (white-box unless marked transfer; mean accuracy over the benchmark levels, mean over seeds) and gradient-masking flags (models flagged / models; docs/gradient-masking.md)\n"));
        AppendAligned(sb, rows);
        if (attacks.Correlations.Count > 0)
        {
            var cells = new List<string[]> { new[] { "Attack", "n", "r", "p", "strength", "Mean", "Variance" } };
            cells.AddRange(attacks.Correlations.Select(c => new[]
            {
                Benchmarks.StudyAttack.DisplayNameOf(c.Key), Inv($"{c.Spearman.N}"), F4(c.Spearman.Coefficient), c.Spearman.FormatPValue(),
                StrengthName(c.Spearman.Strength), F4(c.Mean), G4(c.Variance),
            }));
            sb.Append(Inv($"{architecture}: Spearman r of each attack column with {factors[0]}\n"));
            AppendAligned(sb, cells);
        }

        sb.Append(Inv($"{architecture}: gradient-masking flags: {string.Join("; ", attacks.Totals.Select(t => Inv($"{t.Code} {t.Flagged}/{t.Models} models")))}\n"));
        foreach (string detail in attacks.Points.SelectMany(p => p.Details.Select(d => Inv($"  {p.PointId} {d}"))))
        {
            sb.Append(detail).Append('\n');
        }

        sb.Append('\n');
    }

    private static void AppendSingle(StringBuilder sb, string title, IReadOnlyList<SingleFactorCell> cells)
    {
        var rows = new List<string[]> { new[] { "Benchmark", "n", "r", "p", "Pearson r", "Pearson p", "strength", "sig", "Mean", "Variance" } };
        rows.AddRange(cells.Select(c => new[]
        {
            AccuracyMeasures.Name(c.Measure), Inv($"{c.Count}"), F4(c.Spearman.Coefficient), c.Spearman.FormatPValue(),
            F4(c.Pearson.Coefficient), c.Pearson.FormatPValue(), StrengthName(c.Strength), c.Significant ? "yes" : "no", F4(c.Mean), G4(c.Variance),
        }));
        sb.Append(title).Append('\n');
        AppendAligned(sb, rows);
    }

    private static void AppendPoints(StringBuilder sb, ArchitectureTable a, StudyTable table)
    {
        var header = new List<string> { "Point" };
        header.AddRange(table.Factors);
        header.Add("reps");
        header.AddRange(AccuracyMeasures.All.Select(m => Inv($"{AccuracyMeasures.Name(m)} mean [{R(table.ConfidenceLevel * 100)}% CI]")));
        var rows = new List<string[]> { header.ToArray() };
        foreach (PointSummary p in a.Points)
        {
            var row = new List<string> { p.PointId };
            row.AddRange(p.Factors.Select(Level));
            row.Add(Inv($"{p.Seeds.Count}"));
            row.AddRange(p.Metrics.Select(m => Inv($"{F4(m.Mean)} [{F4(m.ConfidenceLow)}, {F4(m.ConfidenceHigh)}]")));
            rows.Add(row.ToArray());
        }

        sb.Append(Inv($"{a.Architecture}: per-point means over repetitions, {R(table.ConfidenceLevel * 100)}% confidence intervals (Student t with n-1 df on the logit scale, inside [0, 1])\n"));
        AppendAligned(sb, rows);
    }

    private static void AppendAligned(StringBuilder sb, List<string[]> rows)
    {
        int columns = rows[0].Length;
        int[] width = new int[columns];
        foreach (string[] row in rows)
        {
            for (int j = 0; j < columns; j++)
            {
                width[j] = Math.Max(width[j], row[j].Length);
            }
        }

        foreach (string[] row in rows)
        {
            var line = new StringBuilder();
            for (int j = 0; j < columns; j++)
            {
                // First column left-aligned (names), the others right-aligned (numbers).
                line.Append(j == 0 ? row[j].PadRight(width[j]) : row[j].PadLeft(width[j]));
                if (j < columns - 1)
                {
                    line.Append("  ");
                }
            }

            sb.Append(line.ToString().TrimEnd()).Append('\n');
        }

        sb.Append('\n');
    }

    private static string Level(double value) => double.IsFinite(value) ? value.ToString("0.####", CultureInfo.InvariantCulture) : "-";

    private static string Count(int points) => points == 1 ? "1 point" : Inv($"{points} points");
}
