using System.Globalization;
using System.Runtime.InteropServices;
using Robustness.Data;
using Robustness.Data.Sources;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Benchmarks;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Evaluation.Runner;
using Microsoft.Extensions.DependencyInjection;
using Robustness.Models;

namespace Robustness.Cli;

/// <summary>
/// What <c>study run</c> and <c>quickstart</c> share: loading the study data (disjoint draws from the test split when a
/// dataset has no training split), running the study into a store with progress on stderr (bars or lines, <see cref="ProgressRenderer"/>), and the summary.
/// </summary>
internal static class StudyExecution
{
    /// <summary>Loads the clean training and test sets of a design from a source (<see cref="StudyData.Load"/>) and says so on stderr when both come from one split.</summary>
    public static StudyData LoadData(CliContext context, StudyDesign design, IDatasetSource source)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = StudyData.Load(design, source);
        if (data.FromOneSplit)
        {
            context.Error.WriteLine($"note: no training split of {source.Dataset.Name}; {data.Description}");
        }

        return data;
    }

    /// <summary>
    /// Runs (or resumes) the study into the store at <paramref name="storePath"/> with the progress view of
    /// <see cref="ProgressRenderer"/> (bars on a terminal, else lines; lines always with <paramref name="noProgress"/>)
    /// and prints the summary on stdout.
    /// </summary>
    public static StudyRunSummary Run(CliContext context, IServiceProvider services, StudyDesign design, StudyData data, string storePath, string workPath, IReadOnlyList<double> suiteLevels, bool noProgress = false,
        StudyEvaluation? evaluation = null, StudyShard? shard = null, StudyWorkerOptions? worker = null)
    {
        evaluation ??= StudyEvaluation.Paper;
        var options = new StudyRunOptions
        {
            WorkDirectory = workPath,
            BenchmarkLevels = suiteLevels,
            WhiteBoxFgsm = evaluation.WhiteBoxFgsm,
            Attacks = evaluation.Attacks,
            Pgd = evaluation.Pgd,
            TrainingAttack = evaluation.TrainingAttack,
            Shard = shard,
        };
        return Run(context, services, design, data, storePath, options, noProgress, worker);
    }

    /// <summary>As the other overload, with the runner's options given (a paper check's, <c>PaperCheckOptions.RunOptions</c>).</summary>
    public static StudyRunSummary Run(CliContext context, IServiceProvider services, StudyDesign design, StudyData data, string storePath, StudyRunOptions options, bool noProgress = false,
        StudyWorkerOptions? worker = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var runner = services.GetRequiredService<StudyRunner>();
        string workPath = options.WorkDirectory;

        // Refuse a bad request (an unknown architecture, say) before the store is created or the study recorded.
        runner.Validate(design, data, options);
        worker?.Validate();
        using var results = ResultStores.Open(storePath);
        IStudyProgressView progress = ProgressRenderer.Create(context, noProgress);
        StudyRunSummary summary;
        if (worker is null)
        {
            summary = progress.Run(() => runner.Run(design, data, results, options, progress));
        }
        else
        {
            // SIGTERM (scancel, a node shutting down) and Ctrl+C stop the worker between batches; it gives its claim up so another worker takes the run at once.
            using var stop = new CancellationTokenSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => { signal.Cancel = true; stop.Cancel(); });
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => { signal.Cancel = true; stop.Cancel(); });
            try
            {
                summary = progress.Run(() => runner.RunWorker(design, data, (ISharedResultStore)results, worker, options, progress, stop.Token));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                throw new OperationCanceledException($"worker {worker.Name} stopped by a signal; the run it held was given back to the queue, and the rows it stored are kept.");
            }
        }

        Summarize(context.Output, design, data, results, summary, storePath, workPath);
        return summary;
    }

    private static void Summarize(TextWriter o, StudyDesign design, StudyData data, IResultStore store, StudyRunSummary summary, string storePath, string workPath)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var rows = store.Rows(design.StudyName);
        string shard = summary.PlannedRuns < design.Runs().Count ? string.Create(c, $" of this shard; the study has {design.Runs().Count}") : "";
        o.WriteLine(string.Create(c, $"study: {summary.Study} (RQ{(int)design.Question}), {rows.Count}/{summary.PlannedRuns} runs stored{shard} ({summary.CompletedRuns} now, {summary.SkippedRuns} before)"));
        o.WriteLine($"data: {data.Description}");
        o.WriteLine(string.Create(c, $"clean models: {summary.CleanModelsTrained} trained, {summary.CleanModelsLoaded} loaded; suites: {summary.SuitesBuilt} built, {summary.SuitesLoaded} loaded"));
        var attackKeys = rows.SelectMany(r => r.Attacks.Select(a => a.Key)).Distinct(StringComparer.Ordinal).ToList();
        o.WriteLine("key\ttraining\ttest\tmnist-c\tmnist-a\tepochs" + string.Concat(attackKeys.Select(k => "\t" + k)) + (attackKeys.Count > 0 ? "\tmasking" : ""));
        foreach (var r in rows)
        {
            string attackText = string.Concat(attackKeys.Select(k => r.Attack(k) is { } a ? string.Create(c, $"\t{a.MeanAccuracy:F4}") : "\t-"));
            if (attackKeys.Count > 0)
            {
                var flags = GradientMaskingCheck.Check(r);
                attackText += "\t" + (flags.Count == 0 ? "none" : string.Join(",", flags.Select(f => f.Code)));
            }

            o.WriteLine(string.Create(c, $"{r.Key}\t{r.TrainingAccuracy:F4}\t{r.CleanAccuracy:F4}\t{r.GaussianMeanAccuracy:F4}\t{r.FgsmMeanAccuracy:F4}\t{r.Epochs}") + attackText
                + (r.NearChance ? "\tNEAR CHANCE" : ""));
        }

        var nearChance = rows.Where(r => r.NearChance).ToList();
        if (nearChance.Count > 0)
        {
            o.WriteLine(string.Create(c,
                $"warning: {nearChance.Count} run(s) stayed near chance on their own training set (training accuracy below {nearChance[0].NearChanceThreshold:P0}): {string.Join(", ", nearChance.Select(r => r.Key))}; their scores say nothing about robustness (more epochs, or another seed)"));
        }

        if (attackKeys.Count > 0)
        {
            o.WriteLine("attack columns: mean accuracy over the benchmark levels (minimal: robust accuracy); masking: gradient-masking flags (docs/gradient-masking.md)");
        }

        o.WriteLine(string.Create(c, $"time: {summary.Elapsed.TotalSeconds:F1} s"));
        o.WriteLine($"store: {store.Path}");
        o.WriteLine($"work: {workPath}");
    }
}

