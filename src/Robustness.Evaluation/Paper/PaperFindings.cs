using System.Globalization;
using MathNet.Numerics.Statistics;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Randomness;
using Robustness.Statistics;

namespace Robustness.Evaluation.Paper;

/// <summary>How one of our numbers compares with the paper's (the rules: docs/findings.md).</summary>
public enum FindingVerdict
{
    /// <summary>r: same sign and strength label, or the interval over seeds covers the paper's r; R: same label or covered; p: same decision at alpha; mean, variance: covered or within the tolerance.</summary>
    Replicated,

    /// <summary>r only: same sign, but another strength label and an interval that misses the paper's r.</summary>
    DirectionOnly,

    /// <summary>None of the above.</summary>
    NotReplicated,

    /// <summary>No number of ours to compare: the architecture, the segment or the question was not run, or ours is undefined (NaN).</summary>
    Inconclusive,

    /// <summary>The paper's number cannot be the statistic (e.g. p above 1), so nothing is compared.</summary>
    PaperValueImpossible,
}

/// <summary>One paper cell beside our number for it, with the spread over seeds and the verdict.</summary>
/// <param name="Cell">The paper's cell.</param>
/// <param name="Ours">Our number, computed as the study table computes it (from the point means over seeds); NaN when there is none.</param>
/// <param name="Points">The design points behind our number (0 when there is none).</param>
/// <param name="FirstLevel">RQ2: our segment's first training level; null otherwise or when the segment is missing.</param>
/// <param name="LastLevel">RQ2: our segment's last training level; null otherwise.</param>
/// <param name="Seeds">The distinct seeds of the architecture's runs.</param>
/// <param name="DistinctResamples">How many different resamples of the seeds exist: C(2k - 1, k) for k seeds (10 for 3 seeds).</param>
/// <param name="IntervalLow">The lower end of the percentile bootstrap interval over seeds (widened to contain <paramref name="Ours"/>); NaN with fewer than 2 seeds.</param>
/// <param name="IntervalHigh">The upper end of that interval; NaN with fewer than 2 seeds.</param>
/// <param name="SeedMin">The smallest value of the statistic computed from one seed's runs alone; NaN when undefined.</param>
/// <param name="SeedMax">The largest such value.</param>
/// <param name="PaperStrength">r and R cells: the strength label of the paper's number; null for p, mean and variance.</param>
/// <param name="OursStrength">r and R cells: the strength label of ours (<see cref="CorrelationStrength.Undefined"/> when there is none); null otherwise.</param>
/// <param name="Verdict">The verdict.</param>
/// <param name="Reason">Why, in a few words (e.g. <c>same sign; labels high vs moderate; interval [0.61, 0.79] misses 0.977</c>).</param>
public sealed record PaperFinding(
    PaperCell Cell,
    double Ours,
    int Points,
    double? FirstLevel,
    double? LastLevel,
    int Seeds,
    double DistinctResamples,
    double IntervalLow,
    double IntervalHigh,
    double SeedMin,
    double SeedMax,
    CorrelationStrength? PaperStrength,
    CorrelationStrength? OursStrength,
    FindingVerdict Verdict,
    string Reason)
{
    /// <summary>The verdict as the findings print it (<see cref="PaperFindings.VerdictName"/>).</summary>
    public string VerdictName => PaperFindings.VerdictName(Verdict);
}

/// <summary>
/// Sets every cell of the paper's table for a research question (<see cref="PaperTables"/>) beside our study's number
/// for it, with a percentile bootstrap interval over the seeds and a verdict (docs/findings.md).
/// </summary>
/// <remarks>
/// <para>Our number is the study table's (<see cref="StudyAnalyzer"/>: Spearman r and p, mean and sample variance over the
/// point means; RQ2 by segment; R and the F test's p for RQ5/RQ6). The interval resamples the architecture's seeds with
/// replacement (k seeds, k draws), rebuilds every point's mean from the drawn seeds' runs (a seed drawn twice counts twice;
/// a point with none of the drawn seeds keeps all its runs), analyses the resample as the table does (RQ2's peak is found
/// again) and takes the percentile interval of the statistic, widened to contain our number. The resamples' p-values use
/// Student's t (<see cref="PValueRule.Asymptotic"/>). With k seeds only C(2k - 1, k) resamples differ (10 for 3 seeds, each
/// "one seed k times" resample with probability k^-k), so the interval describes the spread over seeds rather than a 95%
/// confidence interval; the per-seed minimum and maximum are kept beside it.</para>
/// </remarks>
public static partial class PaperFindings
{
    /// <summary>The default seed of the bootstrap.</summary>
    public const ulong DefaultSeed = 13;

