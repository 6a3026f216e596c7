using System.Globalization;
using Robustness.Data;

namespace Robustness.Perturbations;

/// <summary>The parallel loop and result assembly shared by every batch perturbation.</summary>
internal static class BatchExecution
{
    /// <summary>
    /// Runs <paramref name="body"/> for every image index on up to <paramref name="maxDegreeOfParallelism"/>
    /// threads, each with its own workspace (created once per worker, never per image). Each image's
    /// result depends only on its index, so the output is the same whatever the thread count.
    /// </summary>
    public static void ForEachImage(int count, int pixelCount, int maxDegreeOfParallelism, Action<int, L2SearchWorkspace> body,
        IProgress<PerturbationProgress>? progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (count == 0)
        {
            progress?.Report(new PerturbationProgress(0, 0));
            return;
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
        int done = 0;
        int step = Math.Max(1, count / 200);
        Parallel.For(0, count, options, () => new L2SearchWorkspace(pixelCount), (i, _, workspace) =>
        {
            body(i, workspace);
            if (progress is not null)
            {
                int completed = Interlocked.Increment(ref done);
                if (completed % step == 0 || completed == count)
                {
                    progress.Report(new PerturbationProgress(completed, count));
                }
            }

            return workspace;
        }, _ => { });
    }

    /// <summary>
    /// Builds the result: keeps the images that were produced (in source order) and lists the others.
    /// When every image was produced, <paramref name="pixels"/> becomes the set's storage without a copy.
    /// </summary>
    public static PerturbationResult Assemble(ImageSet source, string name, float[] pixels, PerturbationOutcome[] outcomes, PerturbationTargetKind kind, double target, string solverName)
    {
        int ppi = source.PixelsPerImage;
        int[] labels = source.CopyLabels();
        int kept = 0;
        var failed = new List<int>();
        var sourceIndices = new int[outcomes.Length];
        for (int i = 0; i < outcomes.Length; i++)
        {
            if (!outcomes[i].HasImage)
            {
                failed.Add(i);
                continue;
            }

            if (kept != i)
            {
                pixels.AsSpan(i * ppi, ppi).CopyTo(pixels.AsSpan(kept * ppi, ppi));
                labels[kept] = labels[i];
            }

            sourceIndices[kept] = i;
            kept++;
        }

        if (kept != outcomes.Length)
        {
            Array.Resize(ref pixels, kept * ppi);
            Array.Resize(ref labels, kept);
            Array.Resize(ref sourceIndices, kept);
        }

        var set = ImageSet.Create(name, pixels, labels, source.Height, source.Width, source.ClassCount);
        return new PerturbationResult(set, outcomes, sourceIndices, [.. failed], kind, target, solverName);
    }

    public static string SetName(ImageSet source, string perturbation, PerturbationTargetKind kind, double target) =>
        string.Create(CultureInfo.InvariantCulture, $"{source.Name}-{perturbation}-{(kind == PerturbationTargetKind.Level ? "l2" : "size")}-{target:0.####}");

    public static void CheckLevels(IReadOnlyList<double> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        for (int i = 0; i < levels.Count; i++)
        {
            double level = levels[i];
            if (!(level >= 0 && double.IsFinite(level)))
            {
                throw new ArgumentOutOfRangeException(nameof(levels), level, string.Create(CultureInfo.InvariantCulture, $"Level {i} is {level}; every l2 level must be finite and >= 0."));
            }
        }
    }

    public static void CheckSize(double size)
    {
        if (!(size >= 0 && double.IsFinite(size)))
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "The size must be finite and >= 0.");
        }
    }

    public static int CheckParallelism(int maxDegreeOfParallelism) =>
        Composition.OptionChecks.Parallelism(maxDegreeOfParallelism, nameof(maxDegreeOfParallelism));
}
