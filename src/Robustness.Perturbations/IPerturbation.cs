using Robustness.Data;

namespace Robustness.Perturbations;

/// <summary>
/// A perturbation: for each image a direction delta (drawn, like Gaussian noise, or computed, like
/// FGSM's sign of the gradient; labels are available in the set) and a size t, giving
/// x' = clip(x + t * delta, 0, 1). The level form solves t so that ||x' - x||_2 equals the level
/// (after clipping); the raw-size form applies a given t (the classic sigma / eps).
/// </summary>
public interface IPerturbation
{
    /// <summary>A short name for reports and file names ("gaussian", "fgsm").</summary>
    string Name { get; }

    /// <summary>Perturbs every image of a set to one l2 level.</summary>
    /// <param name="images">The clean images (with labels).</param>
    /// <param name="level">The l2 level, finite and &gt;= 0.</param>
    /// <param name="progress">Optional progress (images finished).</param>
    /// <param name="cancellationToken">Cancels the batch.</param>
    /// <returns>The reached images and one outcome per source image.</returns>
    PerturbationResult PerturbToLevel(ImageSet images, double level, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Perturbs every image of a set to several l2 levels (one result per level, in order).</summary>
    /// <param name="images">The clean images (with labels).</param>
    /// <param name="levels">The l2 levels, each finite and &gt;= 0.</param>
    /// <param name="progress">Optional progress (images finished, all levels).</param>
    /// <param name="cancellationToken">Cancels the batch.</param>
    /// <returns>One result per level.</returns>
    IReadOnlyList<PerturbationResult> PerturbToLevels(ImageSet images, IReadOnlyList<double> levels, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>The raw-size form: x' = clip(x + size * delta), reporting each achieved distance.</summary>
    /// <param name="images">The clean images (with labels).</param>
    /// <param name="size">The size (sigma, eps), finite and &gt;= 0.</param>
    /// <param name="progress">Optional progress (images finished).</param>
    /// <param name="cancellationToken">Cancels the batch.</param>
    /// <returns>Every image (status <see cref="PerturbationStatus.Applied"/>) with its distance.</returns>
    PerturbationResult PerturbWithSize(ImageSet images, double size, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default);
}
