using MathNet.Numerics.Statistics;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Results;
using Robustness.Randomness;
using Robustness.Statistics;

namespace Robustness.Evaluation.Paper;

/// <summary>The verdict of one paper cell beside ours (the rules of docs/findings.md, "Verdicts"): what replicates, what agrees in direction only, what does not.</summary>
public static partial class PaperFindings
{
    /// <summary>The verdict's text: <c>replicated</c>, <c>direction only</c>, <c>not replicated</c>, <c>inconclusive</c> or <c>paper value impossible</c>.</summary>
    /// <param name="verdict">The verdict.</param>
    /// <returns>The text.</returns>
    public static string VerdictName(FindingVerdict verdict) => verdict switch
    {
        FindingVerdict.Replicated => "replicated",
        FindingVerdict.DirectionOnly => "direction only",
        FindingVerdict.NotReplicated => "not replicated",
        FindingVerdict.Inconclusive => "inconclusive",
        FindingVerdict.PaperValueImpossible => "paper value impossible",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "unknown verdict."),
    };

    /// <summary>
    /// The verdict of one cell (docs/findings.md): impossible paper values first, then a missing or NaN number of ours, then
    /// the statistic's rule. <paramref name="low"/> and <paramref name="high"/> are the interval (NaN when there is none).
    /// </summary>
    internal static (FindingVerdict Verdict, string Reason) Judge(PaperCell cell, double ours, double low, double high, double alpha)
    {
        double paper = cell.Value;
        if (!cell.IsValid || !PaperTables.IsPossible(cell.Statistic, paper))
        {
            return (FindingVerdict.PaperValueImpossible, $"paper value impossible: {cell.StatisticName} = {cell.Text}");
        }

        if (double.IsNaN(ours))
        {
            return (FindingVerdict.Inconclusive, "ours is undefined");
        }

        bool covers = low <= paper && paper <= high;
        string interval = double.IsNaN(low) ? "no interval (1 seed)" : Inv($"interval [{G3(low)}, {G3(high)}] {(covers ? "covers" : "misses")} {cell.Text}");
        switch (cell.Statistic)
        {
            case PaperStatistic.Correlation:
            {
                bool sameSign = Math.Sign(ours) == Math.Sign(paper);
                CorrelationStrength p = CorrelationStrengths.Classify(paper);
                CorrelationStrength o = CorrelationStrengths.Classify(ours);
                string why = $"{(sameSign ? "same sign" : "opposite sign")}; {Labels(p, o)}; {interval}";
                return ((sameSign && p == o) || covers ? FindingVerdict.Replicated : sameSign ? FindingVerdict.DirectionOnly : FindingVerdict.NotReplicated, why);
            }

            case PaperStatistic.MultipleCorrelation:
            {
                CorrelationStrength p = CorrelationStrengths.Classify(paper);
                CorrelationStrength o = CorrelationStrengths.Classify(ours);
                return (p == o || covers ? FindingVerdict.Replicated : FindingVerdict.NotReplicated, $"{Labels(p, o)}; {interval}");
            }

            case PaperStatistic.PValue:
            {
                bool paperSignificant = CorrelationStrengths.IsSignificant(paper, alpha);
                bool oursSignificant = CorrelationStrengths.IsSignificant(ours, alpha);
                string why = Inv($"paper {Significance(paperSignificant)}, ours {Significance(oursSignificant)} at alpha {alpha}");
                return (paperSignificant == oursSignificant ? FindingVerdict.Replicated : FindingVerdict.NotReplicated, why);
            }

            case PaperStatistic.Mean:
            {
                double distance = Math.Abs(ours - paper);
                bool close = distance <= MeanTolerance;
                return (close || covers ? FindingVerdict.Replicated : FindingVerdict.NotReplicated,
                    Inv($"|ours - paper| = {G3(distance)} {(close ? "<=" : ">")} {MeanTolerance}; {interval}"));
            }

            default:
            {
                double ratio = ours / paper;
                bool close = ratio >= 1 / VarianceFactor && ratio <= VarianceFactor;
                return (close || covers ? FindingVerdict.Replicated : FindingVerdict.NotReplicated,
                    Inv($"ours / paper = {G3(ratio)} ({(close ? "within" : "beyond")} a factor of {VarianceFactor}); {interval}"));
            }
        }
    }

    private static bool IsCorrelation(PaperCell cell) => cell.Statistic is PaperStatistic.Correlation or PaperStatistic.MultipleCorrelation;

    private static CorrelationStrength? PaperStrength(PaperCell cell) => IsCorrelation(cell) ? CorrelationStrengths.Classify(cell.Value) : null;

    private static CorrelationStrength? OursStrength(PaperCell cell, double ours) => IsCorrelation(cell) ? CorrelationStrengths.Classify(ours) : null;

    private static string Labels(CorrelationStrength paper, CorrelationStrength ours) => paper == ours
        ? $"same label ({StudyTableWriter.StrengthName(paper)})"
        : $"labels {StudyTableWriter.StrengthName(paper)} vs {StudyTableWriter.StrengthName(ours)}";

    private static string Significance(bool significant) => significant ? "significant" : "not significant";
}
