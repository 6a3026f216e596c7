using Robustness.Data;
using Robustness.Models;
using Robustness.Perturbations;

namespace Robustness.Evaluation.Benchmarks;

/// <summary>
/// Builds benchmark suites from a clean test set: clean (MNIST-Test), Gaussian (MNIST-C, seeded
/// <see cref="GaussianNoisePerturbation"/>), FGSM (MNIST-A against a fixed reference model, or the
/// white-box option), PGD-l2 (white-box, or transferred from a reference model) and the minimal-l2 benchmark. Every image is placed at its exact l2 level; images that cannot reach a level
/// are excluded and counted, never faked.
/// </summary>
public sealed class BenchmarkBuilder
{
    private readonly PerturbationOptions _perturbation;
    private readonly IL2LevelSolver _solver;
    private readonly FgsmOptions _fgsm;
    private readonly PgdOptions _pgd;
    private readonly MinimalL2Options _minimal;
    private readonly double[] _defaultLevels;

    /// <summary>Creates a builder.</summary>
    /// <param name="perturbationOptions">Gaussian settings (draws, tolerance, parallelism); the seed is given per suite.</param>
    /// <param name="solver">The l2-level search of both perturbations.</param>
    /// <param name="fgsmOptions">FGSM batch size and search threads.</param>
    /// <param name="evaluationOptions">Gives <see cref="DefaultLevels"/> (<see cref="EvaluationOptions.Levels"/>); the paper's 24 levels when null.</param>
    /// <param name="pgdOptions">PGD steps, step scale, random start and batch size; defaults when null.</param>
    /// <param name="minimalOptions">The minimal-l2 attack's settings; defaults when null.</param>
    public BenchmarkBuilder(PerturbationOptions perturbationOptions, IL2LevelSolver solver, FgsmOptions fgsmOptions, EvaluationOptions? evaluationOptions = null,
        PgdOptions? pgdOptions = null, MinimalL2Options? minimalOptions = null)
    {
        ArgumentNullException.ThrowIfNull(perturbationOptions);
        ArgumentNullException.ThrowIfNull(solver);
        ArgumentNullException.ThrowIfNull(fgsmOptions);
        perturbationOptions.Validate();
        fgsmOptions.Validate();
        _perturbation = perturbationOptions with { };
        _solver = solver;
        _fgsm = fgsmOptions;
        _pgd = pgdOptions ?? new PgdOptions();
        _pgd.Validate();
        _minimal = minimalOptions ?? new MinimalL2Options();
        _minimal.Validate();
        _defaultLevels = BenchmarkLevels.Validate(evaluationOptions?.Levels ?? BenchmarkLevels.Default);
    }

    /// <summary>The same builder with other attack settings (e.g. a study's PGD steps).</summary>
    /// <param name="pgdOptions">PGD settings; this builder's when null.</param>
    /// <param name="minimalOptions">Minimal-l2 settings; this builder's when null.</param>
    /// <returns>The builder.</returns>
    public BenchmarkBuilder WithAttackOptions(PgdOptions? pgdOptions = null, MinimalL2Options? minimalOptions = null) =>
        new(_perturbation, _solver, _fgsm, new EvaluationOptions { Levels = _defaultLevels }, pgdOptions ?? _pgd, minimalOptions ?? _minimal);

    /// <summary>The PGD settings of <see cref="BuildPgd"/> and <see cref="CreateWhiteBoxPgd"/>.</summary>
    public PgdOptions PgdOptions => _pgd;

    /// <summary>The minimal-l2 attack's settings of <see cref="CreateMinimal"/>.</summary>
    public MinimalL2Options MinimalOptions => _minimal;

    /// <summary>The levels used when a build gets none: <see cref="EvaluationOptions.Levels"/>, by default 0.5 .. 12.0 step 0.5.</summary>
    public IReadOnlyList<double> DefaultLevels => _defaultLevels;

    /// <summary>A builder with the default settings and the exact search.</summary>
    /// <returns>The builder.</returns>
    public static BenchmarkBuilder CreateDefault() => new(new PerturbationOptions(), ExactL2LevelSearch.Default, new FgsmOptions());

    /// <summary>The clean suite: the test set itself as the single level 0.</summary>
    /// <param name="testSet">The clean test images.</param>
    /// <returns>The suite.</returns>
    public BenchmarkSuite BuildClean(ImageSet testSet)
    {
        ArgumentNullException.ThrowIfNull(testSet);
        string name = $"{testSet.Name}-clean";
        var level = new BenchmarkLevelSet(0, testSet, testSet.Count, [], 0);
        var generator = new SuiteGenerator("clean", Version(typeof(BenchmarkBuilder)), "none", 0);
        return new BenchmarkSuite(name, BenchmarkKind.Clean, [level], null, generator, BenchmarkSuite.Describe(testSet), null);
    }

