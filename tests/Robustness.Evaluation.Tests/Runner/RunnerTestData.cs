using Robustness.Evaluation.Results;

namespace Robustness.Evaluation.Tests.Runner;

internal static class RunnerTestData
{
    /// <summary>The row's outcome without timings and timestamps (and the training report, which holds durations), attack columns included.</summary>
    public static string Outcome(StudyRow r) => FormattableString.Invariant(
        $"{r.Key}|{r.Study}|{r.Question}|{r.Architecture}|{r.PointId}|{r.PointIndex}|{r.Seed}|{r.Repetition}|{r.GaussianLevel:R}|{r.FgsmLevel:R}|{r.ClassImbalance:R}|{r.LabelDisturbance:R}|{r.ReachedClassImbalance:R}|{r.ReachedLabelDisturbance:R}|{r.TrainingImages}|{r.Epochs}|{r.StopReason}|{r.FinalLoss:R}|{r.TrainingAccuracy:R}|{r.CleanAccuracy:R}|{string.Join(';', r.BenchmarkLevels)}|{string.Join(';', r.GaussianAccuracies.Select(a => a.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}|{string.Join(';', r.FgsmAccuracies.Select(a => a.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}|{r.GaussianMeanAccuracy:R}|{r.FgsmMeanAccuracy:R}|{string.Join(';', r.Attacks.Select(Attack))}");

    private static string Attack(AttackScore a) => FormattableString.Invariant(
        $"{a.Key}:{string.Join(',', a.Accuracies.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}:{a.MeanAccuracy:R}:{a.MedianMinimalDistance:R}");

    /// <summary>Hidden temporary files or folders (<c>.name.GUID.tmp</c>) anywhere under a folder.</summary>
    public static IReadOnlyList<string> Temporaries(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Where(p => Path.GetFileName(p).EndsWith(".tmp", StringComparison.Ordinal))];
}
