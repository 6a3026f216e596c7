using Robustness.Data;
using Robustness.Models;

namespace Robustness.Evaluation.Benchmarks;

/// <summary>
/// A robustness benchmark suite: a name and kind (clean, Gaussian, FGSM), its l2 levels and the
/// perturbed test images of each level; <see cref="Score"/> measures a model's accuracy on it.
/// </summary>
public interface IRobustnessBenchmark
{
    /// <summary>The suite's name (e.g. <c>mnist/test-gaussian</c>).</summary>
    string Name { get; }

    /// <summary>The kind of suite.</summary>
    BenchmarkKind Kind { get; }

    /// <summary>The l2 levels, strictly increasing; the clean suite has the single level 0.</summary>
    IReadOnlyList<double> Levels { get; }

    /// <summary>
    /// True when the images are generated against the scored model at scoring time (white-box FGSM);
    /// <see cref="LevelSets"/> is then empty and each <see cref="Score"/> result carries its own counts.
    /// </summary>
    bool IsWhiteBox { get; }

    /// <summary>The fixed perturbed images, one set per level in <see cref="Levels"/> order (empty for a white-box suite).</summary>
    IReadOnlyList<BenchmarkLevelSet> LevelSets { get; }

    /// <summary>Scores a model: accuracy overall, per level and per class of each level.</summary>
    /// <param name="model">The model; its input shape must match the images.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The result.</returns>
    BenchmarkResult Score(ImageClassifier model, CancellationToken cancellationToken = default);
}

/// <summary>
/// The images of one level of a suite: only the images that were produced (an unreachable image is
/// excluded and counted, never faked), with their source labels, in source order.
/// </summary>
public sealed class BenchmarkLevelSet
{
    private readonly int[] _failed;

    /// <summary>Creates a level set.</summary>
    /// <param name="level">The l2 level.</param>
    /// <param name="images">The produced images with their labels.</param>
    /// <param name="sourceCount">Images in the clean test set the level was made from.</param>
    /// <param name="failedSourceIndices">Source indices of the images not produced (unreachable, zero direction, tolerance not met), ascending.</param>
    /// <param name="maxAbsoluteError">The largest |distance - level| over the produced images (0 for the clean level).</param>
    /// <param name="excludedByStatus">Excluded images by perturbation status name; empty when none or unknown.</param>
    public BenchmarkLevelSet(double level, ImageSet images, int sourceCount, IReadOnlyList<int> failedSourceIndices, double maxAbsoluteError, IReadOnlyDictionary<string, int>? excludedByStatus = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(failedSourceIndices);
        _failed = [.. failedSourceIndices];
        if (images.Count + _failed.Length != sourceCount)
        {
            throw new ArgumentException(FormattableString.Invariant(
                $"Level {level}: {images.Count} produced and {_failed.Length} failed images do not add up to the {sourceCount} source images."), nameof(failedSourceIndices));
        }

        Level = level;
        Images = images;
        SourceCount = sourceCount;
        MaxAbsoluteError = maxAbsoluteError;
        ExcludedByStatus = excludedByStatus is null ? new SortedDictionary<string, int>(StringComparer.Ordinal) : new SortedDictionary<string, int>(excludedByStatus.ToDictionary(), StringComparer.Ordinal);
    }

    /// <summary>The l2 level.</summary>
    public double Level { get; }

    /// <summary>The produced images with their labels, in source order.</summary>
    public ImageSet Images { get; }

    /// <summary>Images in the clean test set.</summary>
    public int SourceCount { get; }

    /// <summary>Source indices of the excluded images, ascending.</summary>
    public IReadOnlyList<int> FailedSourceIndices => _failed;

    /// <summary>How many source images were excluded (not reachable at this level).</summary>
    public int ExcludedCount => _failed.Length;

    /// <summary>The largest |distance - level| over the produced images.</summary>
    public double MaxAbsoluteError { get; }

    /// <summary>Excluded images by perturbation status name (<c>Unreachable</c>, <c>ZeroDirection</c>, <c>ToleranceNotMet</c>).</summary>
    public IReadOnlyDictionary<string, int> ExcludedByStatus { get; }

    /// <summary>For each produced image, its index in the clean test set (all indices except the failed ones, ascending).</summary>
    /// <returns>The source indices.</returns>
    public int[] GetSourceIndices()
    {
        var indices = new int[Images.Count];
        int f = 0, k = 0;
        for (int i = 0; i < SourceCount; i++)
        {
            if (f < _failed.Length && _failed[f] == i)
            {
                f++;
                continue;
            }

            indices[k++] = i;
        }

        return indices;
    }
}
