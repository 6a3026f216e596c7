using Robustness.Data;
using Robustness.Evaluation.Designs;
using Robustness.Perturbations;

namespace Robustness.Evaluation.Training;

/// <summary>Builds the training set of a design point from the clean training set (see docs/evaluation.md, "Training sets").</summary>
internal interface ITrainingSetFactory
{
    /// <summary>Builds the training set of <paramref name="point"/>.</summary>
    /// <param name="clean">The clean training set (its labels are the truth).</param>
    /// <param name="point">The design point.</param>
    /// <param name="seed">The seed of every choice (picks, imbalance sampling, label errors).</param>
    /// <param name="gaussian">The Gaussian-noise perturbation (its own options seed the noise).</param>
    /// <param name="fgsm">The FGSM perturbation against the clean model; needed only when the point adds FGSM images at a positive level.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>The set, its true labels and the report.</returns>
    TrainingSetResult Build(ImageSet clean, DesignPoint point, ulong seed, IPerturbation gaussian, IPerturbation? fgsm, CancellationToken cancellationToken = default);
}