    /// <summary>The default number of bootstrap resamples.</summary>
    public const int DefaultResamples = 2000;

    /// <summary>The default level of the percentile interval.</summary>
    public const double DefaultConfidence = 0.95;

    /// <summary>A mean accuracy replicates when it is within this of the paper's (absolute, 5 percentage points) or covered.</summary>
    public const double MeanTolerance = 0.05;

    /// <summary>A variance replicates when it is within this factor of the paper's (either way) or covered.</summary>
    public const double VarianceFactor = 10;

    /// <summary>Compares one study with the paper's table for its research question.</summary>
    /// <param name="table">The study's table (<see cref="StudyAnalyzer.Analyze(IReadOnlyList{StudyRow})"/>).</param>
    /// <param name="rows">The rows the table was analysed from (all seeds), all of the table's study and question.</param>
    /// <param name="seed">The bootstrap's seed; the same seed gives the same intervals.</param>
    /// <param name="resamples">Bootstrap resamples, at least 100.</param>
    /// <param name="confidence">The interval's level, in (0, 1).</param>
    /// <returns>One finding per paper cell of the question, in <see cref="PaperTables.For"/> order.</returns>
    /// <exception cref="ArgumentException">A row of another study or question, or an architecture of the table without rows.</exception>
    public static IReadOnlyList<PaperFinding> Compare(StudyTable table, IReadOnlyList<StudyRow> rows, ulong seed = DefaultSeed, int resamples = DefaultResamples, double confidence = DefaultConfidence)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 100);
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence must lie in (0, 1).");
        }

        StudyRow? stranger = rows.FirstOrDefault(r => r.Study != table.Study || r.Question != table.Question);
        if (stranger is not null)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"row '{stranger.Key}' is of study '{stranger.Study}' (RQ{(int)stranger.Question}), the table of '{table.Study}' (RQ{(int)table.Question}); give the table's own rows."), nameof(rows));
        }

        var analyzer = new StudyAnalyzer(new CorrelationAnalyzer(), new StudyAnalysisOptions(table.Alpha, table.ConfidenceLevel, PValueRule.Asymptotic));
        string run = string.Join(", ", table.Architectures.Select(a => a.Architecture));
        var findings = new List<PaperFinding>();
        foreach (IGrouping<string, PaperCell> cells in PaperTables.For(table.Question).GroupBy(c => c.Architecture, StringComparer.Ordinal))
        {
            PaperCell[] archCells = [.. cells];
            ArchitectureTable? ours = table.Architectures.FirstOrDefault(a => a.Architecture == cells.Key);
            if (ours is null)
            {
                findings.AddRange(archCells.Select(c => Missing(c, $"{c.Architecture} is not in this run (it has {run})")));
                continue;
            }

            List<StudyRow> archRows = [.. rows.Where(r => r.Architecture == cells.Key).Select(r => r.Attacks.Count == 0 ? r : r with { Attacks = [] })];
            if (archRows.Count == 0)
            {
                throw new ArgumentException($"the table has {cells.Key} but rows hold none of its runs; give the rows the table was analysed from.", nameof(rows));
            }

            findings.AddRange(CompareArchitecture(ours, archCells, archRows, analyzer, table.Alpha, Xoshiro256StarStar.Derive(seed, Stream(cells.Key)), resamples, confidence));
        }

        return findings;
    }

    /// <summary>The findings of a research question that was not run: every cell inconclusive (or paper value impossible).</summary>
    /// <param name="question">The question.</param>
    /// <returns>One finding per paper cell of the question.</returns>
    public static IReadOnlyList<PaperFinding> NotRun(ResearchQuestion question) =>
        [.. PaperTables.For(question).Select(c => Missing(c, string.Create(CultureInfo.InvariantCulture, $"RQ{(int)question} was not run")))];

    /// <summary>One line that sums up a question's findings, e.g. <c>RQ1 (Table 2): 7 of 24 cells replicated, 5 direction only, ...</c>.</summary>
    /// <param name="question">The question.</param>
    /// <param name="findings">Findings (those of other questions are ignored).</param>
    /// <returns>The line.</returns>
    public static string Summary(ResearchQuestion question, IReadOnlyList<PaperFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var mine = findings.Where(f => f.Cell.Question == question).ToList();
        int Count(FindingVerdict v) => mine.Count(f => f.Verdict == v);
        return string.Create(CultureInfo.InvariantCulture,
            $"RQ{(int)question} (Table {PaperTables.TableOf(question)}): {Count(FindingVerdict.Replicated)} of {mine.Count} cells replicated, {Count(FindingVerdict.DirectionOnly)} direction only, {Count(FindingVerdict.NotReplicated)} not replicated, {Count(FindingVerdict.Inconclusive)} inconclusive, {Count(FindingVerdict.PaperValueImpossible)} paper value impossible");
    }

    /// <summary>C(2k - 1, k): the number of different multisets of k seeds drawn from k.</summary>
    internal static double DistinctResamplesOf(int seeds)
    {
        double count = 1;
        for (int i = 1; i <= seeds; i++)
        {
            count = count * (seeds - 1 + i) / i;
        }

        return Math.Round(count);
    }

    private static IEnumerable<PaperFinding> CompareArchitecture(ArchitectureTable ours, PaperCell[] cells, List<StudyRow> rows, StudyAnalyzer analyzer, double alpha, ulong seed, int resamples, double confidence)
    {
        ulong[] seeds = [.. rows.Select(r => r.Seed).Distinct().Order()];
        List<List<StudyRow>> points = [.. rows.GroupBy(r => r.PointId, StringComparer.Ordinal).Select(g => g.ToList())];
        double[] Statistics(IReadOnlyList<ulong> drawn)
        {
            ArchitectureTable table = analyzer.Analyze(Resample(points, drawn)).Architectures[0];
            return [.. cells.Select(c => Extract(table, c).Value)];
        }

        double[][] perSeed = [.. seeds.Select(s => Statistics([s]))];
        var samples = cells.Select(_ => new List<double>(resamples)).ToArray();
        if (seeds.Length >= 2)
        {
            var rng = new Xoshiro256StarStar(seed);
            var drawn = new ulong[seeds.Length];
            for (int b = 0; b < resamples; b++)
            {
                for (int i = 0; i < drawn.Length; i++)
                {
                    drawn[i] = seeds[rng.NextInt(seeds.Length)];
                }

                double[] values = Statistics(drawn);
                for (int c = 0; c < cells.Length; c++)
                {
                    if (!double.IsNaN(values[c]))
                    {
                        samples[c].Add(values[c]);
                    }
                }
            }
        }

        double tail = (1 - confidence) / 2;
        for (int c = 0; c < cells.Length; c++)
        {
            PaperCell cell = cells[c];
            Extracted mine = Extract(ours, cell);
            if (mine.Missing is not null)
            {
                yield return Missing(cell, mine.Missing) with { Seeds = seeds.Length, DistinctResamples = DistinctResamplesOf(seeds.Length) };
                continue;
            }

            double low = double.NaN;
            double high = double.NaN;
            if (samples[c].Count > 0 && !double.IsNaN(mine.Value))
            {
                double[] sorted = [.. samples[c].Order()];
                low = Math.Min(SortedArrayStatistics.QuantileCustom(sorted, tail, QuantileDefinition.R7), mine.Value);
                high = Math.Max(SortedArrayStatistics.QuantileCustom(sorted, 1 - tail, QuantileDefinition.R7), mine.Value);
            }

            double[] bySeed = [.. perSeed.Select(v => v[c]).Where(v => !double.IsNaN(v))];
            (FindingVerdict verdict, string reason) = Judge(cell, mine.Value, low, high, alpha);
            if (verdict == FindingVerdict.Inconclusive && mine.Undefined is not null)
            {
                reason = $"ours is undefined ({mine.Undefined})";
            }

            yield return new PaperFinding(cell, mine.Value, mine.Points, mine.FirstLevel, mine.LastLevel, seeds.Length, DistinctResamplesOf(seeds.Length),
                low, high, bySeed.Length == 0 ? double.NaN : bySeed.Min(), bySeed.Length == 0 ? double.NaN : bySeed.Max(),
                PaperStrength(cell), OursStrength(cell, mine.Value), verdict, reason);
        }
    }

    /// <summary>
    /// The rows of one resample: per design point the runs of the drawn seeds (a seed drawn twice gives its run twice,
    /// renumbered so that the analyzer sees distinct seeds); a point with none of them keeps all its runs.
    /// </summary>
    private static List<StudyRow> Resample(List<List<StudyRow>> points, IReadOnlyList<ulong> drawn)
    {
        var result = new List<StudyRow>();
        foreach (List<StudyRow> point in points)
        {
            List<StudyRow> chosen = [.. drawn.SelectMany(s => point.Where(r => r.Seed == s))];
            if (chosen.Count == 0)
            {
                chosen = point;
            }

            for (int i = 0; i < chosen.Count; i++)
            {
                result.Add(chosen[i] with { Seed = (ulong)i });
            }
        }

        return result;
    }

    private readonly record struct Extracted(double Value, int Points, double? FirstLevel, double? LastLevel, string? Missing, string? Undefined);

    /// <summary>The table's number for a paper cell, or why it has none.</summary>
    private static Extracted Extract(ArchitectureTable table, PaperCell cell)
    {
        if (cell.Statistic is PaperStatistic.MultipleCorrelation || table.MultiFactor is not null)
        {
            MultiFactorCell? m = table.MultiFactor?.FirstOrDefault(x => x.Measure == cell.Measure);
            if (m is null)
            {
                return new Extracted(double.NaN, 0, null, null, "the study table has no regression", null);
            }

            double value = cell.Statistic == PaperStatistic.PValue ? m.Fit.PValue : m.Fit.R;
            return new Extracted(value, m.Fit.N, null, null, null, Undefined(m.Fit.Status));
        }

        IReadOnlyList<SingleFactorCell>? cells = table.SingleFactor;
        double? first = null;
        double? last = null;
        int points = 0;
        if (cell.Segment is not null)
        {
            SegmentTable? segment = table.Segments?.FirstOrDefault(s => s.Name == cell.Segment);
            if (segment is null)
            {
                return new Extracted(double.NaN, 0, null, null, table.Segments is null
                    ? "the study table has no segments"
                    : $"no segment {cell.Segment}: the MNIST-A peak is the last level", null);
            }

            cells = segment.Cells;
            (first, last, points) = (segment.FirstLevel, segment.LastLevel, segment.Count);
        }

        SingleFactorCell? s = cells?.FirstOrDefault(x => x.Measure == cell.Measure);
        if (s is null)
        {
            return new Extracted(double.NaN, 0, null, null, "the study table has no correlation", null);
        }

        double v = cell.Statistic switch
        {
            PaperStatistic.Correlation => s.Spearman.Coefficient,
            PaperStatistic.PValue => s.Spearman.PValue,
            PaperStatistic.Mean => s.Mean,
            _ => s.Variance,
        };
        return new Extracted(v, cell.Segment is null ? s.Count : points, first, last, null, Undefined(s.Spearman.Status));
    }

    private static string? Undefined(CorrelationStatus status) => status switch
    {
        CorrelationStatus.Ok => null,
        CorrelationStatus.TooFewSamples => "too few points",
        CorrelationStatus.ConstantInput => "a constant series",
        _ => "rank-deficient factors",
    };

    private static PaperFinding Missing(PaperCell cell, string why)
    {
        (FindingVerdict verdict, string reason) = Judge(cell, double.NaN, double.NaN, double.NaN, CorrelationStrengths.DefaultAlpha);
        return new PaperFinding(cell, double.NaN, 0, null, null, 0, 0, double.NaN, double.NaN, double.NaN, double.NaN,
            PaperStrength(cell), OursStrength(cell, double.NaN), verdict, verdict == FindingVerdict.Inconclusive ? why : reason);
    }

    /// <summary>A stable stream number for an architecture's name (FNV-1a), so that its interval does not depend on the others.</summary>
    private static ulong Stream(string architecture)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char ch in architecture)
        {
            hash = (hash ^ ch) * 1099511628211UL;
        }

        return hash;
    }

    private static string G3(double value) => value.ToString("G3", CultureInfo.InvariantCulture);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
