using System.Globalization;
using Robustness.Data;
using Robustness.Models;

namespace Robustness.Evaluation.Benchmarks;

/// <summary>
/// A fixed benchmark suite: the perturbed test images of every level, made once (by a
/// <see cref="BenchmarkBuilder"/>) or read back from an exported folder (<see cref="Load"/>), and the
/// provenance written to its manifest. Immutable; scoring only reads it.
/// </summary>
public sealed class BenchmarkSuite : IRobustnessBenchmark
{
    private readonly BenchmarkLevelSet[] _levelSets;
    private readonly double[] _levels;

    internal BenchmarkSuite(string name, BenchmarkKind kind, IReadOnlyList<BenchmarkLevelSet> levelSets, ulong? seed, SuiteGenerator generator, SuiteTestSet testSet, ReferenceModelFingerprint? referenceModel, SuiteManifest? manifest = null)
    {
        Name = name;
        Kind = kind;
        _levelSets = [.. levelSets];
        _levels = _levelSets.Select(l => l.Level).ToArray();
        Seed = seed;
        Generator = generator;
        TestSet = testSet;
        ReferenceModel = referenceModel;
        Manifest = manifest;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public BenchmarkKind Kind { get; }

    /// <inheritdoc />
    public IReadOnlyList<double> Levels => _levels;

    /// <inheritdoc />
    public bool IsWhiteBox => false;

    /// <inheritdoc />
    public IReadOnlyList<BenchmarkLevelSet> LevelSets => _levelSets;

    /// <summary>The Gaussian noise seed; null for clean and FGSM suites.</summary>
    public ulong? Seed { get; }

    /// <summary>What generated the images.</summary>
    internal SuiteGenerator Generator { get; }

    /// <summary>The clean test set the suite was made from (name, fingerprint, counts).</summary>
    internal SuiteTestSet TestSet { get; }

    /// <summary>The name of the clean test set the suite was made from.</summary>
    public string TestSetName => TestSet.Name;

    /// <summary>How many images the clean test set has (each level holds at most as many).</summary>
    public int TestCount => TestSet.Count;

    /// <summary>The name of the file, inside a saved suite's folder, that lists its files and their SHA-256.</summary>
    public const string ManifestFileName = SuiteManifest.FileName;

    /// <summary>The reference model of an FGSM suite; null for the others.</summary>
    public ReferenceModelFingerprint? ReferenceModel { get; }

    /// <summary>The manifest this suite was loaded from or last saved with; null for a suite never saved.</summary>
    internal SuiteManifest? Manifest { get; private set; }

    /// <summary>Perturbed images over all levels.</summary>
    public int ImageCount => _levelSets.Sum(l => l.Images.Count);

    /// <summary>Excluded (unreachable) images over all levels.</summary>
    public int ExcludedCount => _levelSets.Sum(l => l.ExcludedCount);

    /// <summary>The largest |distance - level| over every image of every level.</summary>
    public double MaxAbsoluteError => _levelSets.Length == 0 ? 0 : _levelSets.Max(l => l.MaxAbsoluteError);

    /// <summary>
    /// What the suite is, as one SHA-256 (hex) over its kind, levels, seed, test-set fingerprint, reference model and
    /// generator settings: two suites with the same identity hold the same images.
    /// </summary>
    public string Identity => Key.Hash;

    /// <summary>The cache key of this suite.</summary>
    internal SuiteKey Key => new(Kind, _levels, Seed, TestSet.Fingerprint, ReferenceModel?.Key, Generator.KeySettings);

    /// <inheritdoc />
    public BenchmarkResult Score(ImageClassifier model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var scores = new LevelScore[_levelSets.Length];
        for (int l = 0; l < _levelSets.Length; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var set = _levelSets[l];
            scores[l] = new LevelScore(set.Level, model.Evaluate(set.Images, cancellationToken: cancellationToken), set.ExcludedCount);
        }

        return new BenchmarkResult(Name, Kind, false, scores);
    }

    /// <summary>
    /// Exports the suite to a folder: per level an IDX float32 images file and an IDX unsigned-byte
    /// labels file, then <c>manifest.json</c> (written last) with the SHA-256 and counts of every file.
    /// Everything is written into a temporary folder beside <paramref name="folder"/> that is then moved
    /// into place, so the folder appears complete or not at all.
    /// </summary>
    /// <param name="folder">The suite folder to create; it must be absent or empty unless <paramref name="overwrite"/>.</param>
    /// <param name="overwrite">Replace an existing folder (its old content is removed after the new one is in place).</param>
    /// <param name="cancellationToken">Cancels between files (nothing is left behind).</param>
    /// <returns>The suite folder's full path.</returns>
    /// <exception cref="IOException">The folder exists and is not empty, and <paramref name="overwrite"/> is false.</exception>
    public string Save(string folder, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        Manifest = SuiteFiles.Save(this, folder, overwrite, cancellationToken);
        return Path.GetFullPath(folder);
    }

    /// <summary>
    /// Reads an exported suite back, verifying the SHA-256 and the counts of every file listed in its manifest.
    /// </summary>
    /// <param name="path">The suite folder, or its <c>manifest.json</c>.</param>
    /// <param name="cancellationToken">Cancels between files.</param>
    /// <returns>The suite.</returns>
    /// <exception cref="FileNotFoundException">The manifest or a listed file is missing (the message names it).</exception>
    /// <exception cref="InvalidDataException">The manifest is invalid, or a file does not match it (the message starts with the file's path and says what differs).</exception>
    public static BenchmarkSuite Load(string path, CancellationToken cancellationToken = default) => SuiteFiles.Load(path, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name} ({Kind.ToName()}): {_levels.Length} levels, {ImageCount:N0} images, {ExcludedCount:N0} excluded, max |error| {MaxAbsoluteError:E2}");

    internal static SuiteTestSet Describe(ImageSet testSet) =>
        new(testSet.Name, DataFingerprint.Compute(testSet), testSet.Count, testSet.Height, testSet.Width, testSet.ClassCount, [.. testSet.ClassCounts]);
}
