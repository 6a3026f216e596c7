using System.Globalization;
using Robustness.Data;

namespace Robustness.Perturbations;

/// <summary>
/// A perturbed batch: a new <see cref="ImageSet"/> holding ONLY the images that were produced
/// (status <see cref="PerturbationStatus.Reached"/>, <see cref="PerturbationStatus.Applied"/> or
/// <see cref="PerturbationStatus.WithinLevel"/>), in source order, plus one <see cref="PerturbationOutcome"/> per SOURCE image. An unreachable image is
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

    /// <summary>
    /// Builds a result from per-image pixels and outcomes, for perturbations and attacks written outside this assembly
    /// (<see cref="IPerturbation"/> implementations): the images whose outcome has an image
    /// (<see cref="PerturbationOutcome.HasImage"/>) are kept in source order, the others are listed as failed.
    /// </summary>
    /// <param name="source">The clean images the outcomes are for (labels, size and name come from it).</param>
    /// <param name="pixels">Count x PixelsPerImage pixels, image after image; read only where an outcome has an image, copied.</param>
    /// <param name="outcomes">One outcome per source image.</param>
    /// <param name="kind">Whether <paramref name="target"/> is a level or a raw size.</param>
    /// <param name="target">The level or size, finite and &gt;= 0.</param>
    /// <param name="perturbationName">Names the output set: <c>{source}-{name}-l2-{target}</c> or <c>-size-</c>.</param>
    /// <param name="solverName">What placed the images ("exact", "raw", "minimal", ...).</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">A length does not match the set, a kept pixel is outside [0, 1] or not finite, or an outcome's status does not fit <paramref name="kind"/>.</exception>
    public static PerturbationResult Create(ImageSet source, ReadOnlySpan<float> pixels, IReadOnlyList<PerturbationOutcome> outcomes, PerturbationTargetKind kind,
        double target, string perturbationName, string solverName)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentException.ThrowIfNullOrWhiteSpace(perturbationName);
        ArgumentException.ThrowIfNullOrWhiteSpace(solverName);
        if (kind == PerturbationTargetKind.Level)
        {
            ExactL2LevelSearch.CheckLevel(target);
        }
        else
        {
            BatchExecution.CheckSize(target);
        }

        int ppi = source.PixelsPerImage;
        if (pixels.Length != (long)source.Count * ppi || outcomes.Count != source.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Set '{source.Name}' has {source.Count:N0} images of {ppi} pixels; {pixels.Length:N0} pixels and {outcomes.Count:N0} outcomes were given."), nameof(pixels));
        }

        var copy = GC.AllocateUninitializedArray<float>(pixels.Length);
        var kept = new PerturbationOutcome[outcomes.Count];
        for (int i = 0; i < kept.Length; i++)
        {
            var o = outcomes[i];
            bool fits = kind == PerturbationTargetKind.Level ? o.Status != PerturbationStatus.Applied : o.Status is PerturbationStatus.Applied;
            if (!fits)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Outcome {i} has status {o.Status}, which a {kind.ToString().ToLowerInvariant()} target cannot have."), nameof(outcomes));
            }

            kept[i] = o;
            if (o.HasImage)
            {
                var image = pixels.Slice(i * ppi, ppi);
                if (image.ContainsAnyExceptInRange(0f, 1f)) // NaN sorts below 0, so it is outside too
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Image {i} has a pixel outside [0, 1] (or not a number); produced pixels must lie in [0, 1]."), nameof(pixels));
                }

                image.CopyTo(copy.AsSpan(i * ppi, ppi));
            }
        }

        string name = BatchExecution.SetName(source, perturbationName, kind, target);
        return BatchExecution.Assemble(source, name, copy, kept, kind, target, solverName);
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

    /// <summary>
    /// The largest |distance - level| over the images placed at the level (status <see cref="PerturbationStatus.Reached"/>);
    /// 0 for the size form, an empty result, or images a budget attack left within the level.
    /// </summary>
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
                if (o.Status == PerturbationStatus.Reached)
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
