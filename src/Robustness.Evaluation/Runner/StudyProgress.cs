using Robustness.Evaluation.Benchmarks;
using Robustness.Evaluation.Results;
using Robustness.Models;

namespace Robustness.Evaluation.Runner;

/// <summary>What the runner is doing.</summary>
public enum StudyStage
{
    /// <summary>Training (or loading) the clean model of an architecture (the FGSM source).</summary>
    CleanModel,

    /// <summary>Building or loading the benchmark suites of an architecture.</summary>
    Suites,

    /// <summary>Building a run's training set.</summary>
    TrainingSet,

    /// <summary>An epoch of a run's training finished.</summary>
    Epoch,

    /// <summary>Scoring a run's model on the suites.</summary>
    Scoring,

    /// <summary>A run finished and its row was stored.</summary>
    RunFinished,

    /// <summary>A worker waits: no run is free, others hold live leases (<see cref="StudyRunner.RunWorker"/>).</summary>
    Waiting,
}

/// <summary>A progress report of <see cref="StudyRunner"/>.</summary>
/// <param name="Stage">The stage.</param>
/// <param name="Study">The study's name.</param>
/// <param name="Architecture">The architecture.</param>
/// <param name="RunNumber">The run's position in the whole design, from 1 (0 for the clean model and the suites).</param>
/// <param name="RunCount">Runs in the whole design.</param>
/// <param name="PointId">The design point (null for the clean model and the suites).</param>
/// <param name="Seed">The run's seed (null for the clean model and the suites).</param>
/// <param name="Epoch">The epoch that finished (Epoch stage), else 0.</param>
/// <param name="MaxEpochs">The most epochs of the training, else 0.</param>
/// <param name="FinishedRuns">Runs stored so far (earlier sessions included).</param>
/// <param name="Elapsed">Time since this session of the runner started.</param>
/// <param name="Eta">Estimated time to the end: the mean time of the runs finished in this session times the runs left; null before the first.</param>
/// <param name="Message">One line for people.</param>
public sealed record StudyProgress(
    StudyStage Stage,
    string Study,
    string Architecture,
    int RunNumber,
    int RunCount,
    string? PointId,
    ulong? Seed,
    int Epoch,
    int MaxEpochs,
    int FinishedRuns,
    TimeSpan Elapsed,
    TimeSpan? Eta,
    string Message);

/// <summary>What a call of <see cref="StudyRunner.Run"/> did.</summary>
/// <param name="Study">The study's name.</param>
/// <param name="PlannedRuns">Runs in the design.</param>
/// <param name="SkippedRuns">Runs already in the store at the start (not run again).</param>
/// <param name="CompletedRuns">Runs finished and stored by this call.</param>
/// <param name="CleanModelsTrained">Clean models trained by this call.</param>
/// <param name="CleanModelsLoaded">Clean models loaded from their checkpoint.</param>
/// <param name="SuitesBuilt">Benchmark suites built (and cached) by this call.</param>
/// <param name="SuitesLoaded">Benchmark suites loaded from the cache.</param>
/// <param name="Elapsed">Wall time of the call.</param>
public sealed record StudyRunSummary(
    string Study,
    int PlannedRuns,
    int SkippedRuns,
    int CompletedRuns,
    int CleanModelsTrained,
    int CleanModelsLoaded,
    int SuitesBuilt,
    int SuitesLoaded,
    TimeSpan Elapsed)
{
    /// <summary>The work folder (full path).</summary>
    public string WorkDirectory { get; init; } = "";

    /// <summary>The suite cache folder (full path).</summary>
    public string SuiteDirectory { get; init; } = "";

    /// <summary>The clean model's checkpoint of every architecture that ran in this call (weights path; the sidecar is path + ".json").</summary>
    public IReadOnlyDictionary<string, string> CleanCheckpoints { get; init; } = new Dictionary<string, string>();

    /// <summary>The folders of the cached suites this call scored with (clean, Gaussian, transferred attacks), each with its manifest.</summary>
    public IReadOnlyList<string> SuiteFolders { get; init; } = [];
}

