using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Robustness.Evaluation.Reports;
using Robustness.Data.Sources;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Benchmarks;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Paper;
using Robustness.Evaluation.Results;
using Robustness.Evaluation.Runner;
using Robustness.Statistics;

namespace Robustness.Cli;

/// <summary>
/// <c>robustness reproduce</c>: the paper check (docs/findings.md). Runs the research questions with seeds into one resumable
/// store, writes a report with figures per question, then findings.md and findings.csv: every cell of the paper's Tables 2-7
/// beside ours with an interval over the seeds and a verdict.
/// </summary>
internal static class ReproduceCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scale = new Option<string>("--scale")
        {
            Description = "scaled: LeNet-5, 300 training + 100 test images per class, at most 5 epochs, fewer levels (a 2-core CPU, under 30 min with 3 seeds); paper: the paper's sizes, levels, 30 epochs and both architectures (meant for a GPU).",
            DefaultValueFactory = _ => "scaled",
        };
        scale.AcceptOnlyFromAmong("scaled", "paper");
        var seeds = new Option<int>("--seeds") { Description = "Seeds (repetitions) per design point; the intervals are over them.", DefaultValueFactory = _ => PaperCheckOptions.DefaultSeeds };
        var seed = new Option<ulong>("--seed") { Description = "The first seed.", DefaultValueFactory = _ => Models.TrainingOptions.DefaultSeed };
        var rqs = new Option<string>("--rq") { Description = "The research questions to run, comma-separated.", DefaultValueFactory = _ => "1,2,3,4,5,6", HelpName = "LIST" };
        var arch = new Option<string?>("--arch") { Description = "Architectures, comma-separated: lenet5, alexnet8 [default: lenet5; both with --scale paper]." };
        var trainPerClass = new Option<int?>("--train-per-class") { Description = "Training images per class [default: 300; all with --scale paper]." };
        var testPerClass = new Option<int?>("--test-per-class") { Description = "Test images per class [default: 100; all with --scale paper]." };
        var maxEpochs = new Option<int?>("--max-epochs") { Description = "The most epochs per model [default: 5; 30 with --scale paper]." };
        var benchLevels = new Option<string?>("--bench-levels") { Description = "l2 levels of the MNIST-C and MNIST-A suites [default: 0.5:12:0.5, the paper's 24]." };
        var dataset = new Option<string>("--dataset") { Description = "The dataset.", DefaultValueFactory = _ => "mnist" };
        dataset.AcceptOnlyFromAmong("mnist", "fashion-mnist", "synthetic");
        var folder = new Option<string?>("--data") { Description = $"Folder with the IDX files (or a parent with a folder per dataset) [default: ${DatasetLocator.EnvironmentVariable}, then the user cache folder]." };
        var outDir = new Option<string>("--out") { Description = "The output folder: study.db (resumable), work/, rqN/ reports, findings.md, findings.csv.", DefaultValueFactory = _ => "reproduce-out" };
        var threads = new Option<int>("--threads") { Description = "CPU threads of libtorch.", DefaultValueFactory = _ => CliOptions.DefaultThreads };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan and the time estimate of every research question and stop; nothing is trained or written." };
        var noProgress = ProgressRenderer.CreateOption();
        var pValues = CliOptions.PValues();
        var attacks = CliOptions.Attacks();
        var shard = CliOptions.Shard("Run only shard K of N (K/N) of every question: every N-th run, into this --out's study.db, and stop before the reports. Run the shards side by side (e.g. two with --threads 1 on 2 cores) or on several machines, combine their stores with 'study merge --store OUT/study.db --from ...', then rerun reproduce with --out OUT: it finds every run stored and writes the reports and findings (docs/findings.md).");
        rqs.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && QuestionsProblem(result.Tokens[0].Value) is { } problem)
            {
                result.AddError($"--rq: {problem}");
            }
        });

        var command = new Command("reproduce", "The paper check: run the research questions with seeds into one resumable store, then findings.md/findings.csv (every cell of the paper's Tables 2-7 beside ours, an interval over seeds and a verdict) and a report with figures per question. Example: robustness reproduce --data ../shared/data --out reproduce-out")
        {
            scale, seeds, seed, rqs, arch, trainPerClass, testPerClass, maxEpochs, benchLevels, dataset, folder, outDir, threads, device, dryRun, noProgress, pValues, attacks, shard,
        };
        command.SetAction(parsed => context.Execute(parsed, () =>
        {
            bool paper = parsed.GetValue(scale) == "paper";
            var rule = CliOptions.ReadPValues(parsed.GetValue(pValues));
            using var services = CliServices.Create(context, parsed.GetValue(device)!, parsed.GetValue(threads));
            var options = new PaperCheckOptions
            {
                Scale = paper ? PaperCheckScale.Paper : PaperCheckScale.Scaled,
                Questions = ParseQuestions(parsed.GetValue(rqs)!),
                Seeds = parsed.GetValue(seeds),
                FirstSeed = parsed.GetValue(seed),
                Architectures = parsed.GetValue(arch) is { } a ? [.. a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : null,
                TrainPerClass = parsed.GetValue(trainPerClass),
                TestPerClass = parsed.GetValue(testPerClass),
                MaxEpochs = parsed.GetValue(maxEpochs),
                BenchmarkLevels = parsed.GetValue(benchLevels) is { } b ? BenchmarkLevels.Parse(b) : BenchmarkLevels.Default,

                // Attack columns (white-box FGSM/PGD, minimal distance, transfer) beyond the paper's: in the reports and the store, not in the findings.
                Attacks = parsed.GetValue(attacks) is { } list ? StudyAttack.ParseList(list) : [],
                Pgd = new Models.PgdOptions { Seed = parsed.GetValue(seed), BatchSize = services.GetRequiredService<Models.ModelOptions>().FgsmBatchSize },
                Shard = parsed.GetValue(shard) is { } k ? StudyShard.Parse(k) : null,
                PValues = rule,
                RunDescription = paper ? "`robustness reproduce --scale paper`" : "`robustness reproduce`",
            };
            var designs = options.Designs();
            string output = Path.GetFullPath(parsed.GetValue(outDir)!);
            string storePath = Path.Combine(output, PaperCheck.StoreFileName);
            string workPath = Path.Combine(output, PaperCheck.WorkFolderName);
            var source = services.GetRequiredService<IDatasetCatalog>().GetSource(parsed.GetValue(dataset)!, parsed.GetValue(folder));

            // Every question draws the same training and test sets (same sizes and subset seed): load them once.
            var data = StudyExecution.LoadData(context, designs[0], source);
            PrintPlan(context.Output, designs, data, storePath, options.BenchmarkLevels, paper, options.Shard, parsed.GetValue(threads));
            if (parsed.GetValue(dryRun))
            {
                context.Output.WriteLine("dry run: nothing was trained or written");
                return RobustnessCli.Success;
            }

            // The library's PaperCheck.Run does the same; the CLI runs the questions itself to show each one's progress and summary.
            var clock = Stopwatch.StartNew();
            var runOptions = options.RunOptions(workPath);
            for (int i = 0; i < designs.Count; i++)
            {
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== {StudyQuestion.For(designs[i].Question)} ({i + 1} of {designs.Count}): study {designs[i].StudyName}"));
                StudyExecution.Run(context, services, designs[i], data, storePath, runOptions, parsed.GetValue(noProgress));
            }

            if (options.Shard is { } part)
            {
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"shard {part} done in {clock.Elapsed.TotalMinutes:F1} min: {storePath}. When every shard is done: robustness study merge --store OUT/study.db --from <each shard's study.db>, then the same reproduce command with --out OUT and without --shard writes the reports and findings."));
                return RobustnessCli.Success;
            }

            var result = CliOptions.WithPValues(rule, () => PaperCheck.Publish(options, data, output));
            foreach (var report in result.Reports)
            {
                context.Output.WriteLine($"report: {report.Report}");
            }

            foreach (string line in result.Summaries)
            {
                context.Output.WriteLine(line);
            }

            foreach (string path in result.FindingsFiles)
            {
                context.Output.WriteLine($"findings: {path}");
            }

            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time: {clock.Elapsed.TotalMinutes:F1} min"));
            return RobustnessCli.Success;
        }));
        return command;
    }

    private static void PrintPlan(TextWriter o, IReadOnlyList<StudyDesign> designs, StudyData data, string storePath, IReadOnlyList<double> suiteLevels, bool paper, StudyShard? shard, int threads)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        string part = shard is null ? "" : $", shard {shard} (runs {shard.Index}, {shard.Index + shard.Count}, {shard.Index + (2 * shard.Count)}, ... of each question)";
        o.WriteLine(string.Create(c, $"paper check ({(paper ? "paper scale" : "scaled")}): {designs.Count} research question(s), {designs[0].Seeds.Count} seed(s), architectures {string.Join(", ", designs[0].Architectures)}{part}"));
        o.WriteLine($"data: {data.Description}");
        double total = 0;
        using var stored = File.Exists(storePath) ? SqliteResultStore.OpenReadOnly(storePath) : null;
        foreach (var design in designs)
        {
            var all = design.Runs();
            var runs = shard is null ? all : [.. all.Where((_, i) => shard.Contains(i))];
            int done = stored is null ? 0 : runs.Count(r => stored.Contains(r.Key));
            double seconds = StudyDryRun.EstimateSeconds(design, data, suiteLevels, done + all.Count - runs.Count);
            total += seconds;
            o.WriteLine(string.Create(c, $"  {StudyQuestion.For(design.Question)}: {runs.Count} runs ({done} stored), about {StudyDryRun.Duration(seconds)}"));
        }

        o.WriteLine(string.Create(c, $"estimated time: about {StudyDryRun.Duration(total)} (rates measured at 2 CPU threads, training at the epoch cap; benchmarks/README.md; --threads {threads} here)"));
    }

    private static List<ResearchQuestion> ParseQuestions(string text) =>
        [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(t => (ResearchQuestion)int.Parse(t, NumberStyles.Integer, CultureInfo.InvariantCulture)).Distinct().Order()];

    private static string? QuestionsProblem(string text)
    {
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        foreach (string item in items)
        {
            if (!int.TryParse(item, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || !StudyQuestion.Exists((ResearchQuestion)value))
            {
                return $"'{item}' is not a research question; give numbers {CliOptions.QuestionNumbers()}, comma-separated (e.g. 1,2,6).";
            }
        }

        return items.Distinct(StringComparer.Ordinal).Count() == items.Length ? null : $"a question is named twice in '{text}'.";
    }
}
