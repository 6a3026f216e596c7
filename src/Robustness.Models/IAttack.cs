using Robustness.Data;
using Robustness.Perturbations;

namespace Robustness.Models;

/// <summary>
/// A white-box attack on one model, called as torchattacks' <c>atk(images, labels)</c> is: the <see cref="ImageSet"/>
/// carries the labels, and the result holds the attacked images with one outcome per image.
/// </summary>
/// <remarks>
/// <para>The library's attacks: <see cref="FgsmPerturbation"/> (<c>fgsm</c>) and <see cref="PgdPerturbation"/> (<c>pgd</c>)
/// place every image at exactly the l2 level (status <see cref="PerturbationStatus.Reached"/>, within the search's 1e-4),
/// or report why not; <see cref="MinimalL2Attack"/> (<c>minimal</c>) is a budget attack: each image becomes the nearest
/// adversarial found within the level, or stays clean (status <see cref="PerturbationStatus.WithinLevel"/>), so the
/// model's accuracy on the result is its robust accuracy at that level (docs/attacks.md).</para>
/// <para>Wrap a TorchSharp module of your own with <see cref="ImageClassifier.FromModule"/> to attack it; write an attack
/// of your own against <see cref="ModelGradients"/> and return <see cref="PerturbationResult.Create"/>.</para>
/// </remarks>
public interface IAttack
{
    /// <summary>The name in reports and file names (<c>fgsm</c>, <c>pgd</c>, <c>minimal</c>).</summary>
    string Name { get; }

    /// <summary>The attacked model (not owned by the attack).</summary>
    ImageClassifier Model { get; }

    /// <summary>The attack's settings.</summary>
    AttackOptions Options { get; }

    /// <summary>Attacks every image of a set at one l2 level.</summary>
    /// <param name="images">The clean images with their true labels; their shape must match the model's.</param>
    /// <param name="level">The l2 level, finite and &gt;= 0.</param>
    /// <param name="progress">Optional progress (images finished).</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The attacked images and one outcome per source image.</returns>
    PerturbationResult Attack(ImageSet images, double level, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Attacks every image of a set at several l2 levels (one result per level, in order); work shared between levels is done once.</summary>
    /// <param name="images">The clean images with their true labels.</param>
    /// <param name="levels">The l2 levels, each finite and &gt;= 0.</param>
    /// <param name="progress">Optional progress (images finished, all levels).</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>One result per level.</returns>
    IReadOnlyList<PerturbationResult> Attack(ImageSet images, IReadOnlyList<double> levels, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default);
}
