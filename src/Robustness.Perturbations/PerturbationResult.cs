using System.Globalization;
using Robustness.Data;

namespace Robustness.Perturbations;

/// <summary>
/// A perturbed batch: a new <see cref="ImageSet"/> holding ONLY the images that were produced
/// (status <see cref="PerturbationStatus.Reached"/> or <see cref="PerturbationStatus.Applied"/>), in
/// source order, plus one <see cref="PerturbationOutcome"/> per SOURCE image. An unreachable image is
/// never included: it is listed in <see cref="FailedIndices"/> and its outcome says why.
/// </summary>
public sealed class PerturbationResult
{
    private readonly PerturbationOutcome[] _outcomes;
    private readonly int[] _sourceIndices;
    private readonly int[] _failed;

    internal PerturbationResult(ImageSet images, PerturbationOutcome[] outcomes, int[] sourceIndices, int[] failed, PerturbationTargetKind kind, double target, string solverName)
    {
        Images = images;
        _outcomes = outcomes;
        _sourceIndices = sourceIndices;
        _failed = failed;
        TargetKind = kind;
        Target = target;
        SolverName = solverName;
    }

    /// <summary>The produced images (float32 pixels in [0, 1]) with their source labels, in source order.</summary>
    public ImageSet Images { get; }

    /// <summary>One outcome per source image (index = position in the source set).</summary>
    public IReadOnlyList<PerturbationOutcome> Outcomes => _outcomes;

    /// <summary>For each image of <see cref="Images"/>, its index in the source set.</summary>
    public IReadOnlyList<int> SourceIndices => _sourceIndices;

    /// <summary>Source indices of the images NOT produced (unreachable, zero direction, tolerance not met), ascending.</summary>
    public IReadOnlyList<int> FailedIndices => _failed;

    /// <summary>Whether the target was a level or a raw size.</summary>
    public PerturbationTargetKind TargetKind { get; }

    /// <summary>The target: the l2 level, or the raw size.</summary>
    public double Target { get; }

    /// <summary>The solver that placed the images ("exact", "paper-grid", or "raw" for the size form).</summary>
    public string SolverName { get; }

    /// <summary>True when every source image was produced.</summary>
    public bool IsComplete => _failed.Length == 0;

    /// <summary>The largest |distance - level| over the produced images (0 for the size form or an empty result).</summary>
    public double MaxAbsoluteError
    {
        get
        {
            if (TargetKind != PerturbationTargetKind.Level)
            {
                return 0;
            }

            double max = 0;
            foreach (var o in _outcomes)
            {
                if (o.HasImage)
                {
                    max = Math.Max(max, Math.Abs(o.Distance - Target));
                }
            }

            return max;
        }
    }

    /// <summary>How many source images ended with <paramref name="status"/>.</summary>
    /// <param name="status">The status to count.</param>
    /// <returns>The count.</returns>
    public int Count(PerturbationStatus status) => _outcomes.Count(o => o.Status == status);

    /// <summary>A one-line summary.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Images.Name}: {TargetKind.ToString().ToLowerInvariant()} {Target:0.###}, {Images.Count:N0} of {_outcomes.Length:N0} images produced ({SolverName}), max |error| {MaxAbsoluteError:E2}");
}
