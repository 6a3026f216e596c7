using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Robustness.Evaluation.Reports;
using Robustness.Data;
using Robustness.Data.Sources;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Benchmarks;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Runner;
using Robustness.Models;

namespace Robustness.Cli;

/// <summary>
/// <c>robustness quickstart [--out DIR] [--data DIR] [--threads N] [--seed S] [--no-download] [--no-progress]</c>: a scaled RQ2 (FGSM training levels
/// 0, 2, 4, 6, 8; LeNet-5; 300 training and 100 test images per class; 5 epochs; test levels 1..6) end to end, then
/// the report with its figures and a grid of sample images (docs/reports.md).
/// </summary>
internal static class QuickstartCommand
{
    /// <summary>The quickstart's sizes; the hidden options of the command override them (tests use tiny ones).</summary>
    internal sealed record Settings
    {
        public string OutDir { get; init; } = "robustness-out";

        public string? DataFolder { get; init; }

        public string? Dataset { get; init; }

        public int Threads { get; init; } = CliOptions.DefaultThreads;

        public ulong Seed { get; init; } = TrainingOptions.DefaultSeed;

        public int TrainPerClass { get; init; } = 300;

        public int TestPerClass { get; init; } = 100;

        public IReadOnlyList<double> Levels { get; init; } = [0, 2, 4, 6, 8];

        public IReadOnlyList<double> BenchLevels { get; init; } = [1, 2, 3, 4, 5, 6];

        public int MaxEpochs { get; init; } = 5;

        /// <summary>Skip the MNIST download attempt when no MNIST is found.</summary>
        public bool NoDownload { get; init; }

        /// <summary>Plain progress lines even on a terminal.</summary>
        public bool NoProgress { get; init; }

        /// <summary>The mirrors of the download attempt; null for <see cref="MnistDownloadOptions.DefaultMirrors"/>.</summary>
        public IReadOnlyList<Uri>? Mirrors { get; init; }

        /// <summary>The whole download attempt's time limit.</summary>
        public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromSeconds(20);
    }

