using System.Globalization;
using Robustness.Data;
using Robustness.Data.Sources;
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
    public static StudyRunSummary Run(CliContext context, StudyDesign design, StudyData data, ModelOptions modelOptions, string storePath, string workPath, IReadOnlyList<double> suiteLevels, bool noProgress = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        var runner = StudyRunner.CreateDefault(modelOptions);
        using var results = SqliteResultStore.Open(storePath);
        IStudyProgressView progress = ProgressRenderer.Create(context, noProgress);
        var summary = progress.Run(() => runner.Run(design, data, results, new StudyRunOptions { WorkDirectory = workPath, BenchmarkLevels = suiteLevels }, progress));
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
        o.WriteLine("key\ttraining\ttest\tmnist-c\tmnist-a\tepochs");
        foreach (var r in rows)
        {
            o.WriteLine(string.Create(c, $"{r.Key}\t{r.TrainingAccuracy:F4}\t{r.CleanAccuracy:F4}\t{r.GaussianMeanAccuracy:F4}\t{r.FgsmMeanAccuracy:F4}\t{r.Epochs}"));
        }

        o.WriteLine(string.Create(c, $"time: {summary.Elapsed.TotalSeconds:F1} s"));
        o.WriteLine($"store: {storePath}");
        o.WriteLine($"work: {workPath}");
    }
}
