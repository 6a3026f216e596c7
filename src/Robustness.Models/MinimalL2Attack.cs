using System.Globalization;
using System.Numerics.Tensors;
using Robustness.Data;
using Robustness.Perturbations;

namespace Robustness.Models;

/// <summary>Settings of <see cref="MinimalL2Attack"/> (batch size 200 unless set: each iteration takes one forward and ClassCount backward passes).</summary>
public sealed record MinimalL2Options : AttackOptions
{
    /// <summary>Creates the default settings.</summary>
    public MinimalL2Options()
        : base(200)
    {
    }

    /// <summary>DeepFool iterations at most per image; default 50 (Moosavi-Dezfooli et al. 2016 use 50).</summary>
    public int MaxIterations { get; init; } = 50;

    /// <summary>DeepFool's overshoot: each iterate is x + (1 + overshoot) * r_total; default 0.02 (the paper's).</summary>
    public double Overshoot { get; init; } = 0.02;

    /// <summary>Bisection steps along the found perturbation to its smallest misclassifying scale; default 20 (relative precision 2^-20).</summary>
    public int RefinementSteps { get; init; } = 20;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        ModelOptions.CheckPositive(MaxIterations, nameof(MaxIterations));
        if (!(double.IsFinite(Overshoot) && Overshoot >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Overshoot), Overshoot, "Overshoot must be a finite number >= 0.");
        }

        if (RefinementSteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RefinementSteps), RefinementSteps, "RefinementSteps must be >= 0.");
        }

    }
}

/// <summary>What the minimal-l2 attack found for one image.</summary>
public enum MinimalL2Status
{
    /// <summary>The clean image is already misclassified: its minimal distance is 0.</summary>
    Misclassified = 0,

    /// <summary>An adversarial image was found; <see cref="MinimalL2Outcome.Distance"/> is its l2 distance.</summary>
    Found = 1,

    /// <summary>No adversarial image was found within the iterations and the largest distance asked for.</summary>
    NotFound = 2,
}

/// <summary>The minimal-l2 outcome of one image.</summary>
/// <param name="Status">What was found.</param>
/// <param name="Distance">The l2 distance of the adversarial image (0 when misclassified, +infinity when not found), measured in double on the float32 image.</param>
/// <param name="Iterations">DeepFool iterations used.</param>
public readonly record struct MinimalL2Outcome(MinimalL2Status Status, double Distance, int Iterations);

/// <summary>The minimal-l2 attack's result on a set: per image the smallest l2 distance found that changes the prediction.</summary>
public sealed class MinimalL2Result
{
    private readonly MinimalL2Outcome[] _outcomes;
    private readonly float[] _adversarial;

    internal MinimalL2Result(string setName, int pixelsPerImage, double maxDistance, MinimalL2Outcome[] outcomes, float[] adversarial)
    {
        SetName = setName;
        PixelsPerImage = pixelsPerImage;
        MaxDistance = maxDistance;
        _outcomes = outcomes;
        _adversarial = adversarial;
    }

    /// <summary>The attacked set.</summary>
    public string SetName { get; }

    /// <summary>Images attacked.</summary>
    public int Count => _outcomes.Length;

    /// <summary>Pixels per image.</summary>
    public int PixelsPerImage { get; }

    /// <summary>The largest distance searched: an adversarial farther away is reported as <see cref="MinimalL2Status.NotFound"/>.</summary>
    public double MaxDistance { get; }

    /// <summary>One outcome per image, in set order.</summary>
    public IReadOnlyList<MinimalL2Outcome> Outcomes => _outcomes;

    /// <summary>The adversarial image of image <paramref name="index"/> (the clean image when misclassified; unspecified when not found).</summary>
    /// <param name="index">The image index.</param>
    /// <returns>Its pixels.</returns>
    public ReadOnlySpan<float> GetAdversarial(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _adversarial.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }

    /// <summary>
    /// Robust accuracy at an l2 level: the fraction of images that are classified correctly and have no adversarial
    /// within distance <paramref name="level"/> (distance &gt; level, or none found). An upper bound on the true
    /// robust accuracy (the attack finds an adversarial, not necessarily the nearest).
    /// </summary>
    /// <param name="level">The l2 level, &gt;= 0.</param>
    /// <returns>The fraction (NaN for an empty set).</returns>
    public double RobustAccuracy(double level)
    {
        if (!(level >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The level must be >= 0.");
        }

        if (Count == 0)
        {
            return double.NaN;
        }

        int robust = _outcomes.Count(o => o.Status == MinimalL2Status.NotFound || (o.Status == MinimalL2Status.Found && o.Distance > level));
        return (double)robust / Count;
    }

    /// <summary>
    /// The median minimal distance over all images (misclassified images count 0, not-found ones +infinity, so the
    /// median is +infinity when more than half are not found); NaN for an empty set.
    /// </summary>
    public double MedianDistance
    {
        get
        {
            if (Count == 0)
            {
                return double.NaN;
            }

            var sorted = _outcomes.Select(o => o.Distance).Order().ToArray();
            int mid = sorted.Length / 2;
            if (sorted.Length % 2 == 1)
            {
                return sorted[mid];
            }

            double a = sorted[mid - 1], b = sorted[mid];
            return double.IsPositiveInfinity(b) ? b : (a + b) / 2;
        }
    }

    /// <summary>
    /// The attacked images for an l2 budget: each image's adversarial when one was found within <paramref name="level"/>
    /// (the clean image when it is misclassified already), else the clean image; every outcome is
    /// <see cref="PerturbationStatus.WithinLevel"/> with the image's distance (0 for a clean image). The model's accuracy
    /// on these images is <see cref="RobustAccuracy"/> at the level.
    /// </summary>
    /// <param name="images">The set this result was computed for.</param>
    /// <param name="level">The budget, &gt;= 0 and at most <see cref="MaxDistance"/> (a farther adversarial was not kept).</param>
    /// <returns>One image per source image.</returns>
    public PerturbationResult AtLevel(ImageSet images, double level)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count != Count || images.PixelsPerImage != PixelsPerImage)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"This result covers {Count:N0} images of {PixelsPerImage} pixels (set '{SetName}'); set '{images.Name}' has {images.Count:N0} of {images.PixelsPerImage}."), nameof(images));
        }

        if (!(level >= 0 && level <= MaxDistance))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, string.Create(CultureInfo.InvariantCulture,
                $"The level must be >= 0 and at most the largest distance searched, {MaxDistance:0.####}."));
        }

        var pixels = GC.AllocateUninitializedArray<float>(Count * PixelsPerImage);
        var outcomes = new PerturbationOutcome[Count];
        for (int i = 0; i < Count; i++)
        {
            var o = _outcomes[i];
            bool adversarial = o.Status == MinimalL2Status.Found && o.Distance <= level;
            (adversarial ? GetAdversarial(i) : images.GetImage(i)).CopyTo(pixels.AsSpan(i * PixelsPerImage, PixelsPerImage));
            double distance = adversarial ? o.Distance : 0;
            outcomes[i] = new PerturbationOutcome(PerturbationStatus.WithinLevel, distance, distance, 1);
        }

        return PerturbationResult.Create(images, pixels, outcomes, PerturbationTargetKind.Level, level, MinimalL2Attack.AttackName, MinimalL2Attack.AttackName);
    }

    /// <summary>How many images ended with <paramref name="status"/>.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The count.</returns>
    public int CountOf(MinimalL2Status status) => _outcomes.Count(o => o.Status == status);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{SetName}: {CountOf(MinimalL2Status.Found):N0} found, {CountOf(MinimalL2Status.Misclassified):N0} misclassified, {CountOf(MinimalL2Status.NotFound):N0} not found of {Count:N0}; median distance {MedianDistance:0.####}");
}

/// <summary>
/// The minimal-l2 attack: DeepFool-l2 (Moosavi-Dezfooli et al. 2016) followed by a bisection along the found
/// perturbation. Per image it reports the smallest l2 distance found at which the prediction changes, or
/// "not found" up to a largest distance; from these, robust accuracy at every level and the median distance.
/// </summary>
/// <remarks>
/// <para>DeepFool linearises the network at the current iterate x_i: for every class k other than the true
/// label y, w_k = grad z_k - grad z_y and f_k = z_k - z_y; it steps to the nearest linearised boundary,
/// r_i = (|f_l| + 1e-4) / ||w_l||^2 * w_l with l = argmin |f_k| / ||w_k||, accumulates r = sum r_i and moves
/// to x + (1 + overshoot) r, clipped to [0, 1], until the prediction changes. On a linear classifier whose
/// nearest boundary point lies inside the box this lands on it in one step, so the distance is exact.</para>
/// <para>The bisection then shrinks the perturbation p = x_adv - x to the smallest scale s in (0, 1] whose
/// image x + s p is still adversarial (checked on the float32 image that is reported), removing the
/// overshoot. Adversarial means: another class scores above the true one by at least 1e-4 * max(1, max |z|),
/// so that every reported adversarial image stays misclassified under the float rounding of another batch size
/// or device (the margin costs about 1e-4 / ||grad margin|| of distance).</para>
/// <para>Deterministic on the CPU (see <see cref="ModelGradients"/>); not thread-safe; the model's mode is restored.</para>
/// </remarks>
public sealed class MinimalL2Attack : IAttack
{
    internal const string AttackName = "minimal";

