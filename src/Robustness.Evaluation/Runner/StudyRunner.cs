using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Robustness.Data;
using Robustness.Evaluation.Benchmarks;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Evaluation.Training;
using Robustness.Models;
using Robustness.Randomness;
using Robustness.Perturbations;

namespace Robustness.Evaluation.Runner;

/// <summary>
/// Runs a study: per architecture, trains (or reloads) the clean model, builds or loads the three
/// benchmark suites through a <see cref="SuiteCache"/>, then for every design run that the store does
/// not hold yet builds the training set, trains, scores and stores one <see cref="StudyRow"/>.
/// Resumable and deterministic (see docs/evaluation.md, "Runner and result store").
/// </summary>
/// <remarks>
/// Seeds: the clean model of an architecture is initialised and trained with the design's first seed.
/// A run with seed s initialises its model with s, shuffles batches with s, picks the training-set
/// images with s (<see cref="ITrainingSetFactory"/>), and draws the Gaussian noise of its added images
/// with <c>Derive(s, 0x6761757373)</c> (xoshiro256**). The clean point's run with the first seed trains
/// exactly the clean model (same data, same seeds), so its row reuses the clean model instead of
/// training it a second time.
/// </remarks>
public sealed partial class StudyRunner
{
    /// <summary>The stream from which a run's Gaussian training noise seed is derived ("gauss").</summary>
    public const ulong GaussianNoiseStream = 0x67_61_75_73_73;

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly IModelFactory _factory;
    private readonly ModelTrainer _trainer;
    private readonly BenchmarkBuilder _builder;
    private readonly ITrainingSetFactory _sets;
    private readonly PerturbationOptions _perturbation;
    private readonly IL2LevelSolver _solver;
    private readonly FgsmOptions _fgsm;
    private readonly EvaluationOptions _evaluation;
    private readonly ILogger<StudyRunner> _logger;

