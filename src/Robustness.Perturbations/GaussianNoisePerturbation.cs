using Robustness.Data;

namespace Robustness.Perturbations;

/// <summary>
/// Gaussian noise placed at an exact l2 level: delta = z, z ~ N(0, 1) per pixel, and x' = clip(x + t z)
/// with t solved by an <see cref="IL2LevelSolver"/> (the exact search by default). The noise of image
/// i (its index in the input set) at level L, draw k, is a pure function of (seed, i, L, k): Philox4x32-10
/// through a deterministic Box-Muller (see docs/perturbations.md), so batches are byte-identical
/// whatever the thread count. A draw that cannot reach the level is redrawn up to
/// <see cref="PerturbationOptions.MaxDraws"/> times, then the image is reported unreachable.
/// </summary>
public sealed class GaussianNoisePerturbation : IPerturbation
{
    private readonly PerturbationOptions _options;

    /// <summary>Creates the perturbation with the exact search at the options' tolerance.</summary>
    /// <param name="options">Seed, draws, parallelism.</param>
    public GaussianNoisePerturbation(PerturbationOptions options)
        : this(options, new ExactL2LevelSearch((options ?? throw new ArgumentNullException(nameof(options))).Tolerance))
    {
    }

    /// <summary>Creates the perturbation with a given solver (e.g. <see cref="PaperGridSearch"/> to reproduce the paper).</summary>
    /// <param name="options">Seed, draws, parallelism.</param>
    /// <param name="solver">Places each noisy image at its level.</param>
    public GaussianNoisePerturbation(PerturbationOptions options, IL2LevelSolver solver)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(solver);
        options.Validate();
        _options = options with { };
        Solver = solver;
    }

    /// <inheritdoc />
    public string Name => "gaussian";

    /// <summary>The solver that places each image at its level.</summary>
    public IL2LevelSolver Solver { get; }

    /// <summary>The seed of the noise.</summary>
    public ulong Seed => _options.Seed;

    /// <summary>
    /// Writes the standard normal noise of one image for a level (or raw size) and draw: the
    /// direction this perturbation uses. Allocation-free with a workspace.
    /// </summary>
    /// <param name="imageIndex">The image's index in its set, &gt;= 0.</param>
    /// <param name="target">The level (level form) or size (size form); ignored when draws are shared across levels.</param>
    /// <param name="kind">Whether <paramref name="target"/> is a level or a size.</param>
    /// <param name="draw">The draw number, 0 for the first.</param>
    /// <param name="destination">Receives one N(0, 1) value per pixel.</param>
    /// <param name="workspace">Scratch memory sized for the image.</param>
    public void FillNoise(int imageIndex, double target, PerturbationTargetKind kind, int draw, Span<float> destination, L2SearchWorkspace workspace)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(imageIndex);
        ArgumentOutOfRangeException.ThrowIfNegative(draw);
        ArgumentNullException.ThrowIfNull(workspace);
        workspace.CheckSize(destination.Length, nameof(destination));
        NormalNoise.Fill(Key(target, kind), (uint)imageIndex, (uint)draw, destination, workspace.Noise);
    }

    /// <summary>Perturbs one image to a level, redrawing when a draw cannot reach it.</summary>
    /// <param name="image">The clean image, pixels in [0, 1].</param>
    /// <param name="imageIndex">The image's index in its set (fixes its noise).</param>
    /// <param name="level">The l2 level, finite and &gt;= 0.</param>
    /// <param name="output">Receives x' when the outcome has an image.</param>
    /// <param name="workspace">Scratch memory sized for the image (one per thread).</param>
    /// <returns>The outcome.</returns>
    public PerturbationOutcome PerturbImage(ReadOnlySpan<float> image, int imageIndex, double level, Span<float> output, L2SearchWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentOutOfRangeException.ThrowIfNegative(imageIndex);
        ExactL2LevelSearch.CheckLengths(image, workspace.Direction, output);
        ExactL2LevelSearch.CheckLevel(level);
        bool unused = false;
        return PerturbOne(image, imageIndex, level, output, workspace, ref unused);
    }

    /// <inheritdoc />
    public PerturbationResult PerturbToLevel(ImageSet images, double level, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        PerturbToLevels(images, [level], progress, cancellationToken)[0];

    /// <inheritdoc />
    public IReadOnlyList<PerturbationResult> PerturbToLevels(ImageSet images, IReadOnlyList<double> levels, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        BatchExecution.CheckLevels(levels);
        double[] targets = [.. levels];
        int ppi = images.PixelsPerImage;
        int count = images.Count;
        var outputs = new float[targets.Length][];
        var outcomes = new PerturbationOutcome[targets.Length][];
        for (int l = 0; l < targets.Length; l++)
        {
            outputs[l] = GC.AllocateUninitializedArray<float>(count * ppi);
            outcomes[l] = new PerturbationOutcome[count];
        }

        BatchExecution.ForEachImage(count, ppi, _options.MaxDegreeOfParallelism, (i, workspace) =>
        {
            var image = images.GetImage(i);
            bool sharedReady = false;
            for (int l = 0; l < targets.Length; l++)
            {
                outcomes[l][i] = PerturbOne(image, i, targets[l], outputs[l].AsSpan(i * ppi, ppi), workspace, ref sharedReady);
            }
        }, progress, cancellationToken);

        var results = new PerturbationResult[targets.Length];
        for (int l = 0; l < targets.Length; l++)
        {
            string name = BatchExecution.SetName(images, Name, PerturbationTargetKind.Level, targets[l]);
            results[l] = BatchExecution.Assemble(images, name, outputs[l], outcomes[l], PerturbationTargetKind.Level, targets[l], Solver.Name);
        }

        return results;
    }

    /// <inheritdoc />
    public PerturbationResult PerturbWithSize(ImageSet images, double size, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        BatchExecution.CheckSize(size);
        int ppi = images.PixelsPerImage;
        var output = GC.AllocateUninitializedArray<float>(images.Count * ppi);
        var outcomes = new PerturbationOutcome[images.Count];
        ulong key = Key(size, PerturbationTargetKind.Size);
        BatchExecution.ForEachImage(images.Count, ppi, _options.MaxDegreeOfParallelism, (i, workspace) =>
        {
            NormalNoise.Fill(key, (uint)i, 0, workspace.Direction, workspace.Noise);
            float t = (float)size;
            double distance = L2Kernels.ApplyAndMeasure(images.GetImage(i), workspace.Direction, t, output.AsSpan(i * ppi, ppi));
            outcomes[i] = new PerturbationOutcome(PerturbationStatus.Applied, t, distance, 1);
        }, progress, cancellationToken);

        string name = BatchExecution.SetName(images, Name, PerturbationTargetKind.Size, size);
        return BatchExecution.Assemble(images, name, output, outcomes, PerturbationTargetKind.Size, size, "raw");
    }

    private PerturbationOutcome PerturbOne(ReadOnlySpan<float> image, int imageIndex, double level, Span<float> output, L2SearchWorkspace workspace, ref bool sharedReady)
    {
        float[] direction = workspace.Direction;
        bool shared = _options.ShareDrawAcrossLevels;
        ulong key = Key(level, PerturbationTargetKind.Level);
        var outcome = default(PerturbationOutcome);
        for (int draw = 0; draw < _options.MaxDraws; draw++)
        {
            if (!(shared && draw == 0 && sharedReady))
            {
                NormalNoise.Fill(key, (uint)imageIndex, (uint)draw, direction, workspace.Noise);
            }

            sharedReady = shared && draw == 0;
            outcome = Solver.Solve(image, direction, level, output, workspace) with { Draws = draw + 1 };
            if (outcome.HasImage)
            {
                break;
            }
        }

        return outcome;
    }

    private ulong Key(double target, PerturbationTargetKind kind) =>
        _options.ShareDrawAcrossLevels
            ? NoiseKeys.Derive(_options.Seed, NoiseKeys.SharedDomain, 0)
            : NoiseKeys.Derive(_options.Seed, kind == PerturbationTargetKind.Level ? NoiseKeys.PerLevelDomain : NoiseKeys.PerSizeDomain, target);
}