    private readonly MinimalL2Options _options;

    /// <summary>Creates the attack against a model.</summary>
    /// <param name="model">The attacked model (not disposed by this class).</param>
    /// <param name="options">Iterations, overshoot, refinement; defaults when null.</param>
    public MinimalL2Attack(ImageClassifier model, MinimalL2Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _options = options ?? new MinimalL2Options();
        _options.Validate();
        Model = model;
        Gradients = new ModelGradients(model, _options.BatchSize);
    }

    /// <summary>The name in reports: <c>minimal</c>.</summary>
    public string Name => AttackName;

    /// <summary>The attacked model.</summary>
    public ImageClassifier Model { get; }

    /// <summary>The gradient surface the attack uses.</summary>
    public ModelGradients Gradients { get; }

    /// <summary>The settings.</summary>
    public MinimalL2Options Options => _options;

    AttackOptions IAttack.Options => _options;

    /// <summary>
    /// The attack as a budget: each image becomes its nearest adversarial found within <paramref name="level"/>, or stays
    /// clean (see <see cref="MinimalL2Result.AtLevel"/>); the model's accuracy on the result is its robust accuracy at the level.
    /// </summary>
    /// <param name="images">The clean images with their true labels.</param>
    /// <param name="level">The budget, finite and &gt;= 0.</param>
    /// <param name="progress">Optional progress.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>One image per source image (status <see cref="PerturbationStatus.WithinLevel"/>).</returns>
    public PerturbationResult Attack(ImageSet images, double level, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Attack(images, [level], progress, cancellationToken)[0];

    /// <summary>The attack at several budgets from one run up to the largest (see <see cref="Attack(ImageSet, double, IProgress{PerturbationProgress}?, CancellationToken)"/>).</summary>
    /// <param name="images">The clean images with their true labels.</param>
    /// <param name="levels">The budgets, each finite and &gt;= 0.</param>
    /// <param name="progress">Optional progress (images finished).</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>One result per level.</returns>
    public IReadOnlyList<PerturbationResult> Attack(ImageSet images, IReadOnlyList<double> levels, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(levels);
        Model.InputShape.CheckSet(images, nameof(images));
        double largest = 0;
        for (int l = 0; l < levels.Count; l++)
        {
            if (!(levels[l] >= 0 && double.IsFinite(levels[l])))
            {
                throw new ArgumentOutOfRangeException(nameof(levels), levels[l], string.Create(CultureInfo.InvariantCulture, $"Level {l} is {levels[l]}; every l2 level must be finite and >= 0."));
            }

            largest = Math.Max(largest, levels[l]);
        }

        // Level 0 alone needs no run: the clean images are the answer. Otherwise one run up to the largest level.
        var result = largest > 0
            ? Run(images, largest, progress, cancellationToken)
            : new MinimalL2Result(images.Name, images.PixelsPerImage, 0, [.. Enumerable.Repeat(new MinimalL2Outcome(MinimalL2Status.NotFound, double.PositiveInfinity, 0), images.Count)], []);
        return [.. levels.Select(level => result.AtLevel(images, level))];
    }

    /// <summary>Attacks every image of a set.</summary>
    /// <param name="images">The clean images with their true labels.</param>
    /// <param name="maxDistance">The largest distance of interest (e.g. the largest benchmark level); farther adversarials are "not found". +infinity by default.</param>
    /// <param name="progress">Optional progress (images finished).</param>
    /// <param name="cancellationToken">Cancels between batches and iterations.</param>
    /// <returns>The outcomes and adversarial images.</returns>
    public MinimalL2Result Run(ImageSet images, double maxDistance = double.PositiveInfinity, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        Model.InputShape.CheckSet(images, nameof(images));
        if (!(maxDistance > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxDistance), maxDistance, "maxDistance must be above 0 (or +infinity).");
        }

        int ppi = images.PixelsPerImage;
        var adversarial = GC.AllocateUninitializedArray<float>(images.Count * ppi);
        var outcomes = new MinimalL2Outcome[images.Count];
        int batch = Math.Min(_options.BatchSize, Math.Max(images.Count, 1));
        var work = new Workspace(batch, ppi, Model.InputShape.ClassCount);
        for (int start = 0; start < images.Count; start += batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(batch, images.Count - start);
            var x = work.Clean.AsSpan(0, n * ppi);
            for (int i = 0; i < n; i++)
            {
                images.GetImage(start + i).CopyTo(x.Slice(i * ppi, ppi));
            }

            var labels = images.Labels.Slice(start, n);
            var adv = adversarial.AsSpan(start * ppi, n * ppi);
            var batchOutcomes = outcomes.AsSpan(start, n);
            DeepFool(x, labels, adv, batchOutcomes, work, cancellationToken);
            Refine(x, labels, adv, batchOutcomes, work, cancellationToken);
            for (int i = 0; i < n; i++)
            {
                if (batchOutcomes[i].Status == MinimalL2Status.Found && batchOutcomes[i].Distance > maxDistance)
                {
                    batchOutcomes[i] = batchOutcomes[i] with { Status = MinimalL2Status.NotFound, Distance = double.PositiveInfinity };
                }
            }

            progress?.Report(new PerturbationProgress(start + n, images.Count));
        }

        return new MinimalL2Result(images.Name, ppi, maxDistance, outcomes, adversarial);
    }