/// <summary>How a study is evaluated beyond the paper's three columns: attack columns, MNIST-A's mode, PGD settings, training attack.</summary>
/// <param name="Attacks">The attack columns (<c>--attacks</c>).</param>
/// <param name="WhiteBoxFgsm">MNIST-A white-box (<c>--white-box</c>).</param>
/// <param name="Pgd">The PGD settings (<c>--pgd-*</c>).</param>
/// <param name="TrainingAttack">How adversarial training images are made (<c>--training-attack</c>).</param>
internal sealed record StudyEvaluation(IReadOnlyList<StudyAttack> Attacks, bool WhiteBoxFgsm, PgdOptions Pgd, string TrainingAttack)
{
    /// <summary>The paper's evaluation: no attack columns, MNIST-A transferred from the clean model, FGSM training images.</summary>
    public static StudyEvaluation Paper { get; } = new([], false, new PgdOptions(), "fgsm");
}

/// <summary><c>study run --dry-run</c>: the plan of a study without training or writing anything.</summary>
internal static class StudyDryRun
{
    // Seconds per image on 2 CPU threads, from benchmarks/README.md (LeNet-5 measured; AlexNet-8 training measured, its
    // inference and gradients scaled by the same ratio). A rough guide: early stopping and the machine change it.
    private static readonly Dictionary<string, (double Train, double Infer, double Gradient)> _rates = new(StringComparer.Ordinal)
    {
        ["lenet5"] = (4.84 / 60000, 0.78 / 10000, 2.28 / 10000),
        ["alexnet8"] = (78.2 / 60000, 0.78 / 10000 * 16, 2.28 / 10000 * 16),
    };

