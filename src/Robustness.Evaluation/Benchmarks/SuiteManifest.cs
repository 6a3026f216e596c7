namespace Robustness.Evaluation.Benchmarks;

/// <summary>
/// The JSON manifest (<c>manifest.json</c>) of an exported suite: what was generated, how, from what,
/// and the SHA-256 and counts of every file. Written last; a suite is read back only through it.
/// </summary>
internal sealed record SuiteManifest
{
    /// <summary>The manifest format this code writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The manifest's file name inside a suite folder.</summary>
    public const string FileName = "manifest.json";

    /// <summary>The manifest format.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The suite's name.</summary>
    public required string SuiteName { get; init; }

    /// <summary>The suite kind: <c>clean</c>, <c>gaussian</c> or <c>fgsm</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The l2 levels, in file order.</summary>
    public required IReadOnlyList<double> Levels { get; init; }

    /// <summary>The noise seed (Gaussian suites); null for the others.</summary>
    public ulong? Seed { get; init; }

    /// <summary>The generator and its settings.</summary>
    public required SuiteGenerator Generator { get; init; }

    /// <summary>The clean test set the suite was made from.</summary>
    public required SuiteTestSet TestSet { get; init; }

    /// <summary>The reference model (FGSM suites); null for the others.</summary>
    public ReferenceModelFingerprint? ReferenceModel { get; init; }

    /// <summary>One entry per level, in level order.</summary>
    public required IReadOnlyList<SuiteLevelFile> LevelFiles { get; init; }

    /// <summary>The library that wrote the suite, e.g. <c>Robustness.Evaluation 0.1.0.0</c>.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>When the suite was written (UTC).</summary>
    public DateTimeOffset CreatedUtc { get; init; }
}

/// <summary>What generated a suite's images.</summary>
/// <param name="Name">The generator: <c>clean</c>, <c>gaussian-philox4x32-10</c> or <c>fgsm-sign-gradient</c>.</param>
/// <param name="Version">The version of the assembly that holds it.</param>
/// <param name="Solver">The l2-level search (<c>exact</c>, <c>paper-grid</c>; <c>none</c> for clean).</param>
/// <param name="Tolerance">The search's tolerance on |distance - level| (0 for clean).</param>
/// <param name="MaxDraws">Gaussian draws per image and level before an image is excluded (Gaussian only).</param>
/// <param name="ShareDrawAcrossLevels">Whether one Gaussian draw is scaled to every level (Gaussian only).</param>
/// <param name="Steps">PGD steps per image and level (PGD only).</param>
/// <param name="StepScale">PGD step size as a multiple of level / steps (PGD only).</param>
/// <param name="RandomStart">Whether PGD started from a seeded random point of the ball (PGD only; the seed is the suite's).</param>
internal sealed record SuiteGenerator(string Name, string Version, string Solver, double Tolerance, int? MaxDraws = null, bool? ShareDrawAcrossLevels = null,
    int? Steps = null, double? StepScale = null, bool? RandomStart = null)
{
    /// <summary>The settings that change the images beyond kind, levels and seed (PGD's steps, scale, start), as key text; null for the others.</summary>
    public string? KeySettings => Steps is null ? null : FormattableString.Invariant($"steps={Steps};scale={StepScale:R};random={(RandomStart == true ? "yes" : "no")}");
}

/// <summary>The clean test set of a suite.</summary>
/// <param name="Name">The set's name.</param>
/// <param name="Fingerprint">Its <see cref="Models.DataFingerprint"/> (SHA-256 of sizes, pixels and labels).</param>
/// <param name="Count">Images.</param>
/// <param name="Height">Image height.</param>
/// <param name="Width">Image width.</param>
/// <param name="ClassCount">Classes.</param>
/// <param name="ClassCounts">Images per class.</param>
internal sealed record SuiteTestSet(string Name, string Fingerprint, int Count, int Height, int Width, int ClassCount, IReadOnlyList<int> ClassCounts);

/// <summary>The files and counts of one level.</summary>
/// <param name="Level">The l2 level.</param>
/// <param name="ImagesFile">The images file (IDX float32, count x height x width), relative to the suite folder.</param>
/// <param name="ImagesSha256">Lower-case hex SHA-256 of the images file.</param>
/// <param name="LabelsFile">The labels file (IDX unsigned byte), relative to the suite folder.</param>
/// <param name="LabelsSha256">Lower-case hex SHA-256 of the labels file.</param>
/// <param name="Count">Images in the files.</param>
/// <param name="ClassCounts">Images per class in the files.</param>
/// <param name="Excluded">Test images excluded at this level (not reachable); Count + Excluded = the test set's count.</param>
/// <param name="ExcludedSourceIndices">Indices (in the test set) of the excluded images, ascending; the files hold the others in order.</param>
/// <param name="ExcludedByStatus">Excluded images by perturbation status (e.g. <c>Unreachable</c>, <c>ZeroDirection</c>).</param>
/// <param name="MaxAbsoluteError">The largest |distance - level| over the images in the files.</param>
internal sealed record SuiteLevelFile(
    double Level,
    string ImagesFile,
    string ImagesSha256,
    string LabelsFile,
    string LabelsSha256,
    int Count,
    IReadOnlyList<int> ClassCounts,
    int Excluded,
    IReadOnlyList<int> ExcludedSourceIndices,
    IReadOnlyDictionary<string, int> ExcludedByStatus,
    double MaxAbsoluteError);
