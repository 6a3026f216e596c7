using System.Globalization;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;

namespace Robustness.Evaluation.Tests.Analysis;

/// <summary>Builds study rows with chosen factor values and accuracies for the analysis tests.</summary>
internal static class AnalysisRows
{
    public static StudyRow Row(
        string study,
        ResearchQuestion question,
        string architecture,
        string pointId,
        int pointIndex,
        ulong seed,
        double training,
        double clean,
        double gaussianMean,
        double fgsmMean,
        double gaussianLevel = 0,
        double fgsmLevel = 0,
        double? classImbalance = null,
        double labelDisturbance = 0,
        double reachedClassImbalance = 0)
    {
        string key = string.Create(CultureInfo.InvariantCulture, $"{study}/{architecture}/{pointId}/s{seed}");
        return new StudyRow
        {
            Key = key,
            Study = study,
            Question = question,
            Architecture = architecture,
            PointId = pointId,
            PointIndex = pointIndex,
            Seed = seed,
            Repetition = 0,
            GaussianLevel = gaussianLevel,
            FgsmLevel = fgsmLevel,
            ClassImbalance = classImbalance,
            LabelDisturbance = labelDisturbance,
            ReachedClassImbalance = classImbalance ?? reachedClassImbalance,
            ReachedLabelDisturbance = labelDisturbance,
            TrainingImages = 1000,
            Epochs = 3,
            StopReason = "MaxEpochs",
            FinalLoss = 0.1,
            TrainingAccuracy = training,
            CleanAccuracy = clean,
            BenchmarkLevels = [1.0, 2.0],
            GaussianAccuracies = [gaussianMean, gaussianMean],
            FgsmAccuracies = [fgsmMean, fgsmMean],
            GaussianMeanAccuracy = gaussianMean,
            FgsmMeanAccuracy = fgsmMean,
            TrainingSeconds = 1,
            TotalSeconds = 2,
            CompletedUtc = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            TrainingReportJson = "{}",
        };
    }

    /// <summary>
    /// RQ1 rows of one architecture: levels 0..12 step 2 (same data as reference/make_reference.py), one seed,
    /// given in shuffled order so the analyzer must sort by level.
    /// </summary>
    public static List<StudyRow> Rq1(string architecture = "lenet5", string study = "rq1")
    {
        double[] levels = [0, 2, 4, 6, 8, 10, 12];
        double[] training = [0.995, 0.994, 0.992, 0.990, 0.991, 0.987, 0.985];
        double[] clean = [0.987, 0.986, 0.988, 0.985, 0.984, 0.983, 0.984];
        var rows = new List<StudyRow>();
        foreach (int i in new[] { 3, 0, 6, 1, 5, 2, 4 })
        {
            string id = i == 0 ? "rq1-clean" : string.Create(CultureInfo.InvariantCulture, $"rq1-g{levels[i]}");
            rows.Add(Row(study, ResearchQuestion.Rq1, architecture, id, i, 7, training[i], clean[i], Rq1MnistC[i], Rq1MnistA[i], gaussianLevel: levels[i]));
        }

        return rows;
    }

    public static readonly double[] Rq1Levels = [0, 2, 4, 6, 8, 10, 12];

    public static readonly double[] Rq1MnistC = [0.60, 0.72, 0.80, 0.85, 0.88, 0.90, 0.91];

    public static readonly double[] Rq1MnistA = [0.30, 0.31, 0.29, 0.32, 0.33, 0.31, 0.34];
}
