using System.Globalization;
using Robustness.Data;
using Robustness.Evaluation.Designs;
using Robustness.Perturbations;
using Robustness.Randomness;

namespace Robustness.Evaluation.Training;

/// <summary>
/// Builds perturbed training sets in a fixed order: (1) class-imbalance sampling
/// (<see cref="DatasetBuilders.WithClassImbalance"/>), (2) label errors
/// (<see cref="DatasetBuilders.WithLabelErrors"/>), (3) Gaussian images, (4) FGSM images. The result
/// is the base set (steps 1-2) followed by one block per added component.
/// </summary>
/// <remarks>
/// <para>
/// Added images are copies of seeded per-class picks of the base set, chosen by TRUE class: the
/// first k images of a per-class seeded permutation (xoshiro256**, stream per component and class).
/// The picks depend only on (seed, component, class, base set), not on the level, so every level of
/// a design perturbs the same images (a paired design) and RQ5's Gaussian picks are the first k/2 of
/// RQ1's. The images are perturbed with their true labels (FGSM attacks the true class) and the copy
/// then carries its source's label in the base set, which in RQ6 may be a wrong one.
/// </para>
/// <para>
/// A pick that cannot be perturbed to the level (status Unreachable, ZeroDirection, ToleranceNotMet)
/// is replaced by the next image of the same class in the permutation, until the class has k images
/// or no images left; what could not be filled is reported as a shortfall, never hidden.
/// </para>
/// </remarks>
internal sealed class TrainingSetFactory : ITrainingSetFactory
{
    private const ulong GaussianStream = 1;
    private const ulong FgsmStream = 2;
    private const ulong ImbalanceStream = 3;
    private const ulong LabelStream = 4;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">
    /// The clean set is empty, the point needs FGSM but <paramref name="fgsm"/> is null, a class of the
    /// base set has fewer images than the picks per class, or a CI/LD is out of the builders' range.
    /// </exception>
    public TrainingSetResult Build(ImageSet clean, DesignPoint point, ulong seed, IPerturbation gaussian, IPerturbation? fgsm, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(gaussian);
        if (clean.Count == 0)
        {
            throw new ArgumentException($"The clean set '{clean.Name}' is empty.", nameof(clean));
        }

        if (point.NeedsFgsm && fgsm is null)
        {
            throw new ArgumentException($"Design point '{point.Id}' adds FGSM images at l2 {DesignPoint.Text(point.FgsmLevel)}; an FGSM perturbation (against the clean model) is required.", nameof(fgsm));
        }

        cancellationToken.ThrowIfCancellationRequested();
        string name = string.Create(CultureInfo.InvariantCulture, $"{clean.Name}/{point.Id}/s{seed}");

        // (1) class imbalance on the clean set; (2) label errors on the result. Both are views.
        ImageSet truth = point.ClassImbalance is { } ci
            ? DatasetBuilders.WithClassImbalance(clean, ci, Xoshiro256StarStar.Derive(seed, ImbalanceStream))
            : clean;
        ImageSet based = point.LabelDisturbance > 0
            ? DatasetBuilders.WithLabelErrors(truth, point.LabelDisturbance, Xoshiro256StarStar.Derive(seed, LabelStream))
            : truth;
        int[] baseTrue = truth.CopyLabels();
        int[] baseLabels = based.CopyLabels();
        int relabelled = 0;
        for (int i = 0; i < baseTrue.Length; i++)
        {
            relabelled += baseTrue[i] != baseLabels[i] ? 1 : 0;
        }

        // (3) Gaussian, (4) FGSM images: copies of picks of the base set, appended in that order.
        var blocks = new List<ImageSet> { based };
        var components = new List<AddedImages>();
        var trueLabels = new List<int>(baseTrue);
        int offset = based.Count;
        if (point.AddsGaussianImages)
        {
            var (images, report) = AddComponent(truth, baseLabels, "gaussian", point.GaussianLevel, point.GaussianImagesPerClass, gaussian, Xoshiro256StarStar.Derive(seed, GaussianStream), offset, cancellationToken);
            Append(images, report);
        }

        if (point.AddsFgsmImages)
        {
            var (images, report) = AddComponent(truth, baseLabels, "fgsm", point.FgsmLevel, point.FgsmImagesPerClass, fgsm, Xoshiro256StarStar.Derive(seed, FgsmStream), offset, cancellationToken);
            Append(images, report);
        }

        ImageSet set = blocks.Count == 1 ? based.WithLabels(baseLabels, name) : ImageSet.Merge(name, [.. blocks]);
        int[] allTrue = [.. trueLabels];
        var trueCounts = new int[clean.ClassCount];
        foreach (int label in allTrue)
        {
            trueCounts[label]++;
        }

        var result = new TrainingSetReport(
            point.Id,
            seed,
            name,
            clean.Count,
            based.Count,
            point.ClassImbalance,
            truth.ImbalanceDegree(),
            set.ImbalanceDegree(),
            point.LabelDisturbance,
            relabelled,
            set.LabelDisturbance(allTrue),
            components,
            [.. set.ClassCounts],
            trueCounts,
            set.Count,
            components.Count == 0 ? 0 : components.Max(c => c.MaxAbsoluteError));
        return new TrainingSetResult(set, allTrue, result);

        void Append(ImageSet images, AddedImages report)
        {
            if (images.Count > 0)
            {
                blocks.Add(images);
            }

            components.Add(report);
            foreach (int source in report.SourceIndices)
            {
                trueLabels.Add(baseTrue[source]);
            }

            offset += images.Count;
        }
    }

