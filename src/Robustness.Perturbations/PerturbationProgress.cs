namespace Robustness.Perturbations;

/// <summary>Progress of a batch: images finished (all their levels) out of the total.</summary>
/// <param name="Completed">Images finished.</param>
/// <param name="Total">Images in the batch.</param>
public readonly record struct PerturbationProgress(int Completed, int Total);