    private void DeepFool(ReadOnlySpan<float> x, ReadOnlySpan<int> labels, Span<float> adv, Span<MinimalL2Outcome> outcomes, Workspace work, CancellationToken cancellationToken)
    {
        int n = labels.Length, ppi = x.Length / Math.Max(n, 1), classes = work.Classes;
        x.CopyTo(adv);
        var total = work.Total.AsSpan(0, n * ppi);
        total.Clear();
        var active = new List<int>(n);
        for (int i = 0; i < n; i++)
        {
            active.Add(i);
            outcomes[i] = new MinimalL2Outcome(MinimalL2Status.NotFound, double.PositiveInfinity, 0);
        }

        float scale = (float)(1 + _options.Overshoot);
        for (int iteration = 0; iteration <= _options.MaxIterations && active.Count > 0; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int m = active.Count;
            var packed = work.Packed.AsSpan(0, m * ppi);
            for (int j = 0; j < m; j++)
            {
                adv.Slice(active[j] * ppi, ppi).CopyTo(packed.Slice(j * ppi, ppi));
            }

            var gradients = work.ScoreGradients.AsSpan(0, m * classes * ppi);
            var logits = work.Logits.AsSpan(0, m * classes);
            Gradients.ScoreGradients(packed, gradients, logits, cancellationToken);
            var still = new List<int>(m);
            for (int j = 0; j < m; j++)
            {
                int i = active[j];
                int y = labels[i];
                var z = logits.Slice(j * classes, classes);
                if (iteration == 0 ? TensorPrimitives.IndexOfMax(z) != y : IsAdversarial(z, y))
                {
                    outcomes[i] = new MinimalL2Outcome(iteration == 0 ? MinimalL2Status.Misclassified : MinimalL2Status.Found, iteration == 0 ? 0 : double.NaN, iteration);
                    continue;
                }

                if (iteration == _options.MaxIterations)
                {
                    outcomes[i] = new MinimalL2Outcome(MinimalL2Status.NotFound, double.PositiveInfinity, iteration);
                    continue;
                }

                var g = gradients.Slice(j * classes * ppi, classes * ppi);
                var gy = g.Slice(y * ppi, ppi);
                var w = work.Direction;
                int best = -1;
                double bestDistance = double.PositiveInfinity, bestF = 0, bestNorm = 0;
                for (int k = 0; k < classes; k++)
                {
                    if (k == y)
                    {
                        continue;
                    }

                    TensorPrimitives.Subtract(g.Slice(k * ppi, ppi), gy, w);
                    double norm = TensorPrimitives.Norm(w);
                    if (!(norm > 0) || !double.IsFinite(norm))
                    {
                        continue;
                    }

                    double f = Math.Abs((double)z[k] - z[y]);
                    double distance = f / norm;
                    if (distance < bestDistance)
                    {
                        (best, bestDistance, bestF, bestNorm) = (k, distance, f, norm);
                    }
                }

                if (best < 0)
                {
                    outcomes[i] = new MinimalL2Outcome(MinimalL2Status.NotFound, double.PositiveInfinity, iteration);
                    continue; // every score gradient is equal: nothing to follow
                }

                TensorPrimitives.Subtract(g.Slice(best * ppi, ppi), gy, w);
                var r = total.Slice(i * ppi, ppi);
                TensorPrimitives.MultiplyAdd(w, (float)((bestF + 1e-4) / (bestNorm * bestNorm)), r, r);
                var a = adv.Slice(i * ppi, ppi);
                TensorPrimitives.MultiplyAdd(r, scale, x.Slice(i * ppi, ppi), a);
                TensorPrimitives.Clamp(a, 0f, 1f, a);
                still.Add(i);
            }

            active = still;
        }
    }