    /// <summary>Creates a runner from its services (as registered by <c>AddRobustnessEvaluation</c>).</summary>
    /// <param name="factory">Creates the models.</param>
    /// <param name="trainer">Trains them (its <see cref="ModelOptions"/> fix device and thread count).</param>
    /// <param name="builder">Builds the benchmark suites.</param>
    /// <param name="sets">Builds the training sets.</param>
    /// <param name="perturbation">The Gaussian perturbation's settings (the runner sets the seed per run).</param>
    /// <param name="solver">The l2-level solver of the Gaussian training images.</param>
    /// <param name="fgsm">The FGSM settings of the training images.</param>
    /// <param name="evaluation">Default suite levels, seed and white-box setting.</param>
    /// <param name="logger">The log.</param>
    internal StudyRunner(IModelFactory factory, ModelTrainer trainer, BenchmarkBuilder builder, ITrainingSetFactory sets, PerturbationOptions perturbation,
        IL2LevelSolver solver, FgsmOptions fgsm, EvaluationOptions evaluation, ILogger<StudyRunner> logger)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentNullException.ThrowIfNull(perturbation);
        ArgumentNullException.ThrowIfNull(solver);
        ArgumentNullException.ThrowIfNull(fgsm);
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(logger);
        _factory = factory;
        _trainer = trainer;
        _builder = builder;
        _sets = sets;
        _perturbation = perturbation;
        _solver = solver;
        _fgsm = fgsm;
        _evaluation = evaluation;
        _logger = logger;
    }

    /// <summary>Runs every run of <paramref name="design"/> that <paramref name="store"/> does not hold yet.</summary>
    /// <param name="design">The design.</param>
    /// <param name="data">The clean training and test sets (already cut to the design's sizes).</param>
    /// <param name="store">Where rows go; the study and its design are recorded there first.</param>
    /// <param name="options">Work folder and suite settings.</param>
    /// <param name="progress">Progress reports (clean model, suites, training set, every epoch, scoring, each stored row).</param>
    /// <param name="cancellationToken">Cancels between batches; finished rows stay stored.</param>
    /// <returns>What was done, with the clean checkpoints and suite folders used.</returns>
    /// <exception cref="InvalidOperationException">The store holds the study with another design or other data.</exception>
    public StudyRunSummary Run(StudyDesign design, StudyData data, IResultStore store, StudyRunOptions options, IProgress<StudyProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var clock = Stopwatch.StartNew();
        var plan = Plan(design, data, options);
        store.RecordStudy(plan.Record);
        var mine = plan.Runs.Select((r, i) => (Run: r, Number: i + 1)).Where(r => options.Shard?.Contains(r.Number - 1) ?? true).ToList();
        var todo = mine.Where(r => !store.Contains(r.Run.Key)).ToList();
        var session = new Session(plan, progress, clock, plan.Runs.Count - todo.Count);
        LogStart(design.StudyName, mine.Count, mine.Count - todo.Count, data.Description);

        Directory.CreateDirectory(plan.ModelFolder);
        Directory.CreateDirectory(plan.SuiteFolder);
        RemoveStaleTemporaries(plan.ModelFolder);
        RemoveStaleTemporaries(plan.SuiteFolder);
        var cache = new SuiteCache(plan.SuiteFolder);
        int trained = 0, loaded = 0, completed = 0;
        var checkpoints = new Dictionary<string, string>(StringComparer.Ordinal);
        var suiteFolders = new List<string>();
        foreach (string architecture in design.Architectures)
        {
            var archRuns = todo.Where(r => r.Run.Architecture == architecture).ToList();
            if (archRuns.Count == 0)
            {
                continue;
            }

            using var prepared = Prepare(plan, architecture, cache, session, cancellationToken);
            _ = prepared.CleanTrained ? trained++ : loaded++;
            checkpoints[architecture] = prepared.CleanPath;
            suiteFolders.AddRange(prepared.SuiteFolders.Where(f => !suiteFolders.Contains(f)));
            foreach (var (run, number) in archRuns)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var row = RunOne(plan, prepared, run, number, session, cancellationToken);
                store.Add(row);
                completed++;
                session.Finished(row.TotalSeconds);
                LogRow(run.Key, row.TrainingAccuracy, row.CleanAccuracy, row.GaussianMeanAccuracy, row.FgsmMeanAccuracy, row.TotalSeconds);
                if (row.NearChance)
                {
                    LogNearChance(run.Key, row.TrainingAccuracy, row.NearChanceThreshold);
                }

                session.Report(StudyStage.RunFinished, architecture, number, run, row.Epochs,
                    string.Create(CultureInfo.InvariantCulture,
                        $"{Label(plan, run, number)}: stored; test {row.CleanAccuracy:P2}, MNIST-C {row.GaussianMeanAccuracy:P2}, MNIST-A {row.FgsmMeanAccuracy:P2}, {row.TotalSeconds:F1} s{(row.NearChance ? $"; WARNING: training accuracy {row.TrainingAccuracy:P1} is near chance" : "")}"));
            }
        }

        LogDone(design.StudyName, completed, mine.Count - todo.Count, clock.Elapsed.TotalSeconds);
        return new StudyRunSummary(design.StudyName, mine.Count, mine.Count - todo.Count, completed, trained, loaded, cache.BuildCount, cache.LoadCount, clock.Elapsed)
        {
            WorkDirectory = plan.WorkFolder,
            SuiteDirectory = plan.SuiteFolder,
            CleanCheckpoints = checkpoints,
            SuiteFolders = suiteFolders,
        };
    }

    /// <summary>
    /// Checks everything <see cref="Run"/> would check before it writes anything (design, known architectures, levels,
    /// attacks, PGD settings), so that an application can refuse a bad request before it creates a store.
    /// </summary>
    /// <param name="design">The design.</param>
    /// <param name="data">The data.</param>
    /// <param name="options">The run options.</param>
    /// <exception cref="ArgumentException">Something is invalid; the message names it.</exception>
    public void Validate(StudyDesign design, StudyData data, StudyRunOptions options) => _ = Plan(design, data, options);

    /// <summary>Checks the options and fixes everything a run of the design needs: runs, levels, seeds, attacks, folders, the study record.</summary>
    internal StudyPlan Plan(StudyDesign design, StudyData data, StudyRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.WorkDirectory);
        var runs = design.Runs();
        var unknown = design.Architectures.Where(a => !_factory.Architectures.Contains(a, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Design '{design.StudyName}': unknown architecture{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(a => $"'{a}'"))}; known: {string.Join(", ", _factory.Architectures)}.", nameof(design));
        }

        IReadOnlyList<double> levels = options.BenchmarkLevels ?? _evaluation.Levels;
        BenchmarkLevels.Validate(levels);
        ulong suiteSeed = options.BenchmarkSeed ?? _evaluation.Seed;
        bool whiteBox = options.WhiteBoxFgsm ?? _evaluation.WhiteBoxFgsm;
        var attacks = CheckAttacks(options);
        var builder = options.Pgd is null ? _builder : _builder.WithAttackOptions(options.Pgd);
        var pgdOptions = builder.PgdOptions;
        bool pgdTraining = options.TrainingAttack == "pgd";
        var identity = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["data"] = JsonDocument.Parse(data.IdentityJson()).RootElement,
            ["benchmarkLevels"] = levels,
            ["benchmarkSeed"] = suiteSeed,
            ["whiteBoxFgsm"] = whiteBox,
        };

        // Only what differs from the paper's evaluation enters the identity, so stores made before attacks existed still resume.
        if (attacks.Count > 0)
        {
            identity["attacks"] = attacks.Select(a => a.Key).ToArray();
        }

        if (pgdTraining)
        {
            identity["trainingAttack"] = "pgd";
        }

        if (pgdTraining || attacks.Any(a => a.Attack == "pgd"))
        {
            identity["pgd"] = new { steps = pgdOptions.Steps, stepScale = pgdOptions.StepScale, randomStart = pgdOptions.RandomStart, seed = pgdOptions.RandomStart ? pgdOptions.Seed : (ulong?)null };
        }

        string work = Path.GetFullPath(options.WorkDirectory);
        var record = new StoredStudy(design.StudyName, (int)design.Question, StudyDesignJson.Serialize(design), runs.Count, JsonSerializer.Serialize(identity), DateTimeOffset.UtcNow);
        return new StudyPlan(design, data, runs, levels, suiteSeed, whiteBox, attacks, builder, pgdTraining, work, Path.Combine(work, SafeName(design.StudyName)),
            Path.GetFullPath(options.SuiteCacheDirectory ?? Path.Combine(work, "suites")), record);
    }

    /// <summary>Prepares one architecture: its clean model (trained or loaded), the suites it is scored on and the source of adversarial training images.</summary>
    internal PreparedArchitecture Prepare(StudyPlan plan, string architecture, SuiteCache cache, Session session, CancellationToken cancellationToken)
    {
        var design = plan.Design;
        var test = plan.Data.Test;
        session.Report(StudyStage.CleanModel, architecture, 0, null, 0, $"{architecture}: clean model (FGSM source)");
        var clean = GetCleanModel(design, architecture, design.Seeds[0], plan.Data.Train, plan.ModelFolder, session.Progress, cancellationToken);
        try
        {
            session.Report(StudyStage.Suites, architecture, 0, null, 0,
                $"{architecture}: benchmark suites (clean, Gaussian, FGSM{string.Concat(plan.Attacks.Select(a => ", " + a.Key))}; {plan.Levels.Count} levels)");
            var cleanSuite = cache.GetOrBuildClean(_builder, test, cancellationToken);
            var gaussianSuite = cache.GetOrBuildGaussian(_builder, test, plan.SuiteSeed, plan.Levels, null, cancellationToken);
            var reference = ReferenceModelFingerprint.FromCheckpoint(clean.Path);
            IRobustnessBenchmark fgsmSuite = plan.WhiteBoxFgsm
                ? _builder.CreateWhiteBoxFgsm(test, plan.Levels)
                : cache.GetOrBuildFgsm(_builder, test, clean.Model, reference, plan.Levels, null, cancellationToken);
            var attackSuites = AttackSuites(plan.Attacks, plan.WhiteBoxFgsm, plan.Builder, cache, test, clean.Model, reference, plan.Levels, cancellationToken);
            IPerturbation fgsmSource = plan.PgdTraining
                ? new PgdPerturbation(clean.Model, plan.Builder.PgdOptions, _solver)
                : new FgsmPerturbation(clean.Model, _fgsm, _solver);
            string[] folders = [.. new IRobustnessBenchmark?[] { cleanSuite, gaussianSuite, fgsmSuite }.Concat(attackSuites.Select(a => a.Suite))
                .OfType<BenchmarkSuite>().Select(s => cache.GetFolder(s.Key)).Distinct(StringComparer.Ordinal)];
            return new PreparedArchitecture(architecture, clean.Model, clean.Report, clean.Path, clean.Trained, cleanSuite, gaussianSuite, fgsmSuite, attackSuites, fgsmSource, folders);
        }
        catch
        {
            clean.Model.Dispose();
            throw;
        }
    }

    /// <summary>One design run: builds its training set, trains (or reuses the clean model for the clean point's first seed), scores it, and returns its row.</summary>
    internal StudyRow RunOne(StudyPlan plan, PreparedArchitecture prepared, DesignRun run, int number, Session session, CancellationToken cancellationToken)
    {
        var design = plan.Design;
        var data = plan.Data;
        var runClock = Stopwatch.StartNew();
        string label = Label(plan, run, number);
        session.Report(StudyStage.TrainingSet, prepared.Architecture, number, run, 0, $"{label}: building the training set");
        var gaussian = new GaussianNoisePerturbation(_perturbation with { Seed = Xoshiro256StarStar.Derive(run.Seed, GaussianNoiseStream) }, _solver);
        var set = _sets.Build(data.Train, run.Point, run.Seed, gaussian, run.Point.NeedsFgsm ? prepared.FgsmSource : null, cancellationToken);

        ImageClassifier? own = null;
        try
        {
            TrainingReport report;
            ImageClassifier model;
            if (run.Point.IsClean && run.Seed == design.Seeds[0])
            {
                model = prepared.CleanModel;
                report = prepared.CleanReport;
            }
            else
            {
                own = _factory.Create(prepared.Architecture, run.Seed, new ImageShape(data.Train.Height, data.Train.Width, data.Train.ClassCount));
                model = own;
                var epochs = new Progress(e => session.Report(StudyStage.Epoch, prepared.Architecture, number, run, e.Epoch, $"{label}: {e}"));
                report = _trainer.Train(model, set.Images, TrainingOptionsFor(design, run.Seed), epochs, cancellationToken);
            }

            session.Report(StudyStage.Scoring, prepared.Architecture, number, run, report.Epochs, $"{label}: scoring");
            var cleanScore = prepared.CleanSuite.Score(model, cancellationToken);
            var gaussianScore = prepared.GaussianSuite.Score(model, cancellationToken);
            var fgsmScore = prepared.FgsmSuite.Score(model, cancellationToken);
            var attackScores = ScoreAttacks(prepared.AttackSuites, plan.WhiteBoxFgsm, fgsmScore, model, cancellationToken);
            return StudyRow.FromParts(run, set.Report, set.Images.Count, set.Images.ClassCount, report, JsonSerializer.Serialize(report, _json),
                cleanScore, gaussianScore, fgsmScore, attackScores, runClock.Elapsed.TotalSeconds, DateTimeOffset.UtcNow);
        }
        finally
        {
            own?.Dispose();
        }
    }

    private static string Label(StudyPlan plan, DesignRun run, int number) =>
        string.Create(CultureInfo.InvariantCulture, $"[{number}/{plan.Runs.Count}] {run.Point.Id} {run.Architecture} s{run.Seed}");

    /// <summary>The training options of a run: the trainer's defaults with the design's epoch cap and the run's seed.</summary>
    /// <param name="design">The design.</param>
    /// <param name="seed">The run's seed.</param>
    /// <returns>The options.</returns>
    public TrainingOptions TrainingOptionsFor(StudyDesign design, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(design);
        return _trainer.DefaultTrainingOptions with { MaxEpochs = design.MaxEpochs, Seed = seed };
    }

    private static void Report(IProgress<StudyProgress>? progress, StudyProgress value) => progress?.Report(value);

    /// <summary>
    /// A folder or file name for a study or architecture name, one-to-one: a name of letters, digits, '-', '_' and '.'
    /// (not starting with '.') is kept; any other is escaped and suffixed with the first 8 hex digits of its SHA-256, so
    /// that "x y" and "x_y" never share a folder.
    /// </summary>
    internal static string SafeName(string name)
    {
        bool plain = name.Length > 0 && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
        if (plain)
        {
            return name;
        }

        string escaped = string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')).TrimStart('.');
        string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..8];
        return $"{escaped}-{hash}";
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Study {Study}: {Planned} runs planned, {Skipped} already stored; data: {Data}")]
    private partial void LogStart(string study, int planned, int skipped, string data);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Stored {Key}: training {Training:P2}, test {Clean:P2}, MNIST-C {Gaussian:P2}, MNIST-A {Fgsm:P2} ({Seconds:F1} s)")]
    private partial void LogRow(string key, double training, double clean, double gaussian, double fgsm, double seconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Study {Study} done: {Completed} runs stored now, {Skipped} were already stored ({Seconds:F1} s)")]
    private partial void LogDone(string study, int completed, int skipped, double seconds);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "{Architecture}: clean model loaded from {Path}")]
    private partial void LogCleanLoaded(string architecture, string path);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "{Architecture}: the checkpoint {Path} was made with other data, seed or training options; training the clean model again")]
    private partial void LogCleanStale(string architecture, string path);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{Architecture}: the checkpoint {Path} cannot be read ({Reason}); training the clean model again")]
    private partial void LogCleanUnreadable(string architecture, string path, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Removed the temporary {Path} left by an interrupted run")]
    private partial void LogTempRemoved(string path);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "{Key}: training accuracy {Training:P1} is near chance (below {Threshold:P1}); the row is stored and flagged")]
    private partial void LogNearChance(string key, double training, double threshold);

    /// <summary>Forwards epochs synchronously (System.Progress would post to the thread pool and reorder reports).</summary>
    private sealed class Progress(Action<EpochSummary> report) : IProgress<EpochSummary>
    {
        public void Report(EpochSummary value) => report(value);
    }
}
