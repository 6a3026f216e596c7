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
    /// <summary>The scaled default (a 2-core CPU in under 30 minutes, docs/findings.md): LeNet-5, per-class sizes, epochs and seeds.</summary>
    internal static class Scaled
    {
        public const int TrainPerClass = 300;
        public const int TestPerClass = 100;
        public const int MaxEpochs = 5;
        public const string Architecture = "lenet5";
    }

    /// <summary>The default number of seeds per design point.</summary>
    public const int DefaultSeeds = 3;

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scale = new Option<string>("--scale")
        {
            Description = "scaled: LeNet-5, 300 training + 100 test images per class, at most 5 epochs, fewer levels (a 2-core CPU, under 30 min with 3 seeds); paper: the paper's sizes, levels, 30 epochs and both architectures (meant for a GPU).",
            DefaultValueFactory = _ => "scaled",
        };
        scale.AcceptOnlyFromAmong("scaled", "paper");
        var seeds = new Option<int>("--seeds") { Description = "Seeds (repetitions) per design point; the intervals are over them.", DefaultValueFactory = _ => DefaultSeeds };
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
            IReadOnlyList<string>? architectures = parsed.GetValue(arch) is { } a ? [.. a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : null;
            var questions = ParseQuestions(parsed.GetValue(rqs)!);
            var designs = questions.Select(q => Design(q, paper, architectures, parsed.GetValue(trainPerClass), parsed.GetValue(testPerClass), parsed.GetValue(maxEpochs))
                .WithRepetitions(parsed.GetValue(seeds), parsed.GetValue(seed))).ToList();
            foreach (var design in designs)
            {
                design.Validate();
            }

            IReadOnlyList<double> suiteLevels = parsed.GetValue(benchLevels) is { } b ? BenchmarkLevels.Parse(b) : BenchmarkLevels.Default;
            string output = Path.GetFullPath(parsed.GetValue(outDir)!);
            string storePath = Path.Combine(output, "study.db");
            string workPath = Path.Combine(output, "work");
            using var services = CliServices.Create(context, parsed.GetValue(device)!, parsed.GetValue(threads));
            var source = services.GetRequiredService<IDatasetCatalog>().GetSource(parsed.GetValue(dataset)!, parsed.GetValue(folder));

            // Every question draws the same training and test sets (same sizes and subset seed): load them once.
            var data = StudyExecution.LoadData(context, designs[0], source);
            StudyShard? part = parsed.GetValue(shard) is { } k ? StudyShard.Parse(k) : null;
            PrintPlan(context.Output, designs, data, storePath, suiteLevels, paper, part, parsed.GetValue(threads));
            if (parsed.GetValue(dryRun))
            {
                context.Output.WriteLine("dry run: nothing was trained or written");
                return RobustnessCli.Success;
            }

            // Attack columns (white-box FGSM/PGD, minimal distance, transfer) beyond the paper's: in the reports and the store, not in the findings.
            var evaluation = StudyEvaluation.Paper with
            {
                Attacks = parsed.GetValue(attacks) is { } list ? StudyAttack.ParseList(list) : [],
                Pgd = new Models.PgdOptions { Seed = parsed.GetValue(seed), BatchSize = services.GetRequiredService<Models.ModelOptions>().FgsmBatchSize },
            };
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < designs.Count; i++)
            {
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== {StudyQuestion.For(designs[i].Question)} ({i + 1} of {designs.Count}): study {designs[i].StudyName}"));
                StudyExecution.Run(context, services, designs[i], data, storePath, workPath, suiteLevels, parsed.GetValue(noProgress), evaluation, part);
            }

            if (part is not null)
            {
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"shard {part} done in {clock.Elapsed.TotalMinutes:F1} min: {storePath}. When every shard is done: robustness study merge --store OUT/study.db --from <each shard's study.db>, then the same reproduce command with --out OUT and without --shard writes the reports and findings."));
                return RobustnessCli.Success;
            }

            var rule = CliOptions.ReadPValues(parsed.GetValue(pValues));
            var findings = new List<PaperFinding>();
            var summaries = new List<string>();
            int models = 0;
            double seconds = 0;
            foreach (var design in designs)
            {
                var report = CliOptions.WithPValues(rule, () => StudyReport.Write(storePath, design.Question, Path.Combine(output, $"rq{(int)design.Question}"),
                    new StudyReportOptions { Study = design.StudyName, PValues = rule }));
                context.Output.WriteLine($"report: {report.Report}");
                using var store = SqliteResultStore.OpenReadOnly(storePath);
                var rows = store.Rows(design.StudyName);
                models += rows.Count;
                seconds += rows.Sum(r => r.TotalSeconds);
                var found = PaperFindings.Compare(report.Table, rows);
                findings.AddRange(found);
                summaries.Add(PaperFindings.Summary(design.Question, found));
            }

            foreach (var question in StudyQuestion.All.Select(q => q.Id).Where(q => !questions.Contains(q)))
            {
                findings.AddRange(PaperFindings.NotRun(question));
            }

            var written = FindingsWriter.Write(findings, output, Preface(designs, data, models, seconds / 60, paper));
            foreach (string line in summaries)
            {
                context.Output.WriteLine(line);
            }

            foreach (string path in written)
            {
                context.Output.WriteLine($"findings: {path}");
            }

            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time: {clock.Elapsed.TotalMinutes:F1} min"));
            return RobustnessCli.Success;
        }));
        return command;
    }

    /// <summary>The design of one question at the chosen scale, named as <c>study run</c> names it (rqN-scaled, rqN).</summary>
    private static StudyDesign Design(ResearchQuestion question, bool paper, IReadOnlyList<string>? architectures, int? trainPerClass, int? testPerClass, int? maxEpochs)
    {
        if (paper)
        {
            var design = StudyDesign.Paper(question);
            return design with
            {
                Architectures = architectures ?? design.Architectures,
                TrainPerClass = trainPerClass,
                TestPerClass = testPerClass,
                MaxEpochs = maxEpochs ?? design.MaxEpochs,
            };
        }

        return StudyDesign.Scaled(question, trainPerClass ?? Scaled.TrainPerClass, testPerClass ?? Scaled.TestPerClass, null, maxEpochs ?? Scaled.MaxEpochs, null,
            architectures ?? [Scaled.Architecture]);
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

    private static string Preface(IReadOnlyList<StudyDesign> designs, StudyData data, int rows, double trainingMinutes, bool paper) => string.Create(CultureInfo.InvariantCulture,
        $"Run: `robustness reproduce{(paper ? " --scale paper" : "")}` ({(paper ? "paper scale" : "scaled")}); data: {data.Description}; architectures {string.Join(", ", designs[0].Architectures)}; "
        + $"{designs[0].Seeds.Count} {(designs[0].Seeds.Count == 1 ? "seed" : "seeds")} ({string.Join(", ", designs[0].Seeds)}); at most {designs[0].MaxEpochs} epochs; research questions {string.Join(", ", designs.Select(d => (int)d.Question))}; "
        + $"{rows} models, trained in {trainingMinutes:F1} min (the stored runs' own times).");

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
