namespace Robustness.Perturbations;

/// <summary>How a batch's target was given.</summary>
public enum PerturbationTargetKind
{
    /// <summary>An l2 level: every emitted image sits at that distance (within the solver's tolerance).</summary>
    Level = 0,

    /// <summary>A raw size (sigma, eps): x' = clip(x + size * delta); the achieved distance is reported.</summary>
    Size = 1,
}
