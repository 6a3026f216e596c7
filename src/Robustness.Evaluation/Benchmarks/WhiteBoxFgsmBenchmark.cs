using Robustness.Data;
using Robustness.Models;
using Robustness.Perturbations;

namespace Robustness.Evaluation.Benchmarks;

/// <summary>
/// The white-box MNIST-A option: at scoring time, FGSM is computed against the scored model itself
/// (gradients once, every level placed by the l2-level search), then the model is scored on those
/// images. Nothing is fixed or cached; each <see cref="Score"/> carries its own exclusion counts.
/// </summary>
public sealed class WhiteBoxFgsmBenchmark : IRobustnessBenchmark
{
    private readonly ImageSet _testSet;
    private readonly double[] _levels;
    private readonly FgsmOptions _options;
    private readonly IL2LevelSolver _solver;

    /// <summary>Creates the suite.</summary>
    /// <param name="testSet">The clean test images.</param>
    /// <param name="levels">The l2 levels; <see cref="BenchmarkLevels.Default"/> when null.</param>
    /// <param name="options">FGSM batch size and search threads; defaults when null.</param>
    /// <param name="solver">The l2-level search; <see cref="ExactL2LevelSearch.Default"/> when null.</param>
    public WhiteBoxFgsmBenchmark(ImageSet testSet, IReadOnlyList<double>? levels = null, FgsmOptions? options = null, IL2LevelSolver? solver = null)
    {
        ArgumentNullException.ThrowIfNull(testSet);
        _testSet = testSet;
        _levels = BenchmarkLevels.Validate(levels ?? BenchmarkLevels.Default);
        _options = options ?? new FgsmOptions();
        _options.Validate();
        _solver = solver ?? ExactL2LevelSearch.Default;
        Name = $"{testSet.Name}-fgsm-whitebox";
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public BenchmarkKind Kind => BenchmarkKind.Fgsm;

    /// <inheritdoc />
    public IReadOnlyList<double> Levels => _levels;

    /// <inheritdoc />
    public bool IsWhiteBox => true;

    /// <inheritdoc />
    public IReadOnlyList<BenchmarkLevelSet> LevelSets => [];

    /// <summary>The clean test images.</summary>
    public ImageSet TestSet => _testSet;

    /// <inheritdoc />
    public BenchmarkResult Score(ImageClassifier model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var fgsm = new FgsmPerturbation(model, _options, _solver);
        var results = fgsm.PerturbToLevels(_testSet, _levels, cancellationToken: cancellationToken);
        var scores = new LevelScore[results.Count];
        for (int l = 0; l < results.Count; l++)
        {
            var report = model.Evaluate(results[l].Images, cancellationToken: cancellationToken);
            scores[l] = new LevelScore(_levels[l], report, results[l].FailedIndices.Count);
        }

        return new BenchmarkResult(Name, Kind, true, scores);
    }
}