    public static void Print(TextWriter o, StudyDesign design, StudyData data, string storePath, IReadOnlyList<double> suiteLevels, StudyEvaluation evaluation)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var question = StudyQuestion.For(design.Question);
        var points = design.Points();
        var runs = design.Runs();
        o.WriteLine(string.Create(c, $"plan: study {design.StudyName} ({question}), {points.Count} design points x {design.Architectures.Count} architecture(s) x {design.Seeds.Count} seed(s) = {runs.Count} runs"));
        o.WriteLine($"data: {data.Description}");
        o.WriteLine(string.Create(c, $"factors: {question.DescribeLevels(design)}; architectures: {string.Join(", ", design.Architectures)}; at most {design.MaxEpochs} epochs; seeds {string.Join(", ", design.Seeds)}"));
        string attackColumns = evaluation.Attacks.Count > 0 ? "; attack columns " + string.Join(", ", evaluation.Attacks.Select(a => a.Key)) : "";
        o.WriteLine(string.Create(c, $"benchmarks: MNIST-Test, MNIST-C and MNIST-A at {suiteLevels.Count} levels ({BenchmarkLevels.Format(suiteLevels)}) on {data.Test.Count} test images{attackColumns}"));
        int classes = data.Train.ClassCount;
        int perClass = data.Train.Count / Math.Max(1, classes);
        o.WriteLine("point\ttraining set (per class)");
        foreach (var p in points)
        {
            string added = (p.AddsGaussianImages ? string.Create(c, $" + {p.GaussianImagesPerClass} Gaussian l2={p.GaussianLevel:R}") : "")
                + (p.AddsFgsmImages ? string.Create(c, $" + {p.FgsmImagesPerClass} {evaluation.TrainingAttack.ToUpperInvariant()} l2={p.FgsmLevel:R}") : "");
            string cut = (p.ClassImbalance is { } ci ? string.Create(c, $", cut to CI {ci:R}") : "") + (p.LabelDisturbance > 0 ? string.Create(c, $", LD {p.LabelDisturbance:R}") : "");
            o.WriteLine(string.Create(c, $"{p.Id}\t~{perClass} clean{added}{cut}"));
        }

        int stored = 0;
        string storeNote = "store absent: it would be created";
        if (ResultStores.Exists(storePath))
        {
            try
            {
                using var results = ResultStores.OpenReadOnly(storePath);
                stored = runs.Count(r => results.Contains(r.Key));
                storeNote = string.Create(c, $"{stored} of {runs.Count} runs stored already");
            }
            catch (InvalidDataException) when (PostgresResultStore.IsPostgres(storePath))
            {
                storeNote = "the database holds no store yet: its tables would be created";
            }
        }

        double seconds = EstimateSeconds(design, data, suiteLevels, stored);
        o.WriteLine($"store: {storePath} ({storeNote})");
        o.WriteLine(string.Create(c, $"estimated time: about {Duration(seconds)} on 2 CPU threads (training at the epoch cap; rates of benchmarks/README.md; attack columns not included)"));
        o.WriteLine("dry run: nothing was trained or written");
    }

    /// <summary>
    /// The time a study's runs not yet stored would take on 2 CPU threads (training at the epoch cap), plus the clean models'
    /// MNIST-A suites: a rough guide from the rates of benchmarks/README.md.
    /// </summary>
    public static double EstimateSeconds(StudyDesign design, StudyData data, IReadOnlyList<double> suiteLevels, int stored)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(suiteLevels);
        var runs = design.Runs();
        int classes = data.Train.ClassCount;
        double seconds = 0;
        foreach (var run in runs)
        {
            var rate = _rates.GetValueOrDefault(run.Architecture, _rates["alexnet8"]);
            int images = data.Train.Count + (classes * (run.Point.GaussianImagesPerClass + run.Point.FgsmImagesPerClass));
            seconds += (design.MaxEpochs * images * rate.Train) + (data.Test.Count * (1 + (2 * suiteLevels.Count)) * rate.Infer);
        }

        seconds *= runs.Count == 0 ? 0 : (runs.Count - stored) / (double)runs.Count;
        foreach (string architecture in design.Architectures)
        {
            var rate = _rates.GetValueOrDefault(architecture, _rates["alexnet8"]);
            seconds += data.Test.Count * suiteLevels.Count * rate.Gradient; // the MNIST-A suite against the clean model
        }

        return seconds;
    }

    /// <summary>A duration as the plans print it: seconds, minutes or hours.</summary>
    public static string Duration(double seconds) => seconds switch
    {
        < 90 => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, Math.Round(seconds)):0} s"),
        < 5400 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.0} h"),
    };
}
