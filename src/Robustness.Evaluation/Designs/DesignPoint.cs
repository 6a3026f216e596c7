using System.Globalization;

namespace Robustness.Evaluation.Designs;

/// <summary>
/// One point of a study design: the perturbations that make one training set out of the clean set.
/// A training set is: the clean set, cut to <see cref="ClassImbalance"/> (when set), relabelled to
/// <see cref="LabelDisturbance"/> (when positive), plus <see cref="GaussianImagesPerClass"/> images
/// per class with Gaussian noise at l2 <see cref="GaussianLevel"/> and <see cref="FgsmImagesPerClass"/>
/// FGSM images per class at l2 <see cref="FgsmLevel"/>.
/// </summary>
/// <param name="Id">
/// A stable key built from the question and the factor values only (e.g. <c>rq1-g0.5</c>, <c>rq3-clean</c>,
/// <c>rq5-g2-f4</c>, <c>rq6-g2-f4-ci0.3-ld0.05</c>): adding or removing other levels never changes it.
/// Used as the result-store key of the point (with the study, architecture and seed).
/// </param>
/// <param name="Question">The research question.</param>
/// <param name="Index">The point's position in its design, from 0.</param>
/// <param name="GaussianLevel">The l2 level of the added Gaussian images; 0 = none (see <see cref="ZeroLevel"/>).</param>
/// <param name="GaussianImagesPerClass">How many Gaussian images each class gets.</param>
/// <param name="FgsmLevel">The l2 level of the added FGSM images; 0 = none (see <see cref="ZeroLevel"/>).</param>
/// <param name="FgsmImagesPerClass">How many FGSM images each class gets.</param>
/// <param name="ClassImbalance">The class-imbalance degree CI to cut the set to, or null to keep the set's own class sizes.</param>
/// <param name="LabelDisturbance">The share LD of wrong labels, in [0, 0.9]; 0 = none.</param>
/// <param name="ZeroLevel">What a component at level 0 adds.</param>
public sealed record DesignPoint(
    string Id,
    ResearchQuestion Question,
    int Index,
    double GaussianLevel,
    int GaussianImagesPerClass,
    double FgsmLevel,
    int FgsmImagesPerClass,
    double? ClassImbalance,
    double LabelDisturbance,
    ZeroLevelPolicy ZeroLevel = ZeroLevelPolicy.AddNothing)
{
    /// <summary>True when the point adds Gaussian images (a positive level, or clean copies at level 0 by policy).</summary>
    public bool AddsGaussianImages => GaussianImagesPerClass > 0 && (GaussianLevel > 0 || ZeroLevel == ZeroLevelPolicy.AddCleanCopies);

    /// <summary>True when the point adds FGSM images (a positive level, or clean copies at level 0 by policy).</summary>
    public bool AddsFgsmImages => FgsmImagesPerClass > 0 && (FgsmLevel > 0 || ZeroLevel == ZeroLevelPolicy.AddCleanCopies);

    /// <summary>True when an FGSM perturbation (a model) is needed: FGSM images at a positive level.</summary>
    public bool NeedsFgsm => FgsmImagesPerClass > 0 && FgsmLevel > 0;

    /// <summary>True when the point's training set is the clean set itself.</summary>
    public bool IsClean => !AddsGaussianImages && !AddsFgsmImages && ClassImbalance is null && LabelDisturbance == 0;

    /// <summary>A one-line summary.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Id}: gaussian {GaussianLevel} x {GaussianImagesPerClass}/class, fgsm {FgsmLevel} x {FgsmImagesPerClass}/class, CI {(ClassImbalance is { } ci ? ci.ToString(CultureInfo.InvariantCulture) : "as is")}, LD {LabelDisturbance}");

    /// <summary>The shortest round-trip text of a factor value (0.3 as "0.3", 12 as "12").</summary>
    internal static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>One training run of a design: an architecture trained on a design point's set with one seed.</summary>
/// <param name="Study">The design's name.</param>
/// <param name="Architecture">The architecture name (e.g. "lenet5").</param>
/// <param name="Point">The design point.</param>
/// <param name="Seed">The seed of this repetition (training-set picks, model initialisation and batch order).</param>
/// <param name="Repetition">The repetition number, from 0 (the seed's position in <see cref="StudyDesign.Seeds"/>).</param>
public sealed record DesignRun(string Study, string Architecture, DesignPoint Point, ulong Seed, int Repetition)
{
    /// <summary>The run's stable key: <c>study/architecture/point-id/s{seed}</c>.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Study}/{Architecture}/{Point.Id}/s{Seed}");
}
