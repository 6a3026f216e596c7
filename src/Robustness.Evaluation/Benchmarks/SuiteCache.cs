using Robustness.Data;
using Robustness.Models;
using Robustness.Perturbations;

namespace Robustness.Evaluation.Benchmarks;

/// <summary>
/// Builds each suite once: a suite is stored under <c>{Folder}/{key.FolderName}</c> (see
/// <see cref="SuiteKey"/>) and every later request for the same key loads it from disk, verifying every
/// file against the manifest (a mismatch is an <see cref="InvalidDataException"/>, never a silent rebuild).
/// Suite folders appear atomically, so a crash never leaves a half-written suite under its key.
/// Thread-safe within a process (one lock).
/// </summary>
internal sealed class SuiteCache
{
    private readonly Lock _lock = new();
    private int _builds;
    private int _loads;

    /// <summary>Creates a cache over a folder (created when needed).</summary>
    /// <param name="folder">The cache folder.</param>
    public SuiteCache(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = Path.GetFullPath(folder);
    }

    /// <summary>The cache folder.</summary>
    public string Folder { get; }

    /// <summary>Suites built (not found on disk) by this instance.</summary>
    public int BuildCount => Volatile.Read(ref _builds);

    /// <summary>Suites loaded from disk by this instance.</summary>
    public int LoadCount => Volatile.Read(ref _loads);

    /// <summary>The folder of a key's suite.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The folder (it may not exist yet).</returns>
    public string GetFolder(SuiteKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Path.Combine(Folder, key.FolderName);
    }

    /// <summary>Whether a key's suite is stored (its manifest exists).</summary>
    /// <param name="key">The key.</param>
    /// <returns>True when stored.</returns>
    public bool Contains(SuiteKey key) => File.Exists(Path.Combine(GetFolder(key), SuiteManifest.FileName));

    /// <summary>
    /// Loads the key's suite when stored (verified), otherwise builds it with <paramref name="build"/>,
    /// checks that it matches the key, saves it and returns it.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="build">Builds the suite when it is not stored.</param>
    /// <param name="cancellationToken">Cancels the load or the save.</param>
    /// <returns>The suite.</returns>
    /// <exception cref="InvalidDataException">The stored suite does not match its files or its key.</exception>
    /// <exception cref="InvalidOperationException">The built suite does not match the key.</exception>
    public BenchmarkSuite GetOrBuild(SuiteKey key, Func<BenchmarkSuite> build, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(build);
        lock (_lock)
        {
            string folder = GetFolder(key);
            if (Contains(key))
            {
                var loaded = BenchmarkSuite.Load(folder, cancellationToken);
                if (!loaded.Key.Equals(key))
                {
                    throw new InvalidDataException($"{Path.Combine(folder, SuiteManifest.FileName)}: expected a suite with key {key}, found {loaded.Key}.");
                }

                Interlocked.Increment(ref _loads);
                return loaded;
            }

            var suite = build() ?? throw new InvalidOperationException("The suite builder returned null.");
            if (!suite.Key.Equals(key))
            {
                throw new InvalidOperationException($"The built suite has key {suite.Key}, not the requested {key}.");
            }

            Interlocked.Increment(ref _builds);
            suite.Save(folder, overwrite: true, cancellationToken);
            return suite;
        }
    }

    /// <summary>The clean suite of a test set, built once.</summary>
    /// <param name="builder">Builds the suite when needed.</param>
    /// <param name="testSet">The clean test images.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The suite.</returns>
    public BenchmarkSuite GetOrBuildClean(BenchmarkBuilder builder, ImageSet testSet, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(testSet);
        var key = new SuiteKey(BenchmarkKind.Clean, BenchmarkLevels.Clean, null, DataFingerprint.Compute(testSet), null);
        return GetOrBuild(key, () => builder.BuildClean(testSet), cancellationToken);
    }

    /// <summary>The Gaussian suite of a test set, seed and levels, built once.</summary>
    /// <param name="builder">Builds the suite when needed.</param>
    /// <param name="testSet">The clean test images.</param>
    /// <param name="seed">The noise seed.</param>
    /// <param name="levels">The levels; the builder's <see cref="BenchmarkBuilder.DefaultLevels"/> when null.</param>
    /// <param name="progress">Progress of a build.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The suite.</returns>
    public BenchmarkSuite GetOrBuildGaussian(BenchmarkBuilder builder, ImageSet testSet, ulong seed, IReadOnlyList<double>? levels = null, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(testSet);
        levels ??= builder.DefaultLevels;
        var key = new SuiteKey(BenchmarkKind.Gaussian, levels, seed, DataFingerprint.Compute(testSet), null);
        return GetOrBuild(key, () => builder.BuildGaussian(testSet, seed, levels, progress, cancellationToken), cancellationToken);
    }

    /// <summary>The fixed FGSM suite of a test set against a reference model, built once.</summary>
    /// <param name="builder">Builds the suite when needed.</param>
    /// <param name="testSet">The clean test images.</param>
    /// <param name="referenceModel">The reference model.</param>
    /// <param name="referenceFingerprint">Its fingerprint; computed when null.</param>
    /// <param name="levels">The levels; the builder's <see cref="BenchmarkBuilder.DefaultLevels"/> when null.</param>
    /// <param name="progress">Progress of a build.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The suite.</returns>
    public BenchmarkSuite GetOrBuildFgsm(BenchmarkBuilder builder, ImageSet testSet, ImageClassifier referenceModel, ReferenceModelFingerprint? referenceFingerprint = null, IReadOnlyList<double>? levels = null, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(testSet);
        ArgumentNullException.ThrowIfNull(referenceModel);
        levels ??= builder.DefaultLevels;
        var fingerprint = referenceFingerprint ?? ReferenceModelFingerprint.FromModel(referenceModel);
        var key = new SuiteKey(BenchmarkKind.Fgsm, levels, null, DataFingerprint.Compute(testSet), fingerprint.Key);
        return GetOrBuild(key, () => builder.BuildFgsm(testSet, referenceModel, fingerprint, levels, progress, cancellationToken), cancellationToken);
    }

    /// <summary>The fixed (transfer) PGD suite of a test set against a reference model, built once (the builder's PGD settings are part of the key).</summary>
    /// <param name="builder">Builds the suite when needed.</param>
    /// <param name="testSet">The clean test images.</param>
    /// <param name="referenceModel">The reference model.</param>
    /// <param name="referenceFingerprint">Its fingerprint; computed when null.</param>
    /// <param name="levels">The levels; the builder's <see cref="BenchmarkBuilder.DefaultLevels"/> when null.</param>
    /// <param name="progress">Progress of a build.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The suite.</returns>
    public BenchmarkSuite GetOrBuildPgd(BenchmarkBuilder builder, ImageSet testSet, ImageClassifier referenceModel, ReferenceModelFingerprint? referenceFingerprint = null, IReadOnlyList<double>? levels = null, IProgress<PerturbationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(testSet);
        ArgumentNullException.ThrowIfNull(referenceModel);
        levels ??= builder.DefaultLevels;
        var fingerprint = referenceFingerprint ?? ReferenceModelFingerprint.FromModel(referenceModel);
        var key = new SuiteKey(BenchmarkKind.Pgd, levels, BenchmarkBuilder.PgdSeed(builder.PgdOptions), DataFingerprint.Compute(testSet), fingerprint.Key,
            builder.PgdGenerator(builder.PgdOptions).KeySettings);
        return GetOrBuild(key, () => builder.BuildPgd(testSet, referenceModel, fingerprint, levels, progress, cancellationToken), cancellationToken);
    }
}
