namespace Robustness.Perturbations;

/// <summary>The outcome for one image: its status, the size t used in x' = clip(x + t * delta) and the distance achieved.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Size">
/// The size t actually applied (sigma for Gaussian noise, eps for FGSM), as the float32 value used to
/// build the image; NaN when no image was produced.
/// </param>
/// <param name="Distance">
/// The measured l2 distance ||x' - x||_2 of the emitted float32 image, accumulated in double; for
/// <see cref="PerturbationStatus.Unreachable"/>, the largest distance the image can reach along the last
/// direction tried; NaN for <see cref="PerturbationStatus.ZeroDirection"/>.
/// </param>
/// <param name="Draws">How many directions were tried (Gaussian noise redraws an unreachable draw); 1 for a fixed direction.</param>
public readonly record struct PerturbationOutcome(PerturbationStatus Status, double Size, double Distance, int Draws)
{
    /// <summary>
    /// Whether an image was produced (<see cref="PerturbationStatus.Reached"/>, <see cref="PerturbationStatus.Applied"/> or
    /// <see cref="PerturbationStatus.WithinLevel"/>).
    /// </summary>
    public bool HasImage => Status is PerturbationStatus.Reached or PerturbationStatus.Applied or PerturbationStatus.WithinLevel;
}
