using System.Globalization;
using Robustness.Data;
using Robustness.Perturbations;

namespace Robustness.Models;

/// <summary>Settings of <see cref="FgsmPerturbation"/> (batch size 500 unless set).</summary>
public sealed record FgsmOptions : AttackOptions
{
    /// <summary>Creates the default settings.</summary>
    public FgsmOptions()
        : base(500)
    {
    }

    /// <summary>Threads of the l2-level search (managed, after the gradients); -1 (default) for all cores.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Composition.OptionChecks.Parallelism(MaxDegreeOfParallelism, nameof(MaxDegreeOfParallelism));
    }
}

/// <summary>
/// FGSM directions of a set: delta_i = sign(grad_x J(theta, x_i, y_i)) per image, with J the
/// cross-entropy of the model's scores against the true label. Values are -1, 0 or +1.
/// </summary>
public sealed class FgsmDirections
{
    private readonly float[] _values;
    private readonly int[] _zero;

    internal FgsmDirections(string setName, float[] values, int count, int pixelsPerImage, int[] zeroGradient)
    {
        SetName = setName;
        _values = values;
        Count = count;
        PixelsPerImage = pixelsPerImage;
        _zero = zeroGradient;
    }

    /// <summary>The set the directions were computed for.</summary>
    public string SetName { get; }

    /// <summary>Images.</summary>
    public int Count { get; }

    /// <summary>Pixels per image.</summary>
    public int PixelsPerImage { get; }

    /// <summary>All directions, image after image (Count x PixelsPerImage).</summary>
    public ReadOnlyMemory<float> Values => _values;

    /// <summary>
    /// Indices of the images whose loss gradient is zero at every pixel (e.g. a saturated softmax):
    /// FGSM cannot move them; the level search reports them as <see cref="PerturbationStatus.ZeroDirection"/>.
    /// </summary>
    public IReadOnlyList<int> ZeroGradientIndices => _zero;

    /// <summary>The direction of one image.</summary>
    /// <param name="index">The image index.</param>
    /// <returns>Its direction.</returns>
    public ReadOnlySpan<float> Get(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _values.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }
}

/// <summary>
/// The fast gradient sign method as an <see cref="IAttack"/> and an <see cref="IPerturbation"/> (training sets take it): delta = sign(grad_x J(theta, x, y))
/// computed in batches by <see cref="ModelGradients"/> on the model's device (evaluation mode, restored
/// afterwards; gradients for the input only, no graph kept), then x' = clip(x + t * delta, 0, 1) with t placed by the exact l2-level search of the
/// Perturbations assembly, or the raw eps in <see cref="PerturbWithSize"/>. Not thread-safe (it drives one model).
/// </summary>
public sealed class FgsmPerturbation : IAttack, IPerturbation
{
    private readonly ImageClassifier _model;
    private readonly FgsmOptions _options;

    /// <summary>Creates FGSM against a model.</summary>
    /// <param name="model">The attacked model (not disposed by this class).</param>
    /// <param name="options">Batch size and search threads; defaults when null.</param>
    /// <param name="solver">The l2-level search; <see cref="ExactL2LevelSearch.Default"/> when null.</param>
    public FgsmPerturbation(ImageClassifier model, FgsmOptions? options = null, IL2LevelSolver? solver = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _options = options ?? new FgsmOptions();
        _options.Validate();
        Solver = solver ?? ExactL2LevelSearch.Default;
        Gradients = new ModelGradients(model, _options.BatchSize);
    }

    /// <summary>The gradient surface the directions come from.</summary>
    public ModelGradients Gradients { get; }

    /// <inheritdoc />
    public string Name => "fgsm";

    /// <summary>The search that places each image at its level.</summary>
    public IL2LevelSolver Solver { get; }

    /// <summary>The attacked model.</summary>
    public ImageClassifier Model => _model;

    /// <summary>The settings.</summary>
    public FgsmOptions Options => _options;

    AttackOptions IAttack.Options => _options;

