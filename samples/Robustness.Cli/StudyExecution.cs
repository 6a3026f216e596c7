using System.Globalization;
using Robustness.Data;
using Robustness.Data.Sources;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Benchmarks;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Evaluation.Runner;
using Robustness.Models;

namespace Robustness.Cli;

/// <summary>
/// What <c>study run</c> and <c>quickstart</c> share: loading the study data (disjoint draws from the test split when a
/// dataset has no training split), running the study into a store with progress on stderr (bars or lines, <see cref="ProgressRenderer"/>), and the summary.
/// </summary>
internal static class StudyExecution
{
    /// <summary>Loads the clean training and test sets of a design from a named dataset.</summary>
    public static StudyData LoadData(CliContext context, StudyDesign design, string datasetName, string? dataFolder)
    {
        IDatasetSource source = new DatasetCatalog(new DataOptions(), new DatasetLocator()).GetSource(datasetName, dataFolder);
        return LoadData(context, design, source, datasetName);
    }

    /// <summary>Loads the clean training and test sets of a design from a source.</summary>
    public static StudyData LoadData(CliContext context, StudyDesign design, IDatasetSource source, string datasetName)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(source);
        ImageSet testSplit = source.Load(DatasetSplit.Test);
        if (source.GetAvailability(DatasetSplit.Train).IsPresent)
        {
            return StudyData.FromSplits(design, source.Load(DatasetSplit.Train), testSplit);
        }

        if (design.TrainPerClass is not { } train || design.TestPerClass is not { } test)
        {
            throw new ArgumentException($"{source.Description}: the training split is absent; give --train-per-class and --test-per-class to draw both sets disjointly from the test split.");
        }

        var data = StudyData.DisjointFromOneSplit(testSplit, train, test, design.SubsetSeed);
        context.Error.WriteLine($"note: no training split of {datasetName}; {data.Description}");
        return data;
    }

    /// <summary>
    /// Runs (or resumes) the study into the store at <paramref name="storePath"/> with the progress view of
    /// <see cref="ProgressRenderer"/> (bars on a terminal, else lines; lines always with <paramref name="noProgress"/>)
    /// and prints the summary on stdout.
    /// </summary>
    public static StudyRunSummary Run(CliContext context, StudyDesign design, StudyData data, ModelOptions modelOptions, string storePath, string workPath, IReadOnlyList<double> suiteLevels, bool noProgress = false,
        StudyEvaluation? evaluation = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        evaluation ??= StudyEvaluation.Paper;
        var runner = StudyRunner.CreateDefault(modelOptions);
        using var results = SqliteResultStore.Open(storePath);
        IStudyProgressView progress = ProgressRenderer.Create(context, noProgress);
        var options = new StudyRunOptions
        {
            WorkDirectory = workPath,
            BenchmarkLevels = suiteLevels,
            WhiteBoxFgsm = evaluation.WhiteBoxFgsm,
            Attacks = evaluation.Attacks,
            Pgd = evaluation.Pgd,
            TrainingAttack = evaluation.TrainingAttack,
        };
        var summary = progress.Run(() => runner.Run(design, data, results, options, progress));
        Summarize(context.Output, design, data, results, summary, storePath, workPath);
        return summary;
    }

    private static void Summarize(TextWriter o, StudyDesign design, StudyData data, IResultStore store, StudyRunSummary summary, string storePath, string workPath)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var rows = store.Rows(design.StudyName);
        o.WriteLine(string.Create(c, $"study: {summary.Study} (RQ{(int)design.Question}), {rows.Count}/{summary.PlannedRuns} runs stored ({summary.CompletedRuns} now, {summary.SkippedRuns} before)"));
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

            o.WriteLine(string.Create(c, $"{r.Key}\t{r.TrainingAccuracy:F4}\t{r.CleanAccuracy:F4}\t{r.GaussianMeanAccuracy:F4}\t{r.FgsmMeanAccuracy:F4}\t{r.Epochs}") + attackText);
        }

        if (attackKeys.Count > 0)
        {
            o.WriteLine("attack columns: mean accuracy over the benchmark levels (minimal: robust accuracy); masking: gradient-masking flags (docs/gradient-masking.md)");
        }

        o.WriteLine(string.Create(c, $"time: {summary.Elapsed.TotalSeconds:F1} s"));
        o.WriteLine($"store: {storePath}");
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