    /// <summary>The Gaussian suite (MNIST-C): every test image with seeded Gaussian noise at every level.</summary>
    /// <param name="testSet">The clean test images (the noise of image i depends on its index i in this set).</param>
    /// <param name="seed">The noise seed.</param>
    /// <param name="levels">The l2 levels; <see cref="DefaultLevels"/> when null.</param>
    /// <param name="progress">Optional progress (images finished).</param>
    /// <param name="cancellationToken">Cancels the batch.</param>
    /// <returns>The suite.</returns>
    public BenchmarkSuite BuildGaussian(ImageSet testSet, ulong seed, IReadOnlyList<double>? levels = null, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(testSet);
        double[] checkedLevels = BenchmarkLevels.Validate(levels ?? _defaultLevels);
        var options = _perturbation with { Seed = seed };
        var gaussian = new GaussianNoisePerturbation(options, _solver);
        var results = gaussian.PerturbToLevels(testSet, checkedLevels, progress, cancellationToken);
        string name = $"{testSet.Name}-gaussian";
        var generator = new SuiteGenerator("gaussian-philox4x32-10", Version(typeof(GaussianNoisePerturbation)), _solver.Name, _solver.Tolerance, options.MaxDraws, options.ShareDrawAcrossLevels);
        return new BenchmarkSuite(name, BenchmarkKind.Gaussian, ToLevelSets(testSet, results), seed, generator, BenchmarkSuite.Describe(testSet), null);
    }

    /// <summary>
    /// The fixed FGSM suite (MNIST-A, like the paper's): every test image with FGSM against a reference
    /// model (the clean model of the same architecture) at every level; gradients are computed once.
    /// </summary>
    /// <param name="testSet">The clean test images with their true labels.</param>
    /// <param name="referenceModel">The model the attack is computed against (not disposed).</param>
    /// <param name="referenceFingerprint">The model's fingerprint; computed with <see cref="ReferenceModelFingerprint.FromModel"/> when null.</param>
    /// <param name="levels">The l2 levels; <see cref="DefaultLevels"/> when null.</param>
    /// <param name="progress">Optional progress (images finished, all levels).</param>
    /// <param name="cancellationToken">Cancels the batch.</param>
    /// <returns>The suite.</returns>
    public BenchmarkSuite BuildFgsm(ImageSet testSet, ImageClassifier referenceModel, ReferenceModelFingerprint? referenceFingerprint = null, IReadOnlyList<double>? levels = null, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(testSet);
        ArgumentNullException.ThrowIfNull(referenceModel);
        double[] checkedLevels = BenchmarkLevels.Validate(levels ?? _defaultLevels);
        referenceFingerprint = CheckReference(referenceModel, referenceFingerprint);
        var fgsm = new FgsmPerturbation(referenceModel, _fgsm, _solver);
        var results = fgsm.PerturbToLevels(testSet, checkedLevels, progress, cancellationToken);
        string name = $"{testSet.Name}-fgsm";
        var generator = new SuiteGenerator("fgsm-sign-gradient", Version(typeof(FgsmPerturbation)), _solver.Name, _solver.Tolerance);
        return new BenchmarkSuite(name, BenchmarkKind.Fgsm, ToLevelSets(testSet, results), null, generator, BenchmarkSuite.Describe(testSet), referenceFingerprint);
    }

    /// <summary>
    /// The fixed (transfer) PGD suite: every test image with PGD-l2 against a reference model at every level,
    /// each image placed at its exact level. White-box PGD (<see cref="CreateWhiteBoxPgd"/>) is the default in studies.
    /// </summary>
    /// <param name="testSet">The clean test images with their true labels.</param>
    /// <param name="referenceModel">The model the attack is computed against (not disposed).</param>
    /// <param name="referenceFingerprint">The model's fingerprint; computed with <see cref="ReferenceModelFingerprint.FromModel"/> when null.</param>
    /// <param name="levels">The l2 levels; <see cref="DefaultLevels"/> when null.</param>
    /// <param name="progress">Optional progress (images finished, all levels).</param>
    /// <param name="cancellationToken">Cancels the batch.</param>
    /// <returns>The suite.</returns>
    public BenchmarkSuite BuildPgd(ImageSet testSet, ImageClassifier referenceModel, ReferenceModelFingerprint? referenceFingerprint = null, IReadOnlyList<double>? levels = null, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(testSet);
        ArgumentNullException.ThrowIfNull(referenceModel);
        double[] checkedLevels = BenchmarkLevels.Validate(levels ?? _defaultLevels);
        referenceFingerprint = CheckReference(referenceModel, referenceFingerprint);
        var pgd = new PgdPerturbation(referenceModel, _pgd, _solver);
        var results = pgd.PerturbToLevels(testSet, checkedLevels, progress, cancellationToken);
        return new BenchmarkSuite($"{testSet.Name}-pgd", BenchmarkKind.Pgd, ToLevelSets(testSet, results), PgdSeed(_pgd), PgdGenerator(_pgd), BenchmarkSuite.Describe(testSet), referenceFingerprint);
    }

