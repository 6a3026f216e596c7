using System.Globalization;
using Robustness.Models;

namespace Robustness.Evaluation.Benchmarks;

/// <summary>A model's accuracy on one level of a suite.</summary>
/// <param name="Level">The l2 level (0 for the clean suite).</param>
/// <param name="Report">Accuracy overall and per class on the level's produced images.</param>
/// <param name="Excluded">Source images excluded at this level (not reachable); not part of <paramref name="Report"/>.</param>
public sealed record LevelScore(double Level, AccuracyReport Report, int Excluded)
{
    /// <summary>The level's accuracy (NaN when no image was produced).</summary>
    public double Accuracy => Report.Accuracy;
}

/// <summary>A model's score on a suite: overall (pooled over all levels), mean over levels, per level and per class.</summary>
/// <param name="SuiteName">The suite's name.</param>
/// <param name="Kind">The suite's kind.</param>
/// <param name="IsWhiteBox">Whether the images were generated against the scored model.</param>
/// <param name="Levels">One score per level, in level order.</param>
public sealed record BenchmarkResult(string SuiteName, BenchmarkKind Kind, bool IsWhiteBox, IReadOnlyList<LevelScore> Levels)
{
    /// <summary>
    /// The median minimal adversarial l2 distance over the test images (misclassified images count 0, images without an
    /// adversarial up to the largest level count +infinity); set by <see cref="MinimalL2Benchmark"/>, null for the others.
    /// </summary>
    public double? MedianMinimalDistance { get; init; }

    /// <summary>Images scored, all levels together.</summary>
    public int Count => Levels.Sum(l => l.Report.Count);

    /// <summary>Images classified correctly, all levels together.</summary>
    public int Correct => Levels.Sum(l => l.Report.Correct);

    /// <summary>Images excluded (unreachable), all levels together.</summary>
    public int Excluded => Levels.Sum(l => l.Excluded);

    /// <summary>Pooled accuracy: <see cref="Correct"/> / <see cref="Count"/> (NaN when nothing was scored).</summary>
    public double Accuracy => Count == 0 ? double.NaN : (double)Correct / Count;

    /// <summary>The mean of the per-level accuracies (the paper's mean over levels); levels without images are skipped.</summary>
    public double MeanAccuracy
    {
        get
        {
            var values = Levels.Where(l => l.Report.Count > 0).Select(l => l.Accuracy).ToArray();
            return values.Length == 0 ? double.NaN : values.Average();
        }
    }

    /// <summary>Accuracy per class pooled over all levels (index = class).</summary>
    public IReadOnlyList<ClassAccuracy> PerClass
    {
        get
        {
            if (Levels.Count == 0)
            {
                return [];
            }

            int classes = Levels[0].Report.PerClass.Count;
            var result = new ClassAccuracy[classes];
            for (int c = 0; c < classes; c++)
            {
                int count = 0, correct = 0;
                foreach (var level in Levels)
                {
                    count += level.Report.PerClass[c].Count;
                    correct += level.Report.PerClass[c].Correct;
                }

                result[c] = new ClassAccuracy(c, count, correct);
            }

            return result;
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{SuiteName} ({Kind.ToName()}{(IsWhiteBox ? ", white-box" : "")}): {Levels.Count} levels, accuracy {Accuracy:P2} ({Correct:N0} of {Count:N0}), mean over levels {MeanAccuracy:P2}, {Excluded:N0} excluded");
}
