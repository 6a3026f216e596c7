using System.Numerics.Tensors;
using Robustness.Data;
using Robustness.Perturbations;
using Robustness.Randomness;

namespace Robustness.Models;

/// <summary>Settings of <see cref="PgdPerturbation"/> (defaults as torchattacks' and RobustBench's l2 evaluations).</summary>
public sealed record PgdOptions : AttackOptions
{
    /// <summary>Creates the default settings (batch size 500).</summary>
    public PgdOptions()
        : base(500)
    {
    }

    /// <summary>The default number of steps, 20.</summary>
    public const int DefaultSteps = 20;

    /// <summary>The default step scale, 2.5: the step is 2.5 * L / steps (Madry et al. 2018).</summary>
    public const double DefaultStepScale = 2.5;

    /// <summary>Gradient steps per image and level; default 20.</summary>
    public int Steps { get; init; } = DefaultSteps;

    /// <summary>The step size as a multiple of L / <see cref="Steps"/>: alpha = StepScale * L / Steps; default 2.5.</summary>
    public double StepScale { get; init; } = DefaultStepScale;

    /// <summary>Start each image at a seeded random point of the l2 ball of radius L (clipped to [0, 1]) instead of at the image; default false.</summary>
    public bool RandomStart { get; init; }

    /// <summary>The seed of the random start (ignored without <see cref="RandomStart"/>).</summary>
    public ulong Seed { get; init; }

    /// <summary>Threads of the final l2-level placement (managed); -1 (default) for all cores.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        ModelOptions.CheckPositive(Steps, nameof(Steps));
        if (!(double.IsFinite(StepScale) && StepScale > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(StepScale), StepScale, "StepScale must be a finite number above 0.");
        }

        Composition.OptionChecks.Parallelism(MaxDegreeOfParallelism, nameof(MaxDegreeOfParallelism));
    }
}

/// <summary>
/// Projected gradient descent in l2 (Madry et al. 2018) as an <see cref="IAttack"/> (and <see cref="IPerturbation"/>) named <c>pgd</c>,
/// white-box against one model: for a level L, each image takes <see cref="PgdOptions.Steps"/> steps of size
/// alpha = StepScale * L / Steps along its l2-normalised cross-entropy gradient, each step followed by the
/// projection onto the l2 ball of radius L around the image and onto [0, 1]. The final perturbation
/// delta = x_k - x is then handed to the exact l2-level search, which places clip(x + t * delta, 0, 1) at
/// distance L within its tolerance (1e-4): every PGD image of level L sits at L. An image whose final
/// perturbation cannot reach L (or is zero: a zero gradient at every step) is reported, never faked.
/// </summary>
/// <remarks>
/// Deterministic: on the CPU the gradients are (see <see cref="ModelGradients"/>), the managed steps run in
/// image order, and the random start of image i at level L draws from xoshiro256** keyed by
/// (seed, L, i). Not thread-safe (it drives one model); the model's train/eval mode is restored.
/// </remarks>
public sealed class PgdPerturbation : IAttack, IPerturbation
{
    private const ulong RandomStartStream = 0x70_67_64_72_73; // "pgdrs"

    private readonly PgdOptions _options;

    /// <summary>Creates PGD against a model.</summary>
    /// <param name="model">The attacked model (not disposed by this class).</param>
    /// <param name="options">Steps, step scale, random start, batch size; defaults when null.</param>
    /// <param name="solver">The l2-level search; <see cref="ExactL2LevelSearch.Default"/> when null.</param>
    public PgdPerturbation(ImageClassifier model, PgdOptions? options = null, IL2LevelSolver? solver = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _options = options ?? new PgdOptions();
        _options.Validate();
        Model = model;
        Solver = solver ?? ExactL2LevelSearch.Default;
        Gradients = new ModelGradients(model, _options.BatchSize);
    }

    /// <inheritdoc />
    public string Name => "pgd";

    /// <summary>The attacked model.</summary>
    public ImageClassifier Model { get; }

    /// <summary>The settings.</summary>
    public PgdOptions Options => _options;

    AttackOptions IAttack.Options => _options;