    /// <summary>The white-box FGSM option: images regenerated against each scored model at scoring time.</summary>
    /// <param name="testSet">The clean test images.</param>
    /// <param name="levels">The l2 levels; <see cref="DefaultLevels"/> when null.</param>
    /// <returns>The suite.</returns>
    public WhiteBoxAttackBenchmark CreateWhiteBoxFgsm(ImageSet testSet, IReadOnlyList<double>? levels = null) =>
        new(BenchmarkKind.Fgsm, testSet, levels ?? _defaultLevels, model => new FgsmPerturbation(model, _fgsm, _solver));

    /// <summary>White-box PGD-l2: images generated against each scored model at scoring time (RobustBench's standard evaluation).</summary>
    /// <param name="testSet">The clean test images.</param>
    /// <param name="levels">The l2 levels; <see cref="DefaultLevels"/> when null.</param>
    /// <returns>The suite.</returns>
    public WhiteBoxAttackBenchmark CreateWhiteBoxPgd(ImageSet testSet, IReadOnlyList<double>? levels = null) =>
        new(BenchmarkKind.Pgd, testSet, levels ?? _defaultLevels, model => new PgdPerturbation(model, _pgd, _solver));

    /// <summary>The minimal-distance benchmark: robust accuracy at every level and the median minimal l2 distance, white-box.</summary>
    /// <param name="testSet">The clean test images.</param>
    /// <param name="levels">The l2 levels; <see cref="DefaultLevels"/> when null.</param>
    /// <returns>The benchmark.</returns>
    public MinimalL2Benchmark CreateMinimal(ImageSet testSet, IReadOnlyList<double>? levels = null) => new(testSet, levels ?? _defaultLevels, _minimal);

    /// <summary>The generator record of a PGD suite: its steps, step scale and random start are part of the suite's key.</summary>
    /// <param name="options">The PGD settings.</param>
    /// <returns>The record.</returns>
    internal SuiteGenerator PgdGenerator(PgdOptions options) =>
        new("pgd-l2", Version(typeof(PgdPerturbation)), _solver.Name, _solver.Tolerance, Steps: options.Steps, StepScale: options.StepScale, RandomStart: options.RandomStart);

    /// <summary>The seed recorded for a PGD suite: the random start's, or null without one.</summary>
    /// <param name="options">The PGD settings.</param>
    /// <returns>The seed.</returns>
    internal static ulong? PgdSeed(PgdOptions options) => options.RandomStart ? options.Seed : null;

    private static ReferenceModelFingerprint CheckReference(ImageClassifier referenceModel, ReferenceModelFingerprint? referenceFingerprint)
    {
        referenceFingerprint ??= ReferenceModelFingerprint.FromModel(referenceModel);
        if (!string.Equals(referenceFingerprint.Architecture, referenceModel.Architecture, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The reference fingerprint is of architecture '{referenceFingerprint.Architecture}' but the model is '{referenceModel.Architecture}'.", nameof(referenceFingerprint));
        }

        return referenceFingerprint;
    }

    private static BenchmarkLevelSet[] ToLevelSets(ImageSet testSet, IReadOnlyList<PerturbationResult> results)
    {
        var sets = new BenchmarkLevelSet[results.Count];
        for (int l = 0; l < results.Count; l++)
        {
            var r = results[l];
            var excluded = r.Outcomes.Where(o => !o.HasImage).GroupBy(o => o.Status.ToString()).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            sets[l] = new BenchmarkLevelSet(r.Target, r.Images, testSet.Count, r.FailedIndices, r.MaxAbsoluteError, excluded);
        }

        return sets;
    }

    private static string Version(Type type) => type.Assembly.GetName().Version?.ToString() ?? "0.0.0.0";
}
