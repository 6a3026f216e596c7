using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Robustness.Evaluation.Tests.Results;
using Robustness.Tests.Shared;

namespace Robustness.Cli.Tests.ScaleOut;

/// <summary>
/// <c>study run --worker</c> in real processes against a real PostgreSQL server (and a real one-node Slurm cluster where
/// <c>.ci/servers/slurm.sh</c> started one): every run stored exactly once, the rows of a one-process run, a killed or
/// cancelled worker's run finished by another (docs/scale-out.md).
/// </summary>
[NonParallelizable]
public sealed class WorkerTests
{
    private static readonly string[] _study =
    [
        "study", "run", "--rq", "4", "--dataset", "synthetic", "--levels", "0.2,0.4", "--train-per-class", "40", "--test-per-class", "10",
        "--bench-levels", "1,2", "--max-epochs", "2", "--threads", "1", "--seeds", "2", "--no-progress",
    ];

    private string _temp = "";

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("robustness-workers-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_temp, recursive: true);

    private static string Cli => Path.Combine(AppContext.BaseDirectory, "robustness");

    /// <summary>The rows of the same study run in one process into an SQLite store.</summary>
    private List<string> OneProcessRows()
    {
        string store = Path.Combine(_temp, "one.db");
        var (exit, _, error) = CliRunner.Run([.. _study, "--store", store]);
        Assert.That(exit, Is.Zero, error);
        return StoreRows.Results(store);
    }

    private string[] WorkerArgs(TestPostgres db, string name, int lease) =>
        [.. _study, "--store", db.Uri, "--work", Path.Combine(_temp, "shared-work"), "--worker", "--worker-name", name, "--lease", lease.ToString(CultureInfo.InvariantCulture)];

    private static Process Start(string[] args, string log)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >\"$LOG\" 2>&1");
        start.ArgumentList.Add(Cli);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["LOG"] = log;
        return Process.Start(start)!;
    }

    private static void WaitAll(IEnumerable<Process> processes, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        foreach (var p in processes)
        {
            var left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero || !p.WaitForExit(left))
            {
                p.Kill(entireProcessTree: true);
                Assert.Fail($"a worker ran over {timeout.TotalSeconds:0} s");
            }
        }
    }

    private static List<(string Key, int Attempts, string? Worker, bool Stored)> Queue(TestPostgres db)
    {
        using var connection = new NpgsqlConnection(db.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT key, attempts, worker, stored IS NOT NULL FROM runs ORDER BY number;", connection);
        using var reader = command.ExecuteReader();
        var result = new List<(string, int, string?, bool)>();
        while (reader.Read())
        {
            result.Add((reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetBoolean(3)));
        }

        return result;
    }

    /// <summary>Waits until a worker whose name matches holds a live lease; returns the run.</summary>
    private static string WaitForClaim(TestPostgres db, string workerLike, Func<bool> stillRunning, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (db.Scalar($"SELECT key FROM runs WHERE worker LIKE '{workerLike}' AND lease_expires > clock_timestamp() AND stored IS NULL LIMIT 1;") is string key)
                {
                    return key;
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // The first worker has not created the tables yet.
            }

            Assert.That(stillRunning(), Is.True, "the worker ended before it claimed a run");
            Thread.Sleep(50);
        }

        Assert.Fail($"no worker like {workerLike} claimed a run within {timeout.TotalSeconds:0} s");
        return "";
    }

    [Test]
    public void ThreeWorkerProcesses_StoreEveryRunOnce_WithTheRowsOfOneProcess()
    {
        using var db = new TestPostgres();
        var expected = OneProcessRows();

        var workers = Enumerable.Range(1, 3).Select(i => Start(WorkerArgs(db, "w" + i, 60), Path.Combine(_temp, $"w{i}.log"))).ToList();
        WaitAll(workers, TimeSpan.FromMinutes(5));

        string logs = string.Join("\n", Enumerable.Range(1, 3).Select(i => File.ReadAllText(Path.Combine(_temp, $"w{i}.log"))));
        Assert.That(workers.Select(w => w.ExitCode), Is.All.Zero, logs);
        Assert.That(StoreRows.Results(db.Uri), Is.EqualTo(expected), "the rows of one process, each once");
        var queue = Queue(db);
        Assert.That(queue.Select(q => (q.Attempts, q.Stored)), Is.All.EqualTo((1, true)), "every run claimed once and stored");
        Assert.That(queue.Select(q => q.Worker).Distinct().Count(), Is.GreaterThan(1), "the work was shared: " + string.Join(", ", queue.Select(q => q.Worker)));
        Assert.That(logs, Does.Contain("clean models: 1 trained, 0 loaded").And.Contain("clean models: 0 trained, 1 loaded"), "one worker trained the clean model, the others loaded it");

        var (exit, output, error) = CliRunner.Run("study", "status", "--store", db.Uri);
        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("rq4-scaled (RQ4): 6/6 runs finished, complete").And.Contain("queue: 6 stored, 0 claimed, 0 left of 6; 3 worker(s) seen"));
        Assert.That(output, Does.Contain("worker w1: ").And.Contain("worker w2: ").And.Contain("worker w3: ").And.Contain("integrity: ok"));
    }

    [Test]
    public void ASigkilledWorker_LeavesNoHalfRow_AndItsRunIsTakenOverWhenTheLeaseExpires()
    {
        using var db = new TestPostgres();
        var expected = OneProcessRows();

        using var doomed = Start(WorkerArgs(db, "doomed", 4), Path.Combine(_temp, "doomed.log"));
        string key = WaitForClaim(db, "doomed", () => !doomed.HasExited, TimeSpan.FromMinutes(2));
        Thread.Sleep(300); // into the preparation or the training of its run
        doomed.Kill(); // SIGKILL: no handler runs, the lease stays until it expires
        doomed.WaitForExit();
        Assert.That(StoreRows.Results(db.Uri), Is.SubsetOf(expected), "whatever is stored is whole and right");

        var clock = Stopwatch.StartNew();
        using var heir = Start(WorkerArgs(db, "heir", 4), Path.Combine(_temp, "heir.log"));
        WaitAll([heir], TimeSpan.FromMinutes(5));

        string log = File.ReadAllText(Path.Combine(_temp, "heir.log"));
        Assert.That(heir.ExitCode, Is.Zero, log);
        Assert.That(StoreRows.Results(db.Uri), Is.EqualTo(expected));
        var taken = Queue(db).Single(q => q.Key == key);
        Assert.That((taken.Attempts, taken.Worker, taken.Stored), Is.EqualTo((2, "heir", true)), "claimed again by the heir after the lease");
        Assert.That(log, Does.Contain($"robustness: warning: Worker heir takes over {key} (claim 2)"), "the heir says so on its stderr");
        Assert.That(Queue(db).Where(q => q.Key != key).Select(q => q.Attempts), Is.All.EqualTo(1));
        Assert.That(RunnerTemporaries(Path.Combine(_temp, "shared-work")), Is.Empty, "the heir removed what the killed worker left half-written");
        TestContext.Out.WriteLine(FormattableString.Invariant($"killed on {key}; the heir finished the study in {clock.Elapsed.TotalSeconds:F1} s"));
    }

    [Test]
    public void ASlurmJobArrayOfThreeWorkers_StoresEveryRunOnce_AndACancelledTaskIsTakenOver()
    {
        if (Environment.GetEnvironmentVariable("ROBUSTNESS_TEST_SLURM") != "1")
        {
            const string Reason = "ROBUSTNESS_TEST_SLURM is not 1: no Slurm cluster for the job-array test (.ci/servers/slurm.sh start sets it).";
            if (TestData.InCi)
            {
                Assert.Fail(Reason);
            }

            Assert.Ignore(Reason);
        }

        using var db = new TestPostgres();
        var expected = OneProcessRows();

        // The template of docs/scale-out.md, with this test's store, work folder and binary.
        string template = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "samples", "slurm", "study-workers.sbatch"));
        string script = Path.Combine(_temp, "workers.sbatch");
        File.WriteAllText(script, template);
        string work = Path.Combine(_temp, "shared-work");
        var submit = new ProcessStartInfo("sbatch") { WorkingDirectory = _temp };
        foreach (string a in new[] { "--parsable", "--array=0-2", "--cpus-per-task=1", $"--output={_temp}/worker-%a.log", "--export=ALL", script })
        {
            submit.ArgumentList.Add(a);
        }

        submit.Environment["ROBUSTNESS"] = Cli;
        submit.Environment["STUDY_STORE"] = db.Uri;
        submit.Environment["STUDY_WORK"] = work;
        var studyArgs = _study.Skip(2).ToList(); // without "study run"; the template sets --threads from --cpus-per-task
        studyArgs.RemoveRange(studyArgs.IndexOf("--threads"), 2);
        submit.Environment["STUDY_ARGS"] = string.Join(' ', studyArgs) + " --lease 5";
        var (exit, output, error) = ChildProcess.Run(submit, TimeSpan.FromSeconds(60), "sbatch");
        Assert.That(exit, Is.Zero, error);
        string job = output.Trim().Split(';')[0];

        string key = WaitForClaim(db, $"slurm-{job}_1@%", () => Squeue(job).Length > 0, TimeSpan.FromMinutes(2));
        var cancel = new ProcessStartInfo("scancel");
        cancel.ArgumentList.Add($"{job}_1");
        Assert.That(ChildProcess.Run(cancel, TimeSpan.FromSeconds(30), "scancel").Exit, Is.Zero);

        var clock = Stopwatch.StartNew();
        while (Squeue(job).Length > 0)
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromMinutes(5)), "the job array did not finish: " + Squeue(job));
            Thread.Sleep(500);
        }

        string logs = string.Join("\n", Directory.GetFiles(_temp, "worker-*.log").Order(StringComparer.Ordinal).Select(f => $"--- {f}\n{File.ReadAllText(f)}"));
        Assert.That(StoreRows.Results(db.Uri), Is.EqualTo(expected), "every run stored once, with the rows of one process\n" + logs);
        var cancelled = Queue(db).Single(q => q.Key == key);
        Assert.That(cancelled.Attempts, Is.EqualTo(2), "the cancelled task's run was claimed again\n" + logs);
        Assert.That(cancelled.Worker, Does.StartWith($"slurm-{job}_0@").Or.StartWith($"slurm-{job}_2@"), "and finished by another task\n" + logs);
        Assert.That(File.ReadAllText(Path.Combine(_temp, "worker-1.log")), Does.Contain("stopped by a signal; the run it held was given back to the queue"), logs);
        Assert.That(logs, Does.Contain($"robustness: warning: Worker {cancelled.Worker} takes over {key} (claim 2)"), "the heir says so on its stderr");
    }

    private static string Squeue(string job)
    {
        var start = new ProcessStartInfo("squeue");
        foreach (string a in new[] { "-h", "-j", job, "-o", "%i %T" })
        {
            start.ArgumentList.Add(a);
        }

        var (_, output, _) = ChildProcess.Run(start, TimeSpan.FromSeconds(30), "squeue");
        return output.Trim();
    }

    private static IReadOnlyList<string> RunnerTemporaries(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Where(p => Path.GetFileName(p).EndsWith(".tmp", StringComparison.Ordinal))];
}