    /// <summary>Creates the <c>quickstart</c> command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var defaults = new Settings();
        var outDir = new Option<string>("--out") { Description = "The output folder (study.db, report.md, CSV files, figures/).", DefaultValueFactory = _ => defaults.OutDir };
        var data = new Option<string?>("--data") { Description = $"Folder with the MNIST IDX files [default: ${DatasetLocator.EnvironmentVariable}, then the user cache folder; without MNIST, Fashion-MNIST ({DatasetLocator.DebianFashionMnistFolder}), else synthetic digits]." };
        var threads = new Option<int>("--threads") { Description = "CPU threads of libtorch.", DefaultValueFactory = _ => defaults.Threads };
        var seed = new Option<ulong>("--seed") { Description = "The seed of the models, picks and noise.", DefaultValueFactory = _ => defaults.Seed };
        var dataset = new Option<string?>("--dataset") { Description = "Force a dataset (mnist, fashion-mnist, synthetic).", Hidden = true };
        dataset.AcceptOnlyFromAmong("mnist", "fashion-mnist", "synthetic");
        var trainPerClass = new Option<int>("--train-per-class") { Hidden = true, DefaultValueFactory = _ => defaults.TrainPerClass };
        var testPerClass = new Option<int>("--test-per-class") { Hidden = true, DefaultValueFactory = _ => defaults.TestPerClass };
        var levels = new Option<string?>("--levels") { Hidden = true };
        var benchLevels = new Option<string?>("--bench-levels") { Hidden = true };
        var maxEpochs = new Option<int>("--max-epochs") { Hidden = true, DefaultValueFactory = _ => defaults.MaxEpochs };
        var noDownload = new Option<bool>("--no-download") { Description = "Without MNIST, do not try to download it into the user cache folder (go straight to Fashion-MNIST or the synthetic digits)." };
        var noProgress = ProgressRenderer.CreateOption();
        var mirror = new Option<string[]>("--mirror") { Hidden = true, Description = "Replace the MNIST download mirrors (tests)." };
        var command = new Command("quickstart", "A scaled RQ2 (FGSM training with LeNet-5) end to end in a few minutes on a CPU: trains 5 models, scores them on MNIST-Test/C/A and writes report.md, CSV tables and figures. Example: robustness quickstart --out robustness-out")
        {
            outDir, data, threads, seed, noDownload, noProgress, dataset, trainPerClass, testPerClass, levels, benchLevels, maxEpochs, mirror,
        };
        command.SetAction(parsed => context.Execute(parsed, () =>
        {
            int t = parsed.GetValue(threads);

            var settings = new Settings
            {
                OutDir = parsed.GetValue(outDir)!,
                DataFolder = parsed.GetValue(data),
                Dataset = parsed.GetValue(dataset),
                Threads = t,
                Seed = parsed.GetValue(seed),
                TrainPerClass = parsed.GetValue(trainPerClass),
                TestPerClass = parsed.GetValue(testPerClass),
                Levels = parsed.GetValue(levels) is { } l ? BenchmarkLevels.Parse(l) : defaults.Levels,
                BenchLevels = parsed.GetValue(benchLevels) is { } b ? BenchmarkLevels.Parse(b) : defaults.BenchLevels,
                MaxEpochs = parsed.GetValue(maxEpochs),
                NoDownload = parsed.GetValue(noDownload),
                NoProgress = parsed.GetValue(noProgress),
                Mirrors = CliOptions.Mirrors(parsed.GetValue(mirror)),
            };
            Run(context, settings);
            return RobustnessCli.Success;
        }));
        return command;
    }

    /// <summary>Runs the quickstart and writes its folder; returns the report's files.</summary>
    internal static ReportFiles Run(CliContext context, Settings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var clock = Stopwatch.StartNew();
        string outDir = Path.GetFullPath(settings.OutDir);
        Directory.CreateDirectory(outDir);
        string storePath = Path.Combine(outDir, "study.db");
        string workPath = Path.Combine(outDir, "work");

        using var services = CliServices.Create(context, "cpu", settings.Threads);
        var catalog = services.GetRequiredService<IDatasetCatalog>();
        var (source, dataNote) = ChooseData(context, settings, catalog, services.GetRequiredService<DatasetLocator>());
        string datasetName = source.Dataset.Name;
        context.Output.WriteLine($"data: {dataNote}");
        var design = StudyDesign.Scaled(ResearchQuestion.Rq2, settings.TrainPerClass, settings.TestPerClass, settings.Levels, settings.MaxEpochs)
            .WithRepetitions(1, settings.Seed) with { Name = "quickstart-rq2" };
        design.Validate();
        StudyData studyData = StudyExecution.LoadData(context, design, source);
        var summary = StudyExecution.Run(context, services, design, studyData, storePath, workPath, settings.BenchLevels, settings.NoProgress);

        string preface = string.Create(CultureInfo.InvariantCulture,
            $"Quickstart: a scaled RQ2 (FGSM training levels {string.Join(", ", settings.Levels)}; LeNet-5; {settings.TrainPerClass} training / {settings.TestPerClass} test images per class; at most {settings.MaxEpochs} epochs; test levels {string.Join(", ", settings.BenchLevels)}).\n\n- data: {dataNote}\n- data used for training and testing: {studyData.Description}");
        ReportFiles files = StudyReport.Write(storePath, ResearchQuestion.Rq2, outDir, new StudyReportOptions
        {
            Study = design.StudyName,
            Preface = preface,
            SampleSuites = summary.SuiteFolders,
            SampleTitle = $"Sample test images ({datasetName}): clean, Gaussian noise and FGSM (against the clean LeNet-5)",
        });
        StudyReportCommand.Print(context, files);
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"quickstart: done in {clock.Elapsed.TotalSeconds:F0} s; open {files.Report}"));
        return files;
    }

    /// <summary>
    /// The quickstart's data: a forced --dataset; else MNIST where found; else one download attempt into the user cache;
    /// else the library's offline fallback (<see cref="IDatasetCatalog.FirstAvailable"/>: Fashion-MNIST, then the synthetic digits).
    /// </summary>
    private static (IDatasetSource Source, string Note) ChooseData(CliContext context, Settings settings, IDatasetCatalog catalog, DatasetLocator locator)
    {
        string mnistHelp = $"for MNIST, put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz into a folder and pass --data FOLDER (or set ${DatasetLocator.EnvironmentVariable}, or use {locator.GetCacheFolder(DatasetId.Mnist)})";
        if (settings.Dataset is { } forced)
        {
            var id = DatasetId.Parse(forced);
            var s = catalog.GetSource(id, id == DatasetId.Mnist ? settings.DataFolder : null);
            return (s, $"{s.Description} (chosen with --dataset)");
        }

        if (catalog.FindAvailable(DatasetId.Mnist, settings.DataFolder) is { } mnist)
        {
            string split = mnist.GetAvailability(DatasetSplit.Train).IsPresent
                ? "with its training split"
                : "test split only: training and test images are drawn disjointly from it";
            return (mnist, $"MNIST, {mnist.Description} ({split})");
        }

        if (settings.DataFolder is null && !settings.NoDownload && TryDownloadMnist(context, settings, locator.GetCacheFolder(DatasetId.Mnist), mnistHelp)
            && catalog.FindAvailable(DatasetId.Mnist) is { } downloaded)
        {
            return (downloaded, $"MNIST, {downloaded.Description} (downloaded into the user cache folder)");
        }

        var fallback = catalog.FirstAvailable(settings.DataFolder);
        return fallback.Dataset == DatasetId.FashionMnist
            ? (fallback, $"Fashion-MNIST, {fallback.Description} (MNIST was not found; {mnistHelp})")
            : (fallback, $"synthetic digits (neither MNIST nor Fashion-MNIST was found; {mnistHelp}; Debian: apt-get install dataset-fashion-mnist)");
    }

    /// <summary>
    /// One attempt per mirror to download MNIST into <paramref name="cacheFolder"/> within
    /// <see cref="Settings.DownloadTimeout"/>; on failure one note line on stderr with the reason and how to get MNIST.
    /// </summary>
    private static bool TryDownloadMnist(CliContext context, Settings settings, string cacheFolder, string mnistHelp)
    {
        var options = new MnistDownloadOptions
        {
            TargetFolder = cacheFolder,
            Mirrors = settings.Mirrors ?? MnistDownloadOptions.DefaultMirrors,
            MaxAttempts = 1,
            Timeout = settings.DownloadTimeout,
        };
        context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"MNIST not found; trying to download it into {cacheFolder} (at most {settings.DownloadTimeout.TotalSeconds:0} s; --no-download skips this)"));
        bool folderExisted = Directory.Exists(cacheFolder);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var limit = new CancellationTokenSource(settings.DownloadTimeout);
        string reason;
        try
        {
            new MnistDownloader(http, options).DownloadAsync(cancellationToken: limit.Token).GetAwaiter().GetResult();
            return true;
        }
        catch (MnistDownloadException e)
        {
            reason = e.Failures.Count > 0 ? string.Join("; ", e.Failures) : e.Message;
        }
        catch (OperationCanceledException)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"no complete download within {settings.DownloadTimeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException or InvalidDataException)
        {
            reason = e.Message;
        }

        // A failed attempt leaves no empty cache folder behind (the downloader writes nothing unverified).
        if (!folderExisted && Directory.Exists(cacheFolder) && !Directory.EnumerateFileSystemEntries(cacheFolder).Any())
        {
            Directory.Delete(cacheFolder);
        }

        context.Error.WriteLine(CliContext.OneLine($"note: MNIST download failed ({reason}); {mnistHelp}"));
        return false;
    }
}
