namespace Robustness.Perturbations;

/// <summary>What happened to one image of a perturbation.</summary>
public enum PerturbationStatus
{
    /// <summary>The perturbed image sits within the solver's tolerance of the target l2 level (after clipping).</summary>
    Reached = 0,

    /// <summary>A raw size was applied as given (raw-size form); the achieved distance is reported, not targeted.</summary>
    Applied = 1,

    /// <summary>
    /// The target level is larger than the image can reach along its direction(s): even the fully
    /// saturated image (every moving pixel clipped at 0 or 1) is closer. No image is produced.
    /// </summary>
    Unreachable = 2,

    /// <summary>The direction is zero everywhere (nothing can move) and the level is positive. No image is produced.</summary>
    ZeroDirection = 3,

    /// <summary>
    /// The level is reachable but no float32 image within the tolerance was found (not observed in
    /// practice; reported instead of emitting an image off its level). No image is produced.
    /// </summary>
    ToleranceNotMet = 4,

    /// <summary>
    /// A budget attack (minimal-l2) produced this image at or below the level, not at it: the nearest adversarial it
    /// found when that lies within the level (the clean image itself when it is already misclassified), otherwise the
    /// clean image (distance 0). <see cref="PerturbationOutcome.Distance"/> is its distance. The image is produced.
    /// </summary>
    WithinLevel = 5,
}