    /// <summary>Every image at exactly the l2 level along its PGD perturbation (as <see cref="PerturbToLevel"/>).</summary>
    /// <param name="images">The clean images with their true labels.</param>
    /// <param name="level">The l2 level, finite and &gt;= 0.</param>
    /// <param name="progress">Optional progress.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The reached images and one outcome per source image.</returns>
    public PerturbationResult Attack(ImageSet images, double level, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        PerturbToLevel(images, level, progress, cancellationToken);

    /// <summary>Every image at each l2 level, PGD run once per level (its ball is the level's; as <see cref="PerturbToLevels"/>).</summary>
    /// <param name="images">The clean images with their true labels.</param>
    /// <param name="levels">The l2 levels.</param>
    /// <param name="progress">Optional progress.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>One result per level.</returns>
    public IReadOnlyList<PerturbationResult> Attack(ImageSet images, IReadOnlyList<double> levels, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        PerturbToLevels(images, levels, progress, cancellationToken);

    /// <summary>The search that places each image at its level.</summary>
    public IL2LevelSolver Solver { get; }

    /// <summary>The gradient surface the steps use.</summary>
    public ModelGradients Gradients { get; }

    /// <summary>
    /// The PGD iterates themselves for one radius: x_k after <see cref="PgdOptions.Steps"/> steps, inside the
    /// l2 ball of radius <paramref name="radius"/> and [0, 1], before any placement at the level.
    /// </summary>
    /// <param name="images">The clean images with their true labels.</param>
    /// <param name="radius">The ball's radius L, finite and &gt;= 0.</param>
    /// <param name="cancellationToken">Cancels between batches and steps.</param>
    /// <returns>Count x PixelsPerImage pixels.</returns>
    public float[] Iterate(ImageSet images, double radius, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        Model.InputShape.CheckSet(images, nameof(images));
        if (!(radius >= 0 && double.IsFinite(radius)))
        {
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "The l2 radius must be finite and >= 0.");
        }

        int ppi = images.PixelsPerImage;
        var adversarial = GC.AllocateUninitializedArray<float>(images.Count * ppi);
        int batch = Math.Min(_options.BatchSize, Math.Max(images.Count, 1));
        var clean = GC.AllocateUninitializedArray<float>(batch * ppi);
        var gradient = GC.AllocateUninitializedArray<float>(batch * ppi);
        var scratch = GC.AllocateUninitializedArray<float>(ppi);
        float l = (float)radius;
        float alpha = (float)(_options.StepScale * radius / _options.Steps);
        for (int start = 0; start < images.Count; start += batch)
        {
            int n = Math.Min(batch, images.Count - start);
            var x = clean.AsSpan(0, n * ppi);
            var a = adversarial.AsSpan(start * ppi, n * ppi);
            for (int i = 0; i < n; i++)
            {
                images.GetImage(start + i).CopyTo(x.Slice(i * ppi, ppi));
            }

            x.CopyTo(a);
            if (radius == 0)
            {
                continue;
            }

            if (_options.RandomStart)
            {
                for (int i = 0; i < n; i++)
                {
                    RandomStart(x.Slice(i * ppi, ppi), a.Slice(i * ppi, ppi), radius, start + i);
                }
            }

            var labels = images.Labels.Slice(start, n);
            for (int step = 0; step < _options.Steps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Gradients.CrossEntropyGradient(a, labels, gradient.AsSpan(0, n * ppi), cancellationToken: cancellationToken);
                for (int i = 0; i < n; i++)
                {
                    Step(x.Slice(i * ppi, ppi), a.Slice(i * ppi, ppi), gradient.AsSpan(i * ppi, ppi), alpha, l, scratch);
                }
            }
        }

        return adversarial;
    }

    /// <summary>The final perturbations delta = x_k - x of every image for one radius (the directions the level search uses).</summary>
    /// <param name="images">The clean images with their true labels.</param>
    /// <param name="radius">The ball's radius L.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>Count x PixelsPerImage values.</returns>
    public float[] ComputeDirections(ImageSet images, double radius, CancellationToken cancellationToken = default)
    {
        var adversarial = Iterate(images, radius, cancellationToken);
        int ppi = images.PixelsPerImage;
        for (int i = 0; i < images.Count; i++)
        {
            var a = adversarial.AsSpan(i * ppi, ppi);
            TensorPrimitives.Subtract(a, images.GetImage(i), a);
        }

        return adversarial;
    }

    /// <inheritdoc />
    public PerturbationResult PerturbToLevel(ImageSet images, double level, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var directions = ComputeDirections(images, level, cancellationToken);
        return DirectionalPerturbation.ToLevel(images, directions, level, Solver, Name, _options.MaxDegreeOfParallelism, progress, cancellationToken);
    }

    /// <inheritdoc />
    public IReadOnlyList<PerturbationResult> PerturbToLevels(ImageSet images, IReadOnlyList<double> levels, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(levels);
        var results = new PerturbationResult[levels.Count];
        int total = images.Count * levels.Count;
        for (int l = 0; l < levels.Count; l++)
        {
            var perLevel = progress is null ? null : new OffsetProgress(progress, l * images.Count, total);
            results[l] = PerturbToLevel(images, levels[l], perLevel, cancellationToken);
        }

        return results;
    }

    /// <summary>The raw-size form: the PGD iterate for radius <paramref name="size"/> as it is (x' = clip(x + 1 * delta)), with each achieved distance.</summary>
    /// <param name="images">The clean images with their true labels.</param>
    /// <param name="size">The ball's radius eps, finite and &gt;= 0.</param>
    /// <param name="progress">Optional progress.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>Every image (status <see cref="PerturbationStatus.Applied"/>).</returns>
    public PerturbationResult PerturbWithSize(ImageSet images, double size, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var directions = ComputeDirections(images, size, cancellationToken);
        return DirectionalPerturbation.WithSize(images, directions, 1.0, Name, _options.MaxDegreeOfParallelism, progress, cancellationToken);
    }

    /// <summary>One step: a += alpha * g / ||g||, then the projection onto the ball ||a - x|| &lt;= L and onto [0, 1].</summary>
    private static void Step(ReadOnlySpan<float> x, Span<float> a, ReadOnlySpan<float> g, float alpha, float l, Span<float> delta)
    {
        float norm = TensorPrimitives.Norm(g);
        if (!(norm > 0) || !float.IsFinite(norm))
        {
            return; // a zero (or broken) gradient: this image does not move in this step
        }

        TensorPrimitives.MultiplyAdd(g, alpha / norm, a, a);
        Project(x, a, l, delta);
    }

    private static void Project(ReadOnlySpan<float> x, Span<float> a, float l, Span<float> delta)
    {
        TensorPrimitives.Subtract(a, x, delta);
        float d = TensorPrimitives.Norm(delta);
        if (d > l)
        {
            TensorPrimitives.Multiply(delta, l / d, delta);
        }

        TensorPrimitives.Add(x, delta, a);
        TensorPrimitives.Clamp(a, 0f, 1f, a);
    }

    private void RandomStart(ReadOnlySpan<float> x, Span<float> a, double radius, int index)
    {
        ulong key = Xoshiro256StarStar.Derive(Xoshiro256StarStar.Derive(_options.Seed ^ RandomStartStream, BitConverter.DoubleToUInt64Bits(radius)), (ulong)index);
        var random = new Xoshiro256StarStar(key);
        for (int p = 0; p < a.Length; p += 2)
        {
            // Box-Muller in double: a direction uniform on the sphere once normalised.
            double u = 1.0 - random.NextDouble();
            double v = random.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u));
            a[p] = (float)(r * Math.Cos(2 * Math.PI * v));
            if (p + 1 < a.Length)
            {
                a[p + 1] = (float)(r * Math.Sin(2 * Math.PI * v));
            }
        }

        float norm = TensorPrimitives.Norm(a);
        float scale = norm > 0 ? (float)(random.NextDouble() * radius) / norm : 0f;
        TensorPrimitives.Multiply(a, scale, a);
        TensorPrimitives.Add(x, a, a);
        TensorPrimitives.Clamp(a, 0f, 1f, a);
    }
}

/// <summary>Maps one level's progress into the progress over several levels.</summary>
internal sealed class OffsetProgress(IProgress<PerturbationProgress> inner, int offset, int total) : IProgress<PerturbationProgress>
{
    public void Report(PerturbationProgress value) => inner.Report(new PerturbationProgress(offset + value.Completed, total));
}
