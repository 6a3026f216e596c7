using Robustness.Evaluation.Designs;

namespace Robustness.Evaluation.Results;

/// <summary>
/// One finished design run of a study: a model of one architecture trained with one seed on the
/// training set of one design point, and its scores. The result store holds one row per
/// <see cref="Key"/>; the analysis reads rows back.
/// </summary>
/// <param name="Key">The run's key, <c>study/architecture/point-id/s{seed}</c> (<see cref="DesignRun.Key"/>).</param>
/// <param name="Study">The study's name (e.g. <c>rq2</c> or a user's name for a scaled run).</param>
/// <param name="Question">The research question.</param>
/// <param name="Architecture">The architecture's name (<c>lenet5</c>, <c>alexnet8</c>, ...).</param>
/// <param name="PointId">The design point's stable id (e.g. <c>rq2-f4</c>).</param>
/// <param name="PointIndex">The design point's position in its design.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Repetition">The repetition number (0 for the first seed).</param>
/// <param name="GaussianLevel">The training set's Gaussian l2 level (0 = none).</param>
/// <param name="FgsmLevel">The training set's FGSM l2 level (0 = none).</param>
/// <param name="ClassImbalance">The class-imbalance degree asked for, or null when the set was kept as it is.</param>
/// <param name="LabelDisturbance">The label-disturbance rate asked for (0 = none).</param>
/// <param name="ReachedClassImbalance">The training set's class-imbalance degree as built.</param>
/// <param name="ReachedLabelDisturbance">The training set's label-disturbance rate as built.</param>
/// <param name="TrainingImages">Images in the training set.</param>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="StopReason">Why training stopped (converged or the epoch cap).</param>
/// <param name="FinalLoss">The last epoch's mean training loss.</param>
/// <param name="TrainingAccuracy">Accuracy on the training set (model fitting).</param>
/// <param name="CleanAccuracy">Accuracy on the clean test suite (MNIST-Test).</param>
/// <param name="BenchmarkLevels">The l2 levels of the Gaussian and FGSM test suites.</param>
/// <param name="GaussianAccuracies">Accuracy on the Gaussian suite (MNIST-C) per level, in <paramref name="BenchmarkLevels"/> order.</param>
/// <param name="FgsmAccuracies">Accuracy on the FGSM suite (MNIST-A) per level, in <paramref name="BenchmarkLevels"/> order.</param>
/// <param name="GaussianMeanAccuracy">Mean of <paramref name="GaussianAccuracies"/> (the paper's MNIST-C accuracy).</param>
/// <param name="FgsmMeanAccuracy">Mean of <paramref name="FgsmAccuracies"/> (the paper's MNIST-A accuracy).</param>
/// <param name="TrainingSeconds">Wall time of the training.</param>
/// <param name="TotalSeconds">Wall time of the whole run (set building, training, scoring).</param>
/// <param name="CompletedUtc">When the run finished.</param>
/// <param name="TrainingReportJson">The full training report (per-epoch history) as JSON.</param>
public sealed record StudyRow(
    string Key,
    string Study,
    ResearchQuestion Question,
    string Architecture,
    string PointId,
    int PointIndex,
    ulong Seed,
    int Repetition,
    double GaussianLevel,
    double FgsmLevel,
    double? ClassImbalance,
    double LabelDisturbance,
    double ReachedClassImbalance,
    double ReachedLabelDisturbance,
    int TrainingImages,
    int Epochs,
    string StopReason,
    double FinalLoss,
    double TrainingAccuracy,
    double CleanAccuracy,
    IReadOnlyList<double> BenchmarkLevels,
    IReadOnlyList<double> GaussianAccuracies,
    IReadOnlyList<double> FgsmAccuracies,
    double GaussianMeanAccuracy,
    double FgsmMeanAccuracy,
    double TrainingSeconds,
    double TotalSeconds,
    DateTimeOffset CompletedUtc,
    string TrainingReportJson)
{
    /// <summary>
    /// The attack columns the study evaluated with (<c>study run --attacks</c>), in the order asked for; empty when
    /// none were asked for. When any are, the paper's MNIST-A column is listed too (as <c>fgsm-transfer</c>, or
    /// <c>fgsm</c> when MNIST-A was white-box), so that the gradient-masking check can compare attack modes.
    /// </summary>
    public IReadOnlyList<AttackScore> Attacks { get; init; } = [];

    /// <summary>The score of one attack column, or null when the row has none.</summary>
    /// <param name="key">The column key (<see cref="AttackScore.Key"/>), e.g. <c>pgd</c> or <c>fgsm-transfer</c>.</param>
    /// <returns>The score.</returns>
    public AttackScore? Attack(string key) => Attacks.FirstOrDefault(a => string.Equals(a.Key, key, StringComparison.Ordinal));

    /// <summary>The number of classes of the training set (10 for MNIST, Fashion-MNIST and the synthetic digits); stores before schema 3 read 10.</summary>
    public int ClassCount { get; init; } = 10;

    /// <summary>
    /// A training accuracy below this is "near chance": <see cref="NearChanceFactor"/> times the chance level 1 / <see cref="ClassCount"/>
    /// (0.15 for ten classes).
    /// </summary>
    public double NearChanceThreshold => NearChanceFactor / ClassCount;

    /// <summary>
    /// True when the model never fitted its own training set: <see cref="TrainingAccuracy"/> below <see cref="NearChanceThreshold"/>.
    /// Such a run (a diverged or stuck training) says nothing about robustness; <c>study run</c>, <c>study analyze</c> and the
    /// report flag it.
    /// </summary>
    public bool NearChance => TrainingAccuracy < NearChanceThreshold;

    /// <summary>How many times the chance level a training accuracy must reach not to be <see cref="NearChance"/>.</summary>
    public const double NearChanceFactor = 1.5;

    /// <summary>A row from the parts of a finished run (what <see cref="Runner.StudyRunner"/> stores).</summary>
    /// <param name="run">The design run.</param>
    /// <param name="set">What the training set reached (class imbalance, label disturbance).</param>
    /// <param name="trainingImages">Images in the training set.</param>
    /// <param name="classCount">Classes of the training set.</param>
    /// <param name="training">The training report.</param>
    /// <param name="trainingReportJson">The training report as JSON.</param>
    /// <param name="clean">The clean suite's score (MNIST-Test).</param>
    /// <param name="gaussian">The Gaussian suite's score (MNIST-C).</param>
    /// <param name="fgsm">The FGSM suite's score (MNIST-A).</param>
    /// <param name="attacks">The attack columns' scores.</param>
    /// <param name="totalSeconds">The run's wall time.</param>
    /// <param name="completedUtc">When it finished.</param>
    /// <returns>The row.</returns>
    internal static StudyRow FromParts(DesignRun run, Training.TrainingSetReport set, int trainingImages, int classCount, Robustness.Models.TrainingReport training,
        string trainingReportJson, Benchmarks.BenchmarkResult clean, Benchmarks.BenchmarkResult gaussian, Benchmarks.BenchmarkResult fgsm,
        IReadOnlyList<AttackScore> attacks, double totalSeconds, DateTimeOffset completedUtc)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(gaussian);
        ArgumentNullException.ThrowIfNull(fgsm);
        ArgumentNullException.ThrowIfNull(attacks);
        var p = run.Point;
        return new StudyRow(
            run.Key, run.Study, p.Question, run.Architecture, p.Id, p.Index, run.Seed, run.Repetition,
            p.GaussianLevel, p.FgsmLevel, p.ClassImbalance, p.LabelDisturbance, set.ClassImbalance, set.LabelDisturbance, trainingImages,
            training.Epochs, training.StopReason.ToString(), training.FinalLoss, training.TrainingAccuracy, clean.Accuracy,
            [.. gaussian.Levels.Select(l => l.Level)], [.. gaussian.Levels.Select(l => l.Accuracy)], [.. fgsm.Levels.Select(l => l.Accuracy)],
            gaussian.MeanAccuracy, fgsm.MeanAccuracy, training.Duration.TotalSeconds, totalSeconds, completedUtc, trainingReportJson)
        {
            Attacks = attacks,
            ClassCount = classCount,
        };
    }
}
