using System.CommandLine;
using System.Globalization;
using Robustness.Data;
using Robustness.Data.Sources;
using Robustness.Evaluation.Benchmarks;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Evaluation.Runner;
using Robustness.Models;

namespace Robustness.Cli;

/// <summary><c>robustness study ...</c>: run a research question's study into a result store, and show a store's state.</summary>
internal static class StudyCommands
{
    public static Command Create(CliContext context)
    {
        var study = new Command("study", "Run the studies of RQ1-RQ6 (train a model per design point, score it on MNIST-Test/C/A, store one row each) and inspect the result store.");
        study.Subcommands.Add(CreateRun(context));
        study.Subcommands.Add(CreateStatus(context));
        study.Subcommands.Add(StudyAnalyzeCommand.Create(context));
        study.Subcommands.Add(StudyReportCommand.Create(context));
        return study;
    }

    private static Command CreateRun(CliContext context)
    {
        var rq = CliOptions.ResearchQuestion();
        var arch = new Option<string?>("--arch") { Description = "Architectures, comma-separated (lenet5, alexnet8). Default: lenet5 (scaled), both (--paper)." };
        var dataset = new Option<string>("--dataset") { Description = "Dataset: mnist, fashion-mnist or synthetic.", DefaultValueFactory = _ => "mnist" };
        dataset.AcceptOnlyFromAmong("mnist", "fashion-mnist", "synthetic");
        var folder = new Option<string?>("--data") { Description = $"Folder with the IDX files (or a parent with a folder per dataset). Default: ${DatasetLocator.EnvironmentVariable}, then the user cache folder." };
        var paper = new Option<bool>("--paper") { Description = "The paper's full scale (all images, all levels, 30 epochs, both architectures; meant for a GPU) instead of the scaled design." };
        var trainPerClass = new Option<int?>("--train-per-class") { Description = "Training images per class (scaled default 800). Without a training split (the MNIST test-only copy) train and test are drawn disjointly from the test split." };
        var testPerClass = new Option<int?>("--test-per-class") { Description = "Test images per class for the benchmarks (scaled default 200)." };
        var levels = new Option<string?>("--levels") { Description = "The question's factor levels: l2 levels (RQ1, RQ2; RQ5 both axes), CI (RQ3) or LD (RQ4); a list 0,2,4 or a range start:stop:step. Not for RQ6." };
        var benchLevels = new Option<string?>("--bench-levels") { Description = "l2 levels of the Gaussian and FGSM test suites (default 0.5:12:0.5, the paper's 24)." };
        var imagesPerClass = new Option<int?>("--images-per-class") { Description = "Perturbed images added per class (scaled default: a third of --train-per-class; paper 2,000)." };
        var maxEpochs = new Option<int?>("--max-epochs") { Description = "The most epochs per model (scaled default 5, paper 30)." };
        var seeds = new Option<int>("--seeds") { Description = "Repetitions: seeds per design point (consecutive from --seed).", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong>("--seed") { Description = "The first seed (model initialisation, batch order, picks, training noise).", DefaultValueFactory = _ => TrainingOptions.DefaultSeed };
        var threads = new Option<int>("--threads") { Description = "CPU threads of libtorch; fixed so that results are reproducible.", DefaultValueFactory = _ => 2 };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
        var name = new Option<string?>("--name") { Description = "The study's name in the store (default rqN-scaled, or rqN with --paper)." };
        var work = new Option<string?>("--work") { Description = "Work folder for the clean models and the suite cache (default: FILE.work beside the store)." };
        var store = new Option<string>("--store") { Description = "The SQLite result store (created when absent).", Required = true };
        var noProgress = ProgressRenderer.CreateOption();
        var attacks = CliOptions.Attacks();
        var whiteBox = new Option<bool>("--white-box") { Description = "Score the paper's MNIST-A column white-box (FGSM against each model) instead of transferred from the clean model." };
        var trainingAttack = new Option<string>("--training-attack") { Description = "How the added adversarial training images are made: fgsm (the paper's) or pgd (PGD-l2 against the clean model, same exact levels) [default: fgsm].", DefaultValueFactory = _ => "fgsm" };
        trainingAttack.AcceptOnlyFromAmong("fgsm", "pgd");
        var pgd = CliOptions.Pgd();

        var run = new Command("run", "Run (or resume) a study: finished rows in the store are skipped. Progress goes to stderr, the summary to stdout. Example: study run --rq 2 --attacks fgsm,pgd,minimal --store rq2.db")
        {
            rq, arch, dataset, folder, paper, trainPerClass, testPerClass, levels, benchLevels, imagesPerClass, maxEpochs, seeds, seed, threads, device, name, work, store, noProgress,
            attacks, whiteBox, trainingAttack,
        };
        foreach (var option in pgd.All)
        {
            run.Options.Add(option);
        }

        run.SetAction(parsed => context.Execute(parsed, () =>
        {
            int q = parsed.GetValue(rq);
            int t = parsed.GetValue(threads);
            if (t < 1)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--threads must be at least 1; {t} was given."));
            }

            var question = (ResearchQuestion)q;
            IReadOnlyList<string>? architectures = parsed.GetValue(arch) is { } a
                ? [.. a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
                : null;
            double[]? factorLevels = parsed.GetValue(levels) is { } l ? ParseFactorLevels(l) : null;
            StudyDesign design;
            if (parsed.GetValue(paper))
            {
                design = StudyDesign.Paper(question);
                design = design with
                {
                    Architectures = architectures ?? design.Architectures,
                    TrainPerClass = parsed.GetValue(trainPerClass),
                    TestPerClass = parsed.GetValue(testPerClass),
                    ImagesPerClass = parsed.GetValue(imagesPerClass) ?? design.ImagesPerClass,
                    MaxEpochs = parsed.GetValue(maxEpochs) ?? design.MaxEpochs,
                };
                if (factorLevels is not null)
                {
                    design = question switch
                    {
                        ResearchQuestion.Rq1 => design with { GaussianLevels = factorLevels },
                        ResearchQuestion.Rq2 => design with { FgsmLevels = factorLevels },
                        ResearchQuestion.Rq3 => design with { ClassImbalanceLevels = factorLevels },
                        ResearchQuestion.Rq4 => design with { LabelDisturbanceLevels = factorLevels },
                        ResearchQuestion.Rq5 => design with { GaussianLevels = factorLevels, FgsmLevels = factorLevels },
                        _ => throw new ArgumentException("--levels does not apply to RQ6 (an L25 orthogonal array of four factors)."),
                    };
                }
            }
            else
            {
                design = StudyDesign.Scaled(question, parsed.GetValue(trainPerClass) ?? 800, parsed.GetValue(testPerClass) ?? 200, factorLevels,
                    parsed.GetValue(maxEpochs) ?? 5, parsed.GetValue(imagesPerClass), architectures);
            }

            design = design.WithRepetitions(parsed.GetValue(seeds), parsed.GetValue(seed));
            if (parsed.GetValue(name) is { } n)
            {
                design = design with { Name = n };
            }

            design.Validate();
            IReadOnlyList<double> suiteLevels = parsed.GetValue(benchLevels) is { } b ? BenchmarkLevels.Parse(b) : BenchmarkLevels.Default;
            string storePath = Path.GetFullPath(parsed.GetValue(store)!);
            string workPath = Path.GetFullPath(parsed.GetValue(work) ?? storePath + ".work");
            var modelOptions = new ModelOptions { Device = parsed.GetValue(device)!, Threads = t };
            modelOptions.Validate();
            var evaluation = new StudyEvaluation(
                parsed.GetValue(attacks) is { } list ? StudyAttack.ParseList(list) : [],
                parsed.GetValue(whiteBox),
                pgd.Read(parsed, parsed.GetValue(seed), modelOptions.FgsmBatchSize),
                parsed.GetValue(trainingAttack)!);
            var data = StudyExecution.LoadData(context, design, parsed.GetValue(dataset)!, parsed.GetValue(folder));
            StudyExecution.Run(context, design, data, modelOptions, storePath, workPath, suiteLevels, parsed.GetValue(noProgress), evaluation);
            return RobustnessCli.Success;
        }));
        return run;
    }

    private static Command CreateStatus(CliContext context)
    {
        var store = new Option<string>("--store") { Description = "The SQLite result store.", Required = true };
        var status = new Command("status", "Show what a result store holds: per study and architecture the stored rows, and finished vs planned runs.") { store };
        status.SetAction(parsed => context.Execute(parsed, () =>
        {
            string path = Path.GetFullPath(parsed.GetValue(store)!);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path}: no such result store.", path);
            }

            using var results = SqliteResultStore.Open(path);
            var rows = results.Rows();
            var studies = results.Studies();
            TextWriter o = context.Output;
            o.WriteLine($"store: {path}");
            var names = studies.Select(s => s.Name).Union(rows.Select(r => r.Study)).Order(StringComparer.Ordinal).ToList();
            if (names.Count == 0)
            {
                o.WriteLine("no studies");
            }

            foreach (string studyName in names)
            {
                var stored = studies.FirstOrDefault(s => s.Name == studyName);
                var own = rows.Where(r => r.Study == studyName).ToList();
                StudyDesign? design = stored is null ? null : StudyDesignJson.Deserialize(stored.DesignJson);
                string planned = stored is null ? "design not stored" : string.Create(CultureInfo.InvariantCulture, $"{own.Count}/{stored.PlannedRuns} runs finished");
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{studyName} (RQ{(stored?.Question ?? (int)own[0].Question)}): {planned}{(stored is not null && own.Count == stored.PlannedRuns ? ", complete" : "")}"));
                var architectures = (design?.Architectures ?? []).Union(own.Select(r => r.Architecture)).ToList();
                foreach (string architecture in architectures)
                {
                    int done = own.Count(r => r.Architecture == architecture);
                    string of = design is null ? "" : string.Create(CultureInfo.InvariantCulture, $"/{design.Points().Count * design.Seeds.Count}");
                    o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {architecture}: {done}{of} rows"));
                }
            }

            var check = results.IntegrityCheck();
            o.WriteLine($"integrity: {string.Join("; ", check)}");
            return RobustnessCli.Success;
        }));
        return status;
    }

    private static double[] ParseFactorLevels(string text)
    {
        // Factor levels may start at 0 and need not be l2 levels; reuse the suite-level syntax.
        return BenchmarkLevels.Parse(text);
    }
}
