using Robustness.Data;
using Robustness.Models;

namespace Robustness.Evaluation.Benchmarks;

/// <summary>
/// A white-box suite: at scoring time an attack (<see cref="IAttack"/>: FGSM, PGD, or one of yours) is run against
/// the scored model itself at every level, and the model is scored on those images. Nothing is fixed or cached; each
/// <see cref="Score"/> carries its own exclusion counts (images the attack could not place at a level).
/// </summary>
public sealed class WhiteBoxAttackBenchmark : IRobustnessBenchmark
{
    private readonly ImageSet _testSet;
    private readonly double[] _levels;
    private readonly Func<ImageClassifier, IAttack> _attack;

    /// <summary>Creates the suite.</summary>
    /// <param name="kind">The kind it reports (<see cref="BenchmarkKind.Fgsm"/>, <see cref="BenchmarkKind.Pgd"/>).</param>
    /// <param name="testSet">The clean test images.</param>
    /// <param name="levels">The l2 levels, strictly increasing.</param>
    /// <param name="attack">Creates the attack against a scored model (e.g. <c>model =&gt; new PgdPerturbation(model, options)</c>).</param>
    public WhiteBoxAttackBenchmark(BenchmarkKind kind, ImageSet testSet, IReadOnlyList<double> levels, Func<ImageClassifier, IAttack> attack)
    {
        ArgumentNullException.ThrowIfNull(testSet);
        ArgumentNullException.ThrowIfNull(attack);
        if (kind is BenchmarkKind.Clean or BenchmarkKind.Gaussian or BenchmarkKind.MinimalL2)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "A white-box attack suite is of an attack kind (fgsm, pgd).");
        }

        Kind = kind;
        _testSet = testSet;
        _levels = BenchmarkLevels.Validate(levels);
        _attack = attack;
        Name = $"{testSet.Name}-{kind.ToName()}-whitebox";
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public BenchmarkKind Kind { get; }

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
        var results = _attack(model).Attack(_testSet, _levels, cancellationToken: cancellationToken);
        var scores = new LevelScore[results.Count];
        for (int l = 0; l < results.Count; l++)
        {
            var report = model.Evaluate(results[l].Images, cancellationToken: cancellationToken);
            scores[l] = new LevelScore(_levels[l], report, results[l].FailedIndices.Count);
        }

        return new BenchmarkResult(Name, Kind, true, scores);
    }
}
