using System.Globalization;
using Robustness.Data.Sources;
using Robustness.Evaluation.Benchmarks;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Reports;
using Robustness.Evaluation.Results;
using Robustness.Evaluation.Runner;
using Robustness.Models;
using Robustness.Statistics;

namespace Robustness.Evaluation.Paper;

/// <summary>The scale of a paper check.</summary>
public enum PaperCheckScale
{
    /// <summary>A 2-core CPU in under 30 minutes with 3 seeds: LeNet-5, 300 training and 100 test images per class, at most 5 epochs.</summary>
    Scaled = 0,

    /// <summary>The paper's sizes, levels and 30 epochs, both architectures unless chosen (LeNet-5 alone takes hours on a CPU).</summary>
    Paper = 1,
}

/// <summary>
/// What a paper check runs (docs/findings.md): the research questions, the scale, seeds, sizes, levels and attack columns,
/// from which <see cref="Designs"/> builds one study design per question, named as <c>study run</c> names it
/// (<c>rqN-scaled</c> or <c>rqN</c>). <c>robustness reproduce</c> reads these from its options.
/// </summary>
public sealed record PaperCheckOptions
{
    /// <summary>Training images per class of the scaled check.</summary>
    public const int ScaledTrainPerClass = 300;

    /// <summary>Test images per class of the scaled check.</summary>
    public const int ScaledTestPerClass = 100;

    /// <summary>The most epochs per model of the scaled check.</summary>
    public const int ScaledMaxEpochs = 5;

    /// <summary>The architecture of the scaled check.</summary>
    public const string ScaledArchitecture = "lenet5";

    /// <summary>The default number of seeds per design point.</summary>
    public const int DefaultSeeds = 3;

    /// <summary>The scale; <see cref="PaperCheckScale.Scaled"/> by default.</summary>
    public PaperCheckScale Scale { get; init; }

    /// <summary>The research questions to run (each once, any order); all six of the paper by default.</summary>
    public IReadOnlyList<ResearchQuestion> Questions { get; init; } = PaperQuestions;

    /// <summary>Seeds (repetitions) per design point, positive; the findings' intervals are over them. Default 3.</summary>
    public int Seeds { get; init; } = DefaultSeeds;

    /// <summary>The first seed; the others follow it.</summary>
    public ulong FirstSeed { get; init; } = TrainingOptions.DefaultSeed;

    /// <summary>Architectures; null for the scale's (LeNet-5 scaled, both at paper scale).</summary>
    public IReadOnlyList<string>? Architectures { get; init; }

    /// <summary>Training images per class; null for the scale's (300 scaled, all at paper scale).</summary>
    public int? TrainPerClass { get; init; }

    /// <summary>Test images per class; null for the scale's (100 scaled, all at paper scale).</summary>
    public int? TestPerClass { get; init; }

    /// <summary>The most epochs per model; null for the scale's (5 scaled, 30 at paper scale).</summary>
    public int? MaxEpochs { get; init; }

    /// <summary>The l2 levels of the MNIST-C and MNIST-A suites; the paper's 24 by default.</summary>
    public IReadOnlyList<double> BenchmarkLevels { get; init; } = Benchmarks.BenchmarkLevels.Default;

    /// <summary>Attack columns beyond the paper's (in the reports and the store, not in the findings); none by default.</summary>
    public IReadOnlyList<StudyAttack> Attacks { get; init; } = [];

    /// <summary>The PGD settings of PGD attack columns.</summary>
    public PgdOptions Pgd { get; init; } = new();

    /// <summary>Run only this shard of every question, and stop before the reports (combine the stores with <see cref="ResultStoreMerge"/>); null for all runs.</summary>
    public StudyShard? Shard { get; init; }

    /// <summary>The p-value rule of the reports' Spearman correlations.</summary>
    public PValueRule PValues { get; init; } = PValueRule.Auto;

    /// <summary>How the check was started, for the findings' preface ("Run: ..."); the CLI gives its command line.</summary>
    public string RunDescription { get; init; } = "`PaperCheck.Run`";

    /// <summary>The paper's six research questions.</summary>
    public static IReadOnlyList<ResearchQuestion> PaperQuestions { get; } = [.. PaperTables.Cells.Select(c => c.Question).Distinct().Order()];

    /// <summary>One validated design per question, in question order, at this scale with these seeds.</summary>
    /// <returns>The designs.</returns>
    /// <exception cref="ArgumentException">A question is named twice or unknown, or a design is invalid (names the field).</exception>
    public IReadOnlyList<StudyDesign> Designs()
    {
        Validate();
        var designs = Questions.Order().Select(q => Design(q).WithRepetitions(Seeds, FirstSeed)).ToList();
        foreach (var design in designs)
        {
            design.Validate();
        }

        return designs;
    }

