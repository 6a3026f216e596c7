using Robustness.Evaluation.Designs;

namespace Robustness.Evaluation.Results;

/// <summary>
/// One finished design run of a study: a model of one architecture trained with one seed on the
/// training set of one design point, and its scores. The result store holds one row per
/// <see cref="Key"/>; the analysis reads rows back. Built by name (every property but the attack columns and the
/// class count is required), so a row cannot be built with two values swapped (docs/architecture.md, "Result rows").
/// </summary>
public sealed record StudyRow
{
    // The run: which study, question, architecture, design point and seed.

    /// <summary>The run's key, <c>study/architecture/point-id/s{seed}</c> (<see cref="DesignRun.Key"/>).</summary>
    public required string Key { get; init; }

    /// <summary>The study's name (e.g. <c>rq2</c> or a user's name for a scaled run).</summary>
    public required string Study { get; init; }

    /// <summary>The research question.</summary>
    public required ResearchQuestion Question { get; init; }

    /// <summary>The architecture's name (<c>lenet5</c>, <c>alexnet8</c>, ...).</summary>
    public required string Architecture { get; init; }

    /// <summary>The design point's stable id (e.g. <c>rq2-f4</c>).</summary>
    public required string PointId { get; init; }

    /// <summary>The design point's position in its design.</summary>
    public required int PointIndex { get; init; }

    /// <summary>The run's seed.</summary>
    public required ulong Seed { get; init; }

    /// <summary>The repetition number (0 for the first seed).</summary>
    public required int Repetition { get; init; }

    // Its training set: the factor levels asked for and reached.

    /// <summary>The training set's Gaussian l2 level (0 = none).</summary>
    public required double GaussianLevel { get; init; }

    /// <summary>The training set's FGSM l2 level (0 = none).</summary>
    public required double FgsmLevel { get; init; }

    /// <summary>The class-imbalance degree asked for, or null when the set was kept as it is.</summary>
    public required double? ClassImbalance { get; init; }

    /// <summary>The label-disturbance rate asked for (0 = none).</summary>
    public required double LabelDisturbance { get; init; }

    /// <summary>The training set's class-imbalance degree as built.</summary>
    public required double ReachedClassImbalance { get; init; }

    /// <summary>The training set's label-disturbance rate as built.</summary>
    public required double ReachedLabelDisturbance { get; init; }

    /// <summary>Images in the training set.</summary>
    public required int TrainingImages { get; init; }

    // The fit.

    /// <summary>Epochs trained.</summary>
    public required int Epochs { get; init; }

    /// <summary>Why training stopped (converged or the epoch cap).</summary>
    public required string StopReason { get; init; }

    /// <summary>The last epoch's mean training loss.</summary>
    public required double FinalLoss { get; init; }

    /// <summary>Accuracy on the training set (model fitting).</summary>
    public required double TrainingAccuracy { get; init; }

    // The scores: MNIST-Test, and MNIST-C and MNIST-A per level.

    /// <summary>Accuracy on the clean test suite (MNIST-Test).</summary>
    public required double CleanAccuracy { get; init; }

    /// <summary>The l2 levels of the Gaussian and FGSM test suites.</summary>
    public required IReadOnlyList<double> BenchmarkLevels { get; init; }

    /// <summary>Accuracy on the Gaussian suite (MNIST-C) per level, in <see cref="BenchmarkLevels"/> order.</summary>
    public required IReadOnlyList<double> GaussianAccuracies { get; init; }

    /// <summary>Accuracy on the FGSM suite (MNIST-A) per level, in <see cref="BenchmarkLevels"/> order.</summary>
    public required IReadOnlyList<double> FgsmAccuracies { get; init; }

    /// <summary>Mean of <see cref="GaussianAccuracies"/> (the paper's MNIST-C accuracy).</summary>
    public required double GaussianMeanAccuracy { get; init; }

    /// <summary>Mean of <see cref="FgsmAccuracies"/> (the paper's MNIST-A accuracy).</summary>
    public required double FgsmMeanAccuracy { get; init; }

    // Times and the training report.

    /// <summary>Wall time of the training.</summary>
    public required double TrainingSeconds { get; init; }

    /// <summary>Wall time of the whole run (set building, training, scoring).</summary>
    public required double TotalSeconds { get; init; }

    /// <summary>When the run finished.</summary>
    public required DateTimeOffset CompletedUtc { get; init; }

    /// <summary>The full training report (per-epoch history) as JSON.</summary>
    public required string TrainingReportJson { get; init; }
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
        return new StudyRow
        {
            Key = run.Key,
            Study = run.Study,
            Question = p.Question,
            Architecture = run.Architecture,
            PointId = p.Id,
            PointIndex = p.Index,
            Seed = run.Seed,
            Repetition = run.Repetition,
            GaussianLevel = p.GaussianLevel,
            FgsmLevel = p.FgsmLevel,
            ClassImbalance = p.ClassImbalance,
            LabelDisturbance = p.LabelDisturbance,
            ReachedClassImbalance = set.ClassImbalance,
            ReachedLabelDisturbance = set.LabelDisturbance,
            TrainingImages = trainingImages,
            Epochs = training.Epochs,
            StopReason = training.StopReason.ToString(),
            FinalLoss = training.FinalLoss,
            TrainingAccuracy = training.TrainingAccuracy,
            CleanAccuracy = clean.Accuracy,
            BenchmarkLevels = [.. gaussian.Levels.Select(l => l.Level)],
            GaussianAccuracies = [.. gaussian.Levels.Select(l => l.Accuracy)],
            FgsmAccuracies = [.. fgsm.Levels.Select(l => l.Accuracy)],
            GaussianMeanAccuracy = gaussian.MeanAccuracy,
            FgsmMeanAccuracy = fgsm.MeanAccuracy,
            TrainingSeconds = training.Duration.TotalSeconds,
            TotalSeconds = totalSeconds,
            CompletedUtc = completedUtc,
            TrainingReportJson = trainingReportJson,
            Attacks = attacks,
            ClassCount = classCount,
        };
    }
}