/// <summary>Settings of one call of <see cref="StudyRunner.Run"/> that are not part of the design.</summary>
public sealed record StudyRunOptions
{
    /// <summary>The study's work folder: clean-model checkpoints (<c>{work}/{study}/{architecture}-clean.bin</c>) and, by default, the suite cache.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>The suite cache folder; default <c>{work}/suites</c>.</summary>
    public string? SuiteCacheDirectory { get; init; }

    /// <summary>The l2 levels of the Gaussian and FGSM suites; default <see cref="EvaluationOptions.Levels"/>.</summary>
    public IReadOnlyList<double>? BenchmarkLevels { get; init; }

    /// <summary>The Gaussian suite's noise seed; default <see cref="EvaluationOptions.Seed"/>.</summary>
    public ulong? BenchmarkSeed { get; init; }

    /// <summary>Score MNIST-A white-box (FGSM against each scored model); default <see cref="EvaluationOptions.WhiteBoxFgsm"/>.</summary>
    public bool? WhiteBoxFgsm { get; init; }

    /// <summary>
    /// Attack columns beyond MNIST-A (<see cref="StudyAttack"/>: white-box FGSM, PGD, minimal-l2, or transferred FGSM/PGD),
    /// scored on the same benchmark levels and stored in <see cref="StudyRow.Attacks"/>; none by default.
    /// </summary>
    public IReadOnlyList<StudyAttack> Attacks { get; init; } = [];

    /// <summary>The PGD settings of the PGD columns and of PGD training images; the builder's (<see cref="BenchmarkBuilder.PgdOptions"/>) when null.</summary>
    public PgdOptions? Pgd { get; init; }

    /// <summary>
    /// How the design's adversarial training images are made (the FGSM factor of RQ2, RQ5, RQ6): <c>fgsm</c> (default,
    /// the paper's) or <c>pgd</c> (PGD-l2 against the clean model, placed at the same exact levels).
    /// </summary>
    public string TrainingAttack { get; init; } = "fgsm";

    /// <summary>
    /// Run only one shard of the design's runs (a static split over machines without a shared database, docs/scale-out.md):
    /// run i (0-based, in <see cref="Designs.StudyDesign.Runs"/> order) belongs to shard <c>i % Count + 1</c>. Null: every run.
    /// </summary>
    public StudyShard? Shard { get; init; }
}

/// <summary>Shard <see cref="Index"/> of <see cref="Count"/>: every <see cref="Count"/>-th run of a design, starting at run <see cref="Index"/> (1-based).</summary>
/// <param name="Index">The shard, 1 to <paramref name="Count"/>.</param>
/// <param name="Count">The number of shards, at least 1.</param>
public sealed record StudyShard(int Index, int Count)
{
    /// <summary>The most shards a study is split into.</summary>
    public const int MaxCount = 10_000;

    /// <summary>Whether run <paramref name="runIndex"/> (0-based, in the design's run order) belongs to this shard.</summary>
    /// <param name="runIndex">The run's position.</param>
    /// <returns>True when it does.</returns>
    public bool Contains(int runIndex) => runIndex % Count == Index - 1;

    /// <summary>Parses <c>K/N</c> (1 &lt;= K &lt;= N &lt;= <see cref="MaxCount"/>).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The shard.</returns>
    /// <exception cref="FormatException">The text is not K/N within the limits; the message says what is allowed.</exception>
    public static StudyShard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k)
            && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n)
            && n is >= 1 and <= MaxCount && k >= 1 && k <= n)
        {
            return new StudyShard(k, n);
        }

        throw new FormatException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Shard '{text}' is not K/N with 1 <= K <= N <= {MaxCount} (e.g. 2/4: the second of four shards)."));
    }

    /// <summary>The shard as <c>K/N</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