    /// <summary>
    /// Picks <paramref name="perClass"/> images of every true class of <paramref name="truth"/>, perturbs them to
    /// <paramref name="level"/> (replacing failed picks from the class's permutation), and returns them in
    /// ascending source order with the base set's labels.
    /// </summary>
    private static (ImageSet Images, AddedImages Report) AddComponent(
        ImageSet truth,
        int[] baseLabels,
        string kind,
        double level,
        int perClass,
        IPerturbation? perturbation,
        ulong componentSeed,
        int offset,
        CancellationToken cancellationToken)
    {
        int classes = truth.ClassCount;
        var order = new int[classes][];
        var fill = new int[classes];
        var counts = truth.ClassCounts;
        for (int c = 0; c < classes; c++)
        {
            if (counts[c] < perClass)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{perClass} {kind} images per class were asked for, but class {c} of set '{truth.Name}' has only {counts[c]} images to copy from; ask for at most {counts.Min()} per class."),
                    nameof(perClass));
            }

            order[c] = new int[counts[c]];
        }

        var labels = truth.Labels;
        for (int i = 0; i < labels.Length; i++)
        {
            order[labels[i]][fill[labels[i]]++] = i;
        }

        var pending = new List<int>(perClass * classes);
        var next = new int[classes];
        for (int c = 0; c < classes; c++)
        {
            new Xoshiro256StarStar(Xoshiro256StarStar.Derive(componentSeed, (ulong)c)).Shuffle(order[c].AsSpan());
            pending.AddRange(order[c].AsSpan(0, perClass));
            next[c] = perClass;
        }

        // Rounds: perturb the pending picks; every failed pick is replaced by its class's next image.
        var rounds = new List<ImageSet>();
        var accepted = new List<(int Source, int Round, int Index)>(perClass * classes);
        int failed = 0;
        double maxError = 0;
        string generator = level == 0 ? "copy" : perturbation!.Name;
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            pending.Sort();
            int[] picks = [.. pending];
            pending.Clear();
            ImageSet input = truth.Subset(picks, string.Create(CultureInfo.InvariantCulture, $"{truth.Name}-{kind}{DesignPoint.Text(level)}"));
            if (level == 0)
            {
                rounds.Add(input);
                for (int j = 0; j < picks.Length; j++)
                {
                    accepted.Add((picks[j], rounds.Count - 1, j));
                }

                continue;
            }

            PerturbationResult result = perturbation!.PerturbToLevel(input, level, null, cancellationToken);
            rounds.Add(result.Images);
            var sources = result.SourceIndices;
            for (int j = 0; j < sources.Count; j++)
            {
                accepted.Add((picks[sources[j]], rounds.Count - 1, j));
            }

            maxError = Math.Max(maxError, result.MaxAbsoluteError);
            foreach (int f in result.FailedIndices)
            {
                failed++;
                int c = labels[picks[f]];
                if (next[c] < order[c].Length)
                {
                    pending.Add(order[c][next[c]++]);
                }
            }
        }

        // Primary picks are the first perClass of each permutation; the rest are replacements.
        var primary = new HashSet<int>();
        for (int c = 0; c < classes; c++)
        {
            primary.UnionWith(order[c].Take(perClass));
        }

        accepted.Sort((a, b) => a.Source.CompareTo(b.Source));
        var roundStart = new int[rounds.Count];
        for (int r = 1; r < rounds.Count; r++)
        {
            roundStart[r] = roundStart[r - 1] + rounds[r - 1].Count;
        }

        var merged = rounds.Count == 1 ? rounds[0] : ImageSet.Merge(rounds[0].Name, [.. rounds]);
        var positions = new int[accepted.Count];
        var sourceIndices = new int[accepted.Count];
        var added = new int[classes];
        var copiedLabels = new int[accepted.Count];
        int replacements = 0;
        for (int i = 0; i < accepted.Count; i++)
        {
            var (source, round, index) = accepted[i];
            positions[i] = roundStart[round] + index;
            sourceIndices[i] = source;
            copiedLabels[i] = baseLabels[source];
            added[labels[source]]++;
            replacements += primary.Contains(source) ? 0 : 1;
        }

        ImageSet images = merged.Subset(positions).WithLabels(copiedLabels, merged.Name);
        var report = new AddedImages(kind, generator, level, perClass, added, offset, sourceIndices, failed, replacements, maxError);
        return (images, report);
    }
}