    private void Refine(ReadOnlySpan<float> x, ReadOnlySpan<int> labels, Span<float> adv, Span<MinimalL2Outcome> outcomes, Workspace work, CancellationToken cancellationToken)
    {
        int n = labels.Length, ppi = x.Length / Math.Max(n, 1);
        var found = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (outcomes[i].Status == MinimalL2Status.Found)
            {
                found.Add(i);
            }
        }

        int m = found.Count;
        if (m > 0)
        {
            var perturbation = work.Total.AsSpan(0, m * ppi);
            for (int j = 0; j < m; j++)
            {
                int i = found[j];
                TensorPrimitives.Subtract(adv.Slice(i * ppi, ppi), x.Slice(i * ppi, ppi), perturbation.Slice(j * ppi, ppi));
            }

            var low = new double[m];
            var high = new double[m];
            Array.Fill(high, 1.0);
            var candidates = work.Packed.AsSpan(0, m * ppi);
            var logits = work.Logits.AsSpan(0, m * work.Classes);
            for (int step = 0; step < _options.RefinementSteps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (int j = 0; j < m; j++)
                {
                    var c = candidates.Slice(j * ppi, ppi);
                    TensorPrimitives.MultiplyAdd(perturbation.Slice(j * ppi, ppi), (float)((low[j] + high[j]) / 2), x.Slice(found[j] * ppi, ppi), c);
                    TensorPrimitives.Clamp(c, 0f, 1f, c);
                }

                Gradients.Logits(candidates, logits, cancellationToken);
                for (int j = 0; j < m; j++)
                {
                    int i = found[j];
                    double mid = (low[j] + high[j]) / 2;
                    if (IsAdversarial(logits.Slice(j * work.Classes, work.Classes), labels[i]))
                    {
                        high[j] = mid;
                        candidates.Slice(j * ppi, ppi).CopyTo(adv.Slice(i * ppi, ppi)); // the reported image is one that was checked
                    }
                    else
                    {
                        low[j] = mid;
                    }
                }
            }
        }

        for (int i = 0; i < n; i++)
        {
            if (outcomes[i].Status == MinimalL2Status.Found)
            {
                outcomes[i] = outcomes[i] with { Distance = L2Distance(x.Slice(i * ppi, ppi), adv.Slice(i * ppi, ppi)) };
            }
        }
    }

    /// <summary>
    /// Whether scores put another class ahead of <paramref name="y"/> by a safety margin of
    /// 1e-4 * max(1, max |z|): an image so close to the boundary that float rounding of another batch size
    /// or device could flip it back is not reported as adversarial (costs about 1e-4 / ||w|| in distance).
    /// </summary>
    internal static bool IsAdversarial(ReadOnlySpan<float> z, int y)
    {
        float rival = float.NegativeInfinity, largest = 1f;
        for (int k = 0; k < z.Length; k++)
        {
            largest = Math.Max(largest, Math.Abs(z[k]));
            if (k != y)
            {
                rival = Math.Max(rival, z[k]);
            }
        }

        return (double)rival - z[y] > 1e-4 * largest;
    }

    /// <summary>||a - b||_2 accumulated in double, as the l2-level search measures its images.</summary>
    internal static double L2Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int p = 0; p < a.Length; p++)
        {
            double d = (double)a[p] - b[p];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }

    private sealed class Workspace(int batch, int ppi, int classes)
    {
        public int Classes { get; } = classes;

        public float[] Clean { get; } = new float[batch * ppi];

        public float[] Packed { get; } = new float[batch * ppi];

        public float[] Total { get; } = new float[batch * ppi];

        public float[] ScoreGradients { get; } = new float[batch * classes * ppi];

        public float[] Logits { get; } = new float[batch * classes];

        public float[] Direction { get; } = new float[ppi];
    }
}
