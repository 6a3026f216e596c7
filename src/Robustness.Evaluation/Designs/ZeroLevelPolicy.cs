namespace Robustness.Evaluation.Designs;

/// <summary>What an image-perturbation component (Gaussian or FGSM added images) at level 0 contributes to a training set.</summary>
public enum ZeroLevelPolicy
{
    /// <summary>
    /// Nothing (the default): level 0 means "this perturbation is absent", so RQ1/RQ2 level 0 is the
    /// clean set itself (method.md) and an RQ5 point (0, 4) holds the clean set plus the FGSM images only.
    /// </summary>
    AddNothing = 0,

    /// <summary>
    /// Unperturbed copies of the component's picks, so every set of a design has the same size
    /// (RQ5: always clean + k/2 + k/2 per class). Copies are duplicates, i.e. oversampling, not a perturbation.
    /// </summary>
    AddCleanCopies = 1,
}
