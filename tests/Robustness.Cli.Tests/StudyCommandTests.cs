using System.Diagnostics;
using System.Globalization;
using Robustness.Evaluation.Results;

using Robustness.Tests.Shared;

namespace Robustness.Cli.Tests;

public sealed class StudyCommandTests
{
    private static string[] SmallStudy(string store, string work) =>
    [
        "study", "run", "--rq", "2", "--dataset", "synthetic", "--train-per-class", "60", "--test-per-class", "20", "--levels", "0,3",
        "--images-per-class", "20", "--max-epochs", "2", "--seeds", "2", "--seed", "5", "--bench-levels", "1,3", "--threads", "2",
        "--device", "cpu", "--name", "small", "--store", store, "--work", work,
    ];

    private static string Outcome(StudyRow r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Key}|{r.PointIndex}|{r.Seed}|{r.Repetition}|{r.FgsmLevel:R}|{r.ReachedClassImbalance:R}|{r.ReachedLabelDisturbance:R}|{r.TrainingImages}|{r.Epochs}|{r.StopReason}|{r.FinalLoss:R}|{r.TrainingAccuracy:R}|{r.CleanAccuracy:R}|{string.Join(';', r.BenchmarkLevels)}|{string.Join(';', r.GaussianAccuracies.Select(a => a.ToString("R", CultureInfo.InvariantCulture)))}|{string.Join(';', r.FgsmAccuracies.Select(a => a.ToString("R", CultureInfo.InvariantCulture)))}|{r.GaussianMeanAccuracy:R}|{r.FgsmMeanAccuracy:R}");

    /// <summary>Starts <c>dotnet robustness.dll args</c>; <paramref name="onError"/> sees every stderr line as it comes.</summary>
    private static (int Exit, string Output, string Error) RunChild(string[] args, Action<string, Process>? onError = null, int timeoutMs = 300_000)
    {
        string dll = typeof(RobustnessCli).Assembly.Location;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = new Process { StartInfo = info };
        var output = new System.Text.StringBuilder();
        var error = new System.Text.StringBuilder();
        var gate = new Lock();
        process.OutputDataReceived += (_, e) =>
        {
            lock (gate)
            {
                output.AppendLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (gate)
            {
                error.AppendLine(e.Data);
            }

            onError?.Invoke(e.Data, process);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"robustness {string.Join(' ', args)} did not finish in {timeoutMs / 1000} s; stderr: {error}");
        }

        process.WaitForExit();
        lock (gate)
        {
            return (process.ExitCode, output.ToString(), error.ToString());
        }
    }

    [Test]
    public void StudyRun_KilledInTheMiddleOfARun_ResumesToTheTableOfAnUninterruptedRun()
    {
        using var temp = new TempFolder("robustness-study-");
        var clock = Stopwatch.StartNew();

        // Uninterrupted.
        var full = RunChild(SmallStudy(temp.Combine("full.db"), temp.Combine("work-full")));
        Assert.That(full.Exit, Is.Zero, full.Error);
        Assert.That(full.Output, Does.Contain("4/4 runs stored"));
        double uninterrupted = clock.Elapsed.TotalSeconds;

        // Killed (SIGKILL) when the second run's first epoch is reported, i.e. after one row was stored, mid design point.
        string killedStore = temp.Combine("killed.db");
        bool stored = false, killed = false;
        var first = RunChild(SmallStudy(killedStore, temp.Combine("work-killed")), (line, process) =>
        {
            if (line.Contains("stored;", StringComparison.Ordinal))
            {
                stored = true;
            }
            else if (stored && !killed && line.Contains(": epoch 1/", StringComparison.Ordinal))
            {
                killed = true;
                process.Kill(); // SIGKILL on Linux
            }
        });
        Assert.That(killed, Is.True, $"the study was not killed; stderr: {first.Error}");
        Assert.That(first.Exit, Is.Not.Zero);
        using (var store = SqliteResultStore.Open(killedStore))
        {
            Assert.That(store.Rows(), Has.Count.EqualTo(1), "one run stored before the kill");
            Assert.That(store.IntegrityCheck(), Is.EqualTo(new[] { "ok" }));
        }

        var resumed = RunChild(SmallStudy(killedStore, temp.Combine("work-killed")));
        Assert.That(resumed.Exit, Is.Zero, resumed.Error);
        Assert.That(resumed.Output, Does.Contain("4/4 runs stored (3 now, 1 before)"));
        Assert.That(resumed.Output, Does.Contain("clean models: 0 trained, 1 loaded"));
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"uninterrupted {uninterrupted:F1} s, kill test in all {clock.Elapsed.TotalSeconds:F1} s"));

        using var expected = SqliteResultStore.Open(temp.Combine("full.db"));
        using var actual = SqliteResultStore.Open(killedStore);
        Assert.That(actual.Rows().Select(Outcome), Is.EqualTo(expected.Rows().Select(Outcome)));
        Assert.That(actual.Rows().Select(r => r.Study).Distinct(), Is.EqualTo(new[] { "small" }));
        Assert.That(actual.IntegrityCheck(), Is.EqualTo(new[] { "ok" }));
        string[] temporaries = [.. Directory.EnumerateFileSystemEntries(temp.Path, "*.tmp", SearchOption.AllDirectories)];
        Assert.That(temporaries, Is.Empty, "no temporary files left in the work and cache folders");

        var status = CliRunner.Run("study", "status", "--store", killedStore);
        Assert.That(status.Exit, Is.Zero, status.Error);
        Assert.That(status.Output, Does.Contain("small (RQ2): 4/4 runs finished, complete"));
        Assert.That(status.Output, Does.Contain("lenet5: 4/4 rows"));
        Assert.That(status.Output, Does.Contain("integrity: ok"));
    }

    [Test]
    public void StudyStatus_Fails_WhenTheStoreIsAbsent()
    {
        using var temp = new TempFolder("robustness-study-");
        string path = temp.Combine("none.db");
        var (exit, _, error) = CliRunner.Run("study", "status", "--store", path);
        Assert.That(exit, Is.EqualTo(RobustnessCli.Failure));
        Assert.That(error, Does.Contain($"{path}: no such result store."));
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void StudyRun_IsAUsageError_OnAnInvalidQuestion()
    {
        using var temp = new TempFolder("robustness-study-");
        var (exit, _, error) = CliRunner.Run("study", "run", "--rq", "7", "--store", temp.Combine("s.db"));
        Assert.That(exit, Is.EqualTo(RobustnessCli.UsageError));
        Assert.That(error, Does.Contain("--rq must be 1 to 6, got 7."));
    }
}