    /// <summary>The clean training and test sets every question of the check draws (the same sizes and subset seed), loaded once.</summary>
    /// <param name="source">The dataset.</param>
    /// <returns>The sets.</returns>
    public StudyData LoadData(IDatasetSource source) => StudyData.Load(Designs()[0], source);

    /// <summary>The runner's options for the studies of this check.</summary>
    /// <param name="workDirectory">Where clean models and suites go.</param>
    /// <returns>The options.</returns>
    public StudyRunOptions RunOptions(string workDirectory) => new()
    {
        WorkDirectory = workDirectory,
        BenchmarkLevels = BenchmarkLevels,
        WhiteBoxFgsm = false,
        Attacks = Attacks,
        Pgd = Pgd,
        TrainingAttack = "fgsm",
        Shard = Shard,
    };

    /// <summary>Checks the settings that are not a design's.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Questions, nameof(Questions));
        if (Questions.Count == 0)
        {
            throw new ArgumentException("Questions is empty; name at least one research question.", nameof(Questions));
        }

        if (Questions.Distinct().Count() != Questions.Count)
        {
            throw new ArgumentException($"Questions names a question twice: {string.Join(", ", Questions.Select(q => (int)q))}.", nameof(Questions));
        }

        foreach (var question in Questions)
        {
            if (!StudyQuestion.Exists(question))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Questions holds {(int)question}, which is not a research question."), nameof(Questions));
            }
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Seeds);
        Benchmarks.BenchmarkLevels.Validate(BenchmarkLevels);
        ArgumentNullException.ThrowIfNull(Attacks, nameof(Attacks));
        ArgumentNullException.ThrowIfNull(Pgd, nameof(Pgd));
        Pgd.Validate();
        ArgumentException.ThrowIfNullOrWhiteSpace(RunDescription, nameof(RunDescription));
    }

    private StudyDesign Design(ResearchQuestion question)
    {
        if (Scale == PaperCheckScale.Paper)
        {
            var design = StudyDesign.Paper(question);
            return design with
            {
                Architectures = Architectures ?? design.Architectures,
                TrainPerClass = TrainPerClass,
                TestPerClass = TestPerClass,
                MaxEpochs = MaxEpochs ?? design.MaxEpochs,
            };
        }

        return StudyDesign.Scaled(question, TrainPerClass ?? ScaledTrainPerClass, TestPerClass ?? ScaledTestPerClass, null, MaxEpochs ?? ScaledMaxEpochs, null,
            Architectures ?? [ScaledArchitecture]);
    }
}

/// <summary>What a paper check did and wrote.</summary>
/// <param name="StorePath">The store of every question's runs (<c>OUT/study.db</c>).</param>
/// <param name="Runs">One summary per question run now (empty when only published).</param>
/// <param name="Sharded">True when only a shard ran: nothing below was written.</param>
/// <param name="Reports">One report per question (report.md, CSV, figures) under <c>OUT/rqN</c>.</param>
/// <param name="Findings">One finding per cell of the paper's Tables 2-7 (not-run questions included, as not run).</param>
/// <param name="Summaries">One summary line per question run.</param>
/// <param name="FindingsFiles">findings.md and findings.csv.</param>
/// <param name="Models">The stored runs of the questions.</param>
/// <param name="TrainingMinutes">Their own times, added up.</param>
public sealed record PaperCheckResult(string StorePath, IReadOnlyList<StudyRunSummary> Runs, bool Sharded, IReadOnlyList<ReportFiles> Reports,
    IReadOnlyList<PaperFinding> Findings, IReadOnlyList<string> Summaries, IReadOnlyList<string> FindingsFiles, int Models, double TrainingMinutes);

/// <summary>
/// The paper check as one library call (docs/findings.md), what <c>robustness reproduce</c> does: every question of
/// <see cref="PaperCheckOptions"/> into one resumable store (<c>OUT/study.db</c>, models and suites in <c>OUT/work</c>),
/// then a report per question (<c>OUT/rqN/</c>) and findings.md/findings.csv: every cell of the paper's Tables 2-7 beside
/// ours with an interval over the seeds and a verdict. Resolve it from DI (<c>AddRobustnessEvaluation</c>).
/// </summary>
/// <example>
/// <code>
/// var check = services.GetRequiredService&lt;PaperCheck&gt;();
/// var options = new PaperCheckOptions { Questions = [ResearchQuestion.Rq2], Seeds = 1 };
/// var data = options.LoadData(catalog.GetSource("mnist"));
/// PaperCheckResult result = check.Run(options, data, "reproduce-out");
/// </code>
/// </example>
public sealed class PaperCheck
{
    /// <summary>The store's file name in the output folder.</summary>
    public const string StoreFileName = "study.db";