    /// <summary>Every image at exactly the l2 level along its FGSM direction (as <see cref="PerturbToLevel(ImageSet, double, IProgress{PerturbationProgress}?, CancellationToken)"/>).</summary>
    /// <param name="images">The clean images with their true labels.</param>
    /// <param name="level">The l2 level, finite and &gt;= 0.</param>
    /// <param name="progress">Optional progress.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The reached images and one outcome per source image.</returns>
    public PerturbationResult Attack(ImageSet images, double level, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        PerturbToLevel(images, level, progress, cancellationToken);

    /// <summary>Every image at each l2 level, with the gradients computed once (as <see cref="PerturbToLevels"/>).</summary>
    /// <param name="images">The clean images with their true labels.</param>
    /// <param name="levels">The l2 levels.</param>
    /// <param name="progress">Optional progress.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>One result per level.</returns>
    public IReadOnlyList<PerturbationResult> Attack(ImageSet images, IReadOnlyList<double> levels, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        PerturbToLevels(images, levels, progress, cancellationToken);

    /// <summary>Computes the FGSM direction of every image (see <see cref="FgsmDirections"/>).</summary>
    /// <param name="images">The images with their true labels.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The directions.</returns>
    public FgsmDirections ComputeDirections(ImageSet images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        _model.InputShape.CheckSet(images, nameof(images));
        int ppi = images.PixelsPerImage;
        var values = GC.AllocateUninitializedArray<float>(images.Count * ppi);
        // The gradient of each image's own cross-entropy (summed over the batch, so no 1/n underflow),
        // from the public gradient surface; its sign is the direction. The model's mode is restored.
        Gradients.CrossEntropyGradient(images, values, cancellationToken);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Sign(values[i]);
        }

        var zero = new List<int>();
        for (int i = 0; i < images.Count; i++)
        {
            if (!values.AsSpan(i * ppi, ppi).ContainsAnyExcept(0f))
            {
                zero.Add(i);
            }
        }

        return new FgsmDirections(images.Name, values, images.Count, ppi, [.. zero]);
    }

    /// <inheritdoc />
    public PerturbationResult PerturbToLevel(ImageSet images, double level, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        PerturbToLevel(images, ComputeDirections(images, cancellationToken), level, progress, cancellationToken);

    /// <summary>Places every image at an l2 level along directions computed earlier (saves the gradients when several levels are wanted).</summary>
    /// <param name="images">The images the directions were computed for.</param>
    /// <param name="directions">Their FGSM directions.</param>
    /// <param name="level">The l2 level, finite and &gt;= 0.</param>
    /// <param name="progress">Optional progress of the search.</param>
    /// <param name="cancellationToken">Cancels the batch.</param>
    /// <returns>The reached images and one outcome per source image.</returns>
    public PerturbationResult PerturbToLevel(ImageSet images, FgsmDirections directions, double level, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        CheckDirections(images, directions);
        return DirectionalPerturbation.ToLevel(images, directions.Values, level, Solver, Name, _options.MaxDegreeOfParallelism, progress, cancellationToken);
    }

    /// <inheritdoc />
    public IReadOnlyList<PerturbationResult> PerturbToLevels(ImageSet images, IReadOnlyList<double> levels, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(levels);
        var directions = ComputeDirections(images, cancellationToken);
        var results = new PerturbationResult[levels.Count];
        int total = images.Count * levels.Count;
        for (int l = 0; l < levels.Count; l++)
        {
            int done = l * images.Count;
            var perLevel = progress is null ? null : new OffsetProgress(progress, done, total);
            results[l] = PerturbToLevel(images, directions, levels[l], perLevel, cancellationToken);
        }

        return results;
    }

    /// <inheritdoc />
    public PerturbationResult PerturbWithSize(ImageSet images, double size, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var directions = ComputeDirections(images, cancellationToken);
        return DirectionalPerturbation.WithSize(images, directions.Values, size, Name, _options.MaxDegreeOfParallelism, progress, cancellationToken);
    }

    private static void CheckDirections(ImageSet images, FgsmDirections directions)
    {
        ArgumentNullException.ThrowIfNull(directions);
        if (directions.Count != images.Count || directions.PixelsPerImage != images.PixelsPerImage)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The directions of '{directions.SetName}' cover {directions.Count} images of {directions.PixelsPerImage} pixels; set '{images.Name}' has {images.Count} of {images.PixelsPerImage}."), nameof(directions));
        }
    }
}
