using Robustness.Data;
using Robustness.Models;

namespace Robustness.Evaluation.Benchmarks;

/// <summary>
/// The minimal-distance benchmark: the <see cref="MinimalL2Attack"/> is run white-box against each scored
/// model once, up to the largest level; level L scores the images that are classified correctly and have
/// no adversarial within distance L (robust accuracy, an upper bound on the true one), and the result carries
/// the median minimal distance (<see cref="BenchmarkResult.MedianMinimalDistance"/>).
/// </summary>
public sealed class MinimalL2Benchmark : IRobustnessBenchmark
{
    private readonly ImageSet _testSet;
    private readonly double[] _levels;
    private readonly MinimalL2Options _options;

    /// <summary>Creates the benchmark.</summary>
    /// <param name="testSet">The clean test images.</param>
    /// <param name="levels">The l2 levels, strictly increasing.</param>
    /// <param name="options">The attack's settings; defaults when null.</param>
    public MinimalL2Benchmark(ImageSet testSet, IReadOnlyList<double> levels, MinimalL2Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(testSet);
        _testSet = testSet;
        _levels = BenchmarkLevels.Validate(levels);
        _options = options ?? new MinimalL2Options();
        _options.Validate();
        Name = $"{testSet.Name}-minimal-whitebox";
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public BenchmarkKind Kind => BenchmarkKind.MinimalL2;

    /// <inheritdoc />
    public IReadOnlyList<double> Levels => _levels;

    /// <inheritdoc />
    public bool IsWhiteBox => true;

    /// <inheritdoc />
    public IReadOnlyList<BenchmarkLevelSet> LevelSets => [];

    /// <summary>Runs the attack and returns the per-image outcomes (for callers that want more than the score).</summary>
    /// <param name="model">The attacked model.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The attack's result, searched up to the largest level.</returns>
    public MinimalL2Result Attack(ImageClassifier model, CancellationToken cancellationToken = default) =>
        new MinimalL2Attack(model, _options).Run(_testSet, _levels[^1], cancellationToken: cancellationToken);

    /// <inheritdoc />
    public BenchmarkResult Score(ImageClassifier model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Score(Attack(model, cancellationToken));
    }

    /// <summary>The score of an attack result: per level, robust images count as correct.</summary>
    /// <param name="result">The attack's result on <see cref="Levels"/>' test set.</param>
    /// <returns>The score.</returns>
    public BenchmarkResult Score(MinimalL2Result result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Count != _testSet.Count)
        {
            throw new ArgumentException(FormattableString.Invariant($"The result covers {result.Count} images; the test set '{_testSet.Name}' has {_testSet.Count}."), nameof(result));
        }

        var labels = _testSet.Labels;
        var predictions = new int[labels.Length];
        var scores = new LevelScore[_levels.Length];
        for (int l = 0; l < _levels.Length; l++)
        {
            double level = _levels[l];
            for (int i = 0; i < predictions.Length; i++)
            {
                var o = result.Outcomes[i];
                bool robust = o.Status == MinimalL2Status.NotFound || (o.Status == MinimalL2Status.Found && o.Distance > level);
                // A non-robust image is scored as "some other class": only the per-class counts of correct images matter.
                predictions[i] = robust ? labels[i] : (labels[i] + 1) % _testSet.ClassCount;
            }

            scores[l] = new LevelScore(level, AccuracyReport.FromPredictions($"{_testSet.Name}-minimal-l{level:0.###}", labels, predictions, _testSet.ClassCount), 0);
        }

        return new BenchmarkResult(Name, Kind, true, scores) { MedianMinimalDistance = result.MedianDistance };
    }
}
