using System.Globalization;
using Robustness.Data;

namespace Robustness.Perturbations;

/// <summary>
/// Batch perturbation along directions computed elsewhere (FGSM's sign of the gradient, from the
/// Models assembly): the same parallel loop, search and result as <see cref="GaussianNoisePerturbation"/>,
/// with one given direction per image instead of drawn noise (no redraws: an unreachable image is reported).
/// </summary>
public static class DirectionalPerturbation
{
    /// <summary>Places every image at an l2 level along its direction.</summary>
    /// <param name="images">The clean images.</param>
    /// <param name="directions">Count x PixelsPerImage finite values, image after image (e.g. sign(grad)).</param>
    /// <param name="level">The l2 level, finite and &gt;= 0.</param>
    /// <param name="solver">The search (<see cref="ExactL2LevelSearch.Default"/> unless comparing).</param>
    /// <param name="perturbationName">Names the output set ("fgsm").</param>
    /// <param name="maxDegreeOfParallelism">Threads, -1 for all cores.</param>
    /// <param name="progress">Optional progress.</param>
    /// <param name="cancellationToken">Cancels the batch.</param>
    /// <returns>The reached images and one outcome per source image.</returns>
    public static PerturbationResult ToLevel(ImageSet images, ReadOnlyMemory<float> directions, double level, IL2LevelSolver solver, string perturbationName,
        int maxDegreeOfParallelism = -1, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(solver);
        ArgumentException.ThrowIfNullOrWhiteSpace(perturbationName);
        ExactL2LevelSearch.CheckLevel(level);
        CheckDirections(images, directions);
        BatchExecution.CheckParallelism(maxDegreeOfParallelism);
        int ppi = images.PixelsPerImage;
        var output = GC.AllocateUninitializedArray<float>(images.Count * ppi);
        var outcomes = new PerturbationOutcome[images.Count];
        BatchExecution.ForEachImage(images.Count, ppi, maxDegreeOfParallelism, (i, workspace) =>
            outcomes[i] = solver.Solve(images.GetImage(i), directions.Span.Slice(i * ppi, ppi), level, output.AsSpan(i * ppi, ppi), workspace),
            progress, cancellationToken);
        string name = BatchExecution.SetName(images, perturbationName, PerturbationTargetKind.Level, level);
        return BatchExecution.Assemble(images, name, output, outcomes, PerturbationTargetKind.Level, level, solver.Name);
    }

    /// <summary>The raw-size form: x' = clip(x + size * direction) for every image, with its achieved distance.</summary>
    /// <param name="images">The clean images.</param>
    /// <param name="directions">Count x PixelsPerImage finite values, image after image.</param>
    /// <param name="size">The size (eps), finite and &gt;= 0.</param>
    /// <param name="perturbationName">Names the output set ("fgsm").</param>
    /// <param name="maxDegreeOfParallelism">Threads, -1 for all cores.</param>
    /// <param name="progress">Optional progress.</param>
    /// <param name="cancellationToken">Cancels the batch.</param>
    /// <returns>Every image (status <see cref="PerturbationStatus.Applied"/>).</returns>
    public static PerturbationResult WithSize(ImageSet images, ReadOnlyMemory<float> directions, double size, string perturbationName,
        int maxDegreeOfParallelism = -1, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentException.ThrowIfNullOrWhiteSpace(perturbationName);
        BatchExecution.CheckSize(size);
        CheckDirections(images, directions);
        BatchExecution.CheckParallelism(maxDegreeOfParallelism);
        int ppi = images.PixelsPerImage;
        var output = GC.AllocateUninitializedArray<float>(images.Count * ppi);
        var outcomes = new PerturbationOutcome[images.Count];
        BatchExecution.ForEachImage(images.Count, ppi, maxDegreeOfParallelism, (i, _) =>
        {
            double distance = ExactL2LevelSearch.ApplySize(images.GetImage(i), directions.Span.Slice(i * ppi, ppi), size, output.AsSpan(i * ppi, ppi));
            outcomes[i] = new PerturbationOutcome(PerturbationStatus.Applied, (float)size, distance, 1);
        }, progress, cancellationToken);
        string name = BatchExecution.SetName(images, perturbationName, PerturbationTargetKind.Size, size);
        return BatchExecution.Assemble(images, name, output, outcomes, PerturbationTargetKind.Size, size, "raw");
    }

    private static void CheckDirections(ImageSet images, ReadOnlyMemory<float> directions)
    {
        long expected = (long)images.Count * images.PixelsPerImage;
        if (directions.Length != expected)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Set '{images.Name}' needs {expected:N0} direction values ({images.Count:N0} images of {images.PixelsPerImage} pixels); {directions.Length:N0} were given."), nameof(directions));
        }
    }
}