    /// <summary>The work folder's name in the output folder (clean models, suites).</summary>
    public const string WorkFolderName = "work";

    private readonly StudyRunner _runner;

    internal PaperCheck(StudyRunner runner) => _runner = runner;

    /// <summary>Runs (or resumes) every question, then publishes the reports and findings (not after a shard).</summary>
    /// <param name="options">What to run.</param>
    /// <param name="data">The clean training and test sets (<see cref="PaperCheckOptions.LoadData"/>).</param>
    /// <param name="outputFolder">The output folder; created when absent.</param>
    /// <param name="progress">Optional progress of every study.</param>
    /// <param name="cancellationToken">Cancels between batches; stored runs are kept.</param>
    /// <returns>What was run and written.</returns>
    public PaperCheckResult Run(PaperCheckOptions options, StudyData data, string outputFolder, IProgress<StudyProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputFolder);
        var designs = options.Designs();
        string output = Path.GetFullPath(outputFolder);
        var runOptions = options.RunOptions(Path.Combine(output, WorkFolderName));
        foreach (var design in designs)
        {
            _runner.Validate(design, data, runOptions); // every refusal before anything is written
        }

        Directory.CreateDirectory(output);
        var runs = new List<StudyRunSummary>();
        using (var store = ResultStores.Open(Path.Combine(output, StoreFileName)))
        {
            foreach (var design in designs)
            {
                runs.Add(_runner.Run(design, data, store, runOptions, progress, cancellationToken));
            }
        }

        if (options.Shard is not null)
        {
            return new PaperCheckResult(Path.Combine(output, StoreFileName), runs, true, [], [], [], [], 0, 0);
        }

        return Publish(options, data, output) with { Runs = runs };
    }

    /// <summary>
    /// Writes the reports and findings from the stored runs alone (after <c>study merge</c> of the shards, say): nothing is
    /// trained. Every run of the questions must be stored.
    /// </summary>
    /// <param name="options">What was run.</param>
    /// <param name="data">The clean sets (their description goes into the findings' preface).</param>
    /// <param name="outputFolder">The output folder holding <see cref="StoreFileName"/>.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="InvalidOperationException">A question's runs are not all stored (names the study and the count).</exception>
    public static PaperCheckResult Publish(PaperCheckOptions options, StudyData data, string outputFolder)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputFolder);
        var designs = options.Designs();
        string output = Path.GetFullPath(outputFolder);
        string storePath = Path.Combine(output, StoreFileName);
        var reports = new List<ReportFiles>();
        var findings = new List<PaperFinding>();
        var summaries = new List<string>();
        int models = 0;
        double seconds = 0;
        using (var store = ResultStores.OpenReadOnly(storePath))
        {
            foreach (var design in designs)
            {
                var rows = store.Rows(design.StudyName);
                int planned = design.Runs().Count;
                if (rows.Count < planned)
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                        $"Study {design.StudyName} in {storePath} holds {rows.Count} of its {planned} runs; run the missing ones (or merge the shards' stores) before the findings."));
                }

                var report = StudyReport.Write(store, design.Question, Path.Combine(output, string.Create(CultureInfo.InvariantCulture, $"rq{(int)design.Question}")),
                    new StudyReportOptions { Study = design.StudyName, PValues = options.PValues });
                reports.Add(report);
                models += rows.Count;
                seconds += rows.Sum(r => r.TotalSeconds);
                var found = PaperFindings.Compare(report.Table, rows);
                findings.AddRange(found);
                summaries.Add(PaperFindings.Summary(design.Question, found));
            }
        }

        foreach (var question in PaperCheckOptions.PaperQuestions.Where(q => !designs.Any(d => d.Question == q)))
        {
            findings.AddRange(PaperFindings.NotRun(question));
        }

        var written = FindingsWriter.Write(findings, output, Preface(options, designs, data, models, seconds / 60));
        return new PaperCheckResult(storePath, [], false, reports, findings, summaries, written, models, seconds / 60);
    }

    private static string Preface(PaperCheckOptions options, IReadOnlyList<StudyDesign> designs, StudyData data, int rows, double trainingMinutes)
    {
        bool paper = options.Scale == PaperCheckScale.Paper;
        var first = designs[0];
        return string.Create(CultureInfo.InvariantCulture,
            $"Run: {options.RunDescription} ({(paper ? "paper scale" : "scaled")}); data: {data.Description}; architectures {string.Join(", ", first.Architectures)}; "
            + $"{first.Seeds.Count} {(first.Seeds.Count == 1 ? "seed" : "seeds")} ({string.Join(", ", first.Seeds)}); at most {first.MaxEpochs} epochs; research questions {string.Join(", ", designs.Select(d => (int)d.Question))}; "
            + $"{rows} models, trained in {trainingMinutes:F1} min (the stored runs' own times).");
    }
}
