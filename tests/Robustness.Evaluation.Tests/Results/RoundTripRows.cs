using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;

namespace Robustness.Evaluation.Tests.Results;

/// <summary>
/// The row the store tests write and read back: every field set, with values a store can lose (a long seed, a null
/// class imbalance, 0.1 + 0.2, 1/3, a 17-digit loss, milliseconds, a training report with quotes, a comma and a newline).
/// </summary>
internal static class RoundTripRows
{
    public static StudyRow Row(string study, string point, int index, ulong seed, double? ci = null, double fgsm = 0.5) => new()
    {
        Key = $"{study}/lenet5/{point}/s{seed}",
        Study = study,
        Question = ResearchQuestion.Rq2,
        Architecture = "lenet5",
        PointId = point,
        PointIndex = index,
        Seed = seed,
        Repetition = 0,
        GaussianLevel = 0,
        FgsmLevel = 2.5,
        ClassImbalance = ci,
        LabelDisturbance = 0.1,
        ReachedClassImbalance = 0.25,
        ReachedLabelDisturbance = 0.0999,
        TrainingImages = 1234,
        Epochs = 5,
        StopReason = "MaxEpochs",
        FinalLoss = 0.123456789012345,
        TrainingAccuracy = 0.98765,
        CleanAccuracy = 0.9,
        BenchmarkLevels = [0.5, 1, 1.5],
        GaussianAccuracies = [0.9, 0.8, 0.1 + 0.2],
        FgsmAccuracies = [fgsm, 0.25, 1.0 / 3],
        GaussianMeanAccuracy = 0.6,
        FgsmMeanAccuracy = 0.4,
        TrainingSeconds = 12.5,
        TotalSeconds = 15.25,
        CompletedUtc = new DateTimeOffset(2026, 11, 28, 12, 0, 0, 123, TimeSpan.Zero),
        TrainingReportJson = "{\"epochs\":5,\"text\":\"a, \\\"quoted\\\"\\nline\"}",
    };
}
