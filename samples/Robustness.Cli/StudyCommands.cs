using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
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
        study.Subcommands.Add(CreateMerge(context));
        return study;
    }

    private static Command CreateRun(CliContext context)
    {
        var rq = CliOptions.ResearchQuestion();
        var arch = new Option<string?>("--arch") { Description = "Architectures, comma-separated: lenet5, alexnet8 [default: lenet5; both with --paper]." };
        var dataset = new Option<string>("--dataset") { Description = "The dataset.", DefaultValueFactory = _ => "mnist" };
        dataset.AcceptOnlyFromAmong("mnist", "fashion-mnist", "synthetic");
        var folder = new Option<string?>("--data") { Description = $"Folder with the IDX files (or a parent with a folder per dataset) [default: ${DatasetLocator.EnvironmentVariable}, then the user cache folder]." };
        var paper = new Option<bool>("--paper") { Description = "The paper's full scale (all images, all levels, 30 epochs, both architectures; meant for a GPU) instead of the scaled design." };
        var trainPerClass = new Option<int?>("--train-per-class") { Description = "Training images per class; without a training split (the MNIST test-only copy) train and test are drawn disjointly from the test split [default: 800; all with --paper]." };
        var testPerClass = new Option<int?>("--test-per-class") { Description = "Test images per class for the benchmarks [default: 200; all with --paper]." };
        var subsetSeed = new Option<ulong>("--subset-seed") { Description = "The seed of the per-class subsets and of the disjoint train/test draw (fixed across repetitions).", DefaultValueFactory = _ => 1 };
        var levels = new Option<string?>("--levels")
        {
            Description = "The question's factor levels, a list 0,2,4 or a range start:stop:step (not for RQ6) [default: "
                + string.Join("; ", StudyQuestion.All.Select(q => $"RQ{(int)q.Id} {q.DescribeLevels(q.WithScaledLevels(new StudyDesign { Question = q.Id }))}")) + "; the paper's with --paper].",
        };
        var benchLevels = new Option<string?>("--bench-levels") { Description = "l2 levels of the Gaussian and FGSM test suites [default: 0.5:12:0.5, the paper's 24]." };
        var imagesPerClass = new Option<int?>("--images-per-class") { Description = "Perturbed images added per class [default: a third of --train-per-class; 2000 with --paper]." };
        var maxEpochs = new Option<int?>("--max-epochs") { Description = "The most epochs per model [default: 5; 30 with --paper]." };
        var seeds = new Option<int>("--seeds") { Description = "Repetitions: seeds per design point (consecutive from --seed).", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong>("--seed") { Description = "The first seed (model initialisation, batch order, picks, training noise).", DefaultValueFactory = _ => TrainingOptions.DefaultSeed };
        var threads = new Option<int>("--threads") { Description = "CPU threads of libtorch; fixed so that results are reproducible.", DefaultValueFactory = _ => CliOptions.DefaultThreads };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
        var name = new Option<string?>("--name") { Description = "The study's name in the store [default: rqN-scaled; rqN with --paper]." };
        var work = new Option<string?>("--work") { Description = "Work folder for the clean models and the suite cache [default: FILE.work beside the store]." };
        var store = new Option<string>("--store")
        {
            Description = "The result store: an SQLite file (created when absent), or a PostgreSQL database (postgresql://user@host:port/database or an Npgsql connection string; tables created when absent) that workers on many machines share.",
            Required = true,
        };
        var worker = new Option<bool>("--worker") { Description = "Work on the study together with other workers through a PostgreSQL --store: claim one run at a time with a lease, store its row, until none is left (docs/scale-out.md). Needs --work on a file system every worker sees." };
        var workerName = new Option<string?>("--worker-name") { Description = "This worker's name in the store [default: the Slurm job and array task, else host:pid].", HelpName = "NAME" };
        var lease = new Option<int>("--lease") { Description = "Seconds a worker's claim lasts without a heartbeat (every third of it); a dead worker's run is taken over after at most this long.", DefaultValueFactory = _ => 300, HelpName = "SECONDS" };
        var shard = CliOptions.Shard("Run only shard K of N (K/N, e.g. 2/4): every N-th run of the design, for a static split over machines, each with its own --store; combine the shards' stores with 'study merge'.");
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan (runs, training sets, sizes, what is stored already, an estimated time) and stop; nothing is trained or written." };
        var noProgress = ProgressRenderer.CreateOption();
        var attacks = CliOptions.Attacks();
        var whiteBox = new Option<bool>("--white-box") { Description = "Score the paper's MNIST-A column white-box (FGSM against each model) instead of transferred from the clean model." };
        var trainingAttack = new Option<string>("--training-attack") { Description = "How the added adversarial training images are made: fgsm (the paper's) or pgd (PGD-l2 against the clean model, same exact levels).", DefaultValueFactory = _ => "fgsm" };
        trainingAttack.AcceptOnlyFromAmong("fgsm", "pgd");
        var pgd = CliOptions.Pgd();

        var run = new Command("run", "Run (or resume) a study: finished rows in the store are skipped. Progress goes to stderr, the summary to stdout. Example: robustness study run --rq 2 --attacks fgsm,pgd,minimal --store rq2.db")
        {
            rq, arch, dataset, folder, paper, trainPerClass, testPerClass, subsetSeed, levels, benchLevels, imagesPerClass, maxEpochs, seeds, seed, threads, device, name, work, store, noProgress,
            attacks, whiteBox, trainingAttack, dryRun, shard, worker, workerName, lease,
        };
        foreach (var option in pgd.All)
        {
            run.Options.Add(option);
        }

        // Combinations of the scale-out options, checked with the command line (exit 2) before anything runs.
        run.Validators.Add(result =>
        {
            string? location = result.GetValue(store);
            bool postgres = location is not null && PostgresResultStore.IsPostgres(location);
            if (result.GetValue(worker) && !postgres)
            {
                result.AddError("--worker: workers share a PostgreSQL store; give --store postgresql://user@host:port/database (an SQLite file is not safe for processes on several machines; use --shard K/N and 'study merge' instead).");
            }
            else if (result.GetValue(worker) && result.GetValue(shard) is not null)
            {
                result.AddError("--shard: a worker claims runs from the shared store; give either --worker or --shard.");
            }
            else if (postgres && result.GetValue(work) is null)
            {
                result.AddError("--work: a PostgreSQL store needs --work, a folder for the clean models and suites (on a file system every worker sees).");
            }
            else if (!result.GetValue(worker) && (result.GetResult(workerName) is { Implicit: false } || result.GetResult(lease) is { Implicit: false }))
            {
                result.AddError($"{(result.GetResult(workerName) is { Implicit: false } ? "--worker-name" : "--lease")}: only for a worker; add --worker.");
            }
        });

        run.SetAction(parsed => context.Execute(parsed, () =>
        {
            int q = parsed.GetValue(rq);
            int t = parsed.GetValue(threads);

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
                    design = StudyQuestion.For(question).WithLevels(design, factorLevels);
                }
            }
            else
            {
                design = StudyDesign.Scaled(question, parsed.GetValue(trainPerClass) ?? 800, parsed.GetValue(testPerClass) ?? 200, factorLevels,
                    parsed.GetValue(maxEpochs) ?? 5, parsed.GetValue(imagesPerClass), architectures);
            }

            design = design.WithRepetitions(parsed.GetValue(seeds), parsed.GetValue(seed)) with { SubsetSeed = parsed.GetValue(subsetSeed) };
            if (parsed.GetValue(name) is { } n)
            {
                design = design with { Name = n };
            }

            design.Validate();
            IReadOnlyList<double> suiteLevels = parsed.GetValue(benchLevels) is { } b ? BenchmarkLevels.Parse(b) : BenchmarkLevels.Default;
            string storePath = ResultStores.Normalize(parsed.GetValue(store)!);
            string workPath = Path.GetFullPath(parsed.GetValue(work) ?? storePath + ".work");
            StudyWorkerOptions? workerOptions = parsed.GetValue(worker)
                ? new StudyWorkerOptions { Name = parsed.GetValue(workerName) ?? DefaultWorkerName(), Lease = TimeSpan.FromSeconds(parsed.GetValue(lease)) }
                : null;
            using var services = CliServices.Create(context, parsed.GetValue(device)!, t);
            var evaluation = new StudyEvaluation(
                parsed.GetValue(attacks) is { } list ? StudyAttack.ParseList(list) : [],
                parsed.GetValue(whiteBox),
                pgd.Read(parsed, parsed.GetValue(seed), services.GetRequiredService<ModelOptions>().FgsmBatchSize),
                parsed.GetValue(trainingAttack)!);
            var source = services.GetRequiredService<IDatasetCatalog>().GetSource(parsed.GetValue(dataset)!, parsed.GetValue(folder));
            var data = StudyExecution.LoadData(context, design, source);
            if (parsed.GetValue(dryRun))
            {
                StudyDryRun.Print(context.Output, design, data, storePath, suiteLevels, evaluation);
                return RobustnessCli.Success;
            }

            StudyExecution.Run(context, services, design, data, storePath, workPath, suiteLevels, parsed.GetValue(noProgress), evaluation,
                parsed.GetValue(shard) is { } k ? StudyShard.Parse(k) : null, workerOptions);
            return RobustnessCli.Success;
        }));
        return run;
    }

    /// <summary>A worker's default name: the Slurm array task (job_task@host) or job inside Slurm, else host:pid.</summary>
    internal static string DefaultWorkerName()
    {
        string host = Environment.MachineName;
        string? job = Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID") is { Length: > 0 } array
            ? $"{array}_{Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID")}"
            : Environment.GetEnvironmentVariable("SLURM_JOB_ID");
        return string.IsNullOrEmpty(job)
            ? string.Create(CultureInfo.InvariantCulture, $"{host}:{Environment.ProcessId}")
            : string.Create(CultureInfo.InvariantCulture, $"slurm-{job}@{host}:{Environment.ProcessId}");
    }

    private static Command CreateStatus(CliContext context)
    {
        var store = new Option<string>("--store") { Description = "The result store (an SQLite file, or postgresql://user@host:port/database).", Required = true };
        var status = new Command("status", "Show what a result store holds: per study and architecture the stored rows, and finished vs planned runs; for a shared PostgreSQL store also the runs claimed and left and the workers seen. The store is opened read-only. Example: robustness study status --store rq2.db") { store };
        status.SetAction(parsed => context.Execute(parsed, () =>
        {
            string path = ResultStores.Normalize(parsed.GetValue(store)!);
            using var results = ResultStores.OpenReadOnly(path);
            var rows = results.Rows();
            var studies = results.Studies();
            TextWriter o = context.Output;
            o.WriteLine($"store: {results.Path}");
            var names = studies.Select(s => s.Name).Union(rows.Select(r => r.Study)).Order(StringComparer.Ordinal).ToList();
            if (names.Count == 0)
            {
                o.WriteLine("no studies");
            }

            foreach (string studyName in names)
            {
                var stored = studies.FirstOrDefault(s => s.Name == studyName);
                var own = rows.Where(r => r.Study == studyName).ToList();
                StudyDesign? design = stored is null ? null : stored.ReadDesign();
                string planned = stored is null ? "design not stored" : string.Create(CultureInfo.InvariantCulture, $"{own.Count}/{stored.PlannedRuns} runs finished");
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{studyName} (RQ{(stored?.Question ?? (int)own[0].Question)}): {planned}{(stored is not null && own.Count == stored.PlannedRuns ? ", complete" : "")}"));
                var architectures = (design?.Architectures ?? []).Union(own.Select(r => r.Architecture)).ToList();
                foreach (string architecture in architectures)
                {
                    int done = own.Count(r => r.Architecture == architecture);
                    string of = design is null ? "" : string.Create(CultureInfo.InvariantCulture, $"/{design.Points().Count * design.Seeds.Count}");
                    o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {architecture}: {done}{of} rows"));
                }

                if (results is ISharedResultStore shared && stored is not null)
                {
                    WriteQueue(o, shared.Queue(studyName));
                }
            }

            var check = results.IntegrityCheck();
            o.WriteLine($"integrity: {string.Join("; ", check)}");
            return RobustnessCli.Success;
        }));
        return status;
    }

    /// <summary>The queue of a shared store's study: runs stored, claimed, left, and every worker seen with its last heartbeat.</summary>
    private static void WriteQueue(TextWriter o, RunQueueState queue)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(c, $"  queue: {queue.Stored} stored, {queue.Claimed} claimed, {queue.Left} left of {queue.Queued}; {queue.Workers.Count} worker(s) seen"));
        var now = DateTimeOffset.UtcNow;
        foreach (var w in queue.Workers)
        {
            o.WriteLine(string.Create(c,
                $"  worker {w.Name}: {w.Stored} stored, last seen {Math.Max(0, (now - w.LastSeen).TotalSeconds):F0} s ago{(w.Current is null ? "" : ", running " + w.Current)}"));
        }
    }

    private static Command CreateMerge(CliContext context)
    {
        var store = new Option<string>("--store") { Description = "The result store to merge into (created when absent).", Required = true };
        var from = new Option<string[]>("--from") { Description = "The stores to merge from, e.g. the stores of 'study run --shard K/N' (opened read-only).", Required = true, AllowMultipleArgumentsPerToken = true, HelpName = "FILE..." };
        var merge = new Command("merge", "Combine stores of the same studies (the shards of 'study run --shard K/N') into one. Everything is checked first: a study with another design or data, or a run with other results, is refused and nothing is written. Example: robustness study merge --store rq2.db --from rq2-1of2.db rq2-2of2.db")
        {
            store, from,
        };
        merge.SetAction(parsed => context.Execute(parsed, () =>
        {
            string target = Path.GetFullPath(parsed.GetValue(store)!);
            string[] sources = [.. parsed.GetValue(from)!.Select(Path.GetFullPath)];
            if (sources.FirstOrDefault(s => s == target) is { } same)
            {
                throw new ArgumentException($"{same}: a store cannot be merged into itself; give another --store.");
            }

            var opened = new List<SqliteResultStore>();
            try
            {
                foreach (string source in sources.Distinct(StringComparer.Ordinal))
                {
                    opened.Add(SqliteResultStore.OpenReadOnly(source));
                }

                // A new store is made beside the target and renamed into place, so a refused merge leaves no store behind.
                bool fresh = !File.Exists(target);
                string path = fresh ? Robustness.IO.AtomicFile.TemporaryPathFor(target) : target;
                StoreMergeSummary summary;
                try
                {
                    using (var results = SqliteResultStore.Open(path))
                    {
                        summary = ResultStoreMerge.Merge(results, opened);
                    }

                    if (fresh)
                    {
                        Robustness.IO.AtomicFile.Commit(path, target);
                    }
                }
                catch when (fresh)
                {
                    foreach (string file in new[] { path, path + "-wal", path + "-shm" })
                    {
                        Robustness.IO.AtomicFile.Discard(file);
                    }

                    throw;
                }

                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"merged {opened.Count} store(s) into {target}: {summary.Added} rows added, {summary.AlreadyStored} already stored with the same results; studies: {string.Join(", ", summary.Studies)}"));
                return RobustnessCli.Success;
            }
            finally
            {
                foreach (var o in opened)
                {
                    o.Dispose();
                }
            }
        }));
        return merge;
    }

    private static double[] ParseFactorLevels(string text)
    {
        // Factor levels may start at 0 and need not be l2 levels; reuse the suite-level syntax.
        return BenchmarkLevels.Parse(text);
    }
}
