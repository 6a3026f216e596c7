using Robustness.Data;

namespace Robustness.Evaluation.Training;

/// <summary>
/// What one perturbation component added to a training set: copies of seeded per-class picks of the
/// base set, perturbed to one l2 level, appended as one block.
/// </summary>
/// <param name="Kind">The component's role: "gaussian" or "fgsm".</param>
/// <param name="Generator">The perturbation that made the images (its <c>Name</c>), or "copy" for unperturbed copies at level 0.</param>
/// <param name="Level">The l2 level (0 = unperturbed copies, by <c>ZeroLevelPolicy.AddCleanCopies</c>).</param>
/// <param name="RequestedPerClass">Images asked for per class.</param>
/// <param name="AddedPerClass">Images actually added per TRUE class (index = class).</param>
/// <param name="Offset">Index of the block's first image in the training set.</param>
/// <param name="SourceIndices">
/// For each added image (in block order, ascending), the index of the image it was copied from in the
/// training set (the base part, positions 0..BaseCount-1, is the base set unchanged).
/// </param>
/// <param name="FailedAttempts">Picks that could not be perturbed to the level (unreachable, zero direction), each replaced when the class had images left.</param>
/// <param name="Replacements">Added images that were not among the first picks (they replace failed picks).</param>
/// <param name="MaxAbsoluteError">The largest |distance - level| over the added images.</param>
internal sealed record AddedImages(
    string Kind,
    string Generator,
    double Level,
    int RequestedPerClass,
    IReadOnlyList<int> AddedPerClass,
    int Offset,
    IReadOnlyList<int> SourceIndices,
    int FailedAttempts,
    int Replacements,
    double MaxAbsoluteError)
{
    /// <summary>Images added in all.</summary>
    public int Count => SourceIndices.Count;

    /// <summary>Per class, how many images short of the request the block is (0 everywhere unless a class ran out of reachable images).</summary>
    public IReadOnlyList<int> ShortfallPerClass => [.. AddedPerClass.Select(a => RequestedPerClass - a)];

    /// <summary>Images short of the request in all; 0 when every class got its images.</summary>
    public int Shortfall => (RequestedPerClass * AddedPerClass.Count) - Count;
}

/// <summary>What a training-set build did, with the realised factor values (for the result store and the analysis).</summary>
/// <param name="PointId">The design point's id.</param>
/// <param name="Seed">The seed of the build.</param>
/// <param name="SetName">The training set's name.</param>
/// <param name="CleanCount">Images in the clean input set.</param>
/// <param name="BaseCount">Images after class-imbalance sampling (and relabelling, which keeps the count): the training set's first part.</param>
/// <param name="RequestedClassImbalance">The CI asked for, or null (class sizes kept).</param>
/// <param name="BaseClassImbalance">The CI of the base part by true class: the realised imbalance factor.</param>
/// <param name="ClassImbalance">The CI of the whole training set by its labels (added images and wrong labels included).</param>
/// <param name="RequestedLabelDisturbance">The LD asked for.</param>
/// <param name="RelabelledCount">Base images carrying a wrong label.</param>
/// <param name="LabelDisturbance">The share of wrong labels in the whole training set (added copies inherit their source's label).</param>
/// <param name="Components">The added blocks, in set order (Gaussian first, then FGSM); empty when nothing was added.</param>
/// <param name="ClassCounts">Images per label in the training set.</param>
/// <param name="TrueClassCounts">Images per true class in the training set.</param>
/// <param name="Count">Images in the training set.</param>
/// <param name="MaxAbsoluteError">The largest |distance - level| over all added images (0 when none).</param>
internal sealed record TrainingSetReport(
    string PointId,
    ulong Seed,
    string SetName,
    int CleanCount,
    int BaseCount,
    double? RequestedClassImbalance,
    double BaseClassImbalance,
    double ClassImbalance,
    double RequestedLabelDisturbance,
    int RelabelledCount,
    double LabelDisturbance,
    IReadOnlyList<AddedImages> Components,
    IReadOnlyList<int> ClassCounts,
    IReadOnlyList<int> TrueClassCounts,
    int Count,
    double MaxAbsoluteError)
{
    /// <summary>Images short of the request over all components; 0 when every requested image was added.</summary>
    public int Shortfall => Components.Sum(c => c.Shortfall);

    /// <summary>Picks that failed (and were replaced where possible) over all components.</summary>
    public int FailedAttempts => Components.Sum(c => c.FailedAttempts);
}

/// <summary>A built training set.</summary>
/// <param name="Images">The training set: the base set (clean, or cut and relabelled), then the added blocks.</param>
/// <param name="TrueLabels">The true label of every image (the clean set's labels; an added copy's true label is its source's).</param>
/// <param name="Report">What was done.</param>
internal sealed record TrainingSetResult(ImageSet Images, IReadOnlyList<int> TrueLabels, TrainingSetReport Report);
