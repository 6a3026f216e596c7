using Robustness.Evaluation.Results;

namespace Robustness.Cli.Tests;

/// <summary>The attack options of <c>study run</c> and <c>bench build</c>, and attack columns in analyze and report.</summary>
public sealed class AttackCommandTests
{
    private static string[] SmallStudy(string store, params string[] extra) =>
    [
        "study", "run", "--rq", "2", "--dataset", "synthetic", "--train-per-class", "40", "--test-per-class", "10", "--levels", "0,3",
        "--images-per-class", "10", "--max-epochs", "2", "--bench-levels", "1,2,4", "--threads", "2", "--device", "cpu", "--name", "atk",
        "--store", store, "--no-progress", .. extra,
    ];

    [TestCase("--attacks", "cw", "--attacks: Attack 'cw' is not one of fgsm, pgd, minimal, fgsm-transfer, pgd-transfer.")]
    [TestCase("--attacks", "pgd,pgd", "names pgd twice")]
    [TestCase("--attacks", "minimal-transfer", "white-box only")]
    [TestCase("--attacks", "fgsm,,pgd", "empty entry")]
    [TestCase("--pgd-steps", "0", "--pgd-steps must be at least 1, got 0.")]
    [TestCase("--pgd-steps", "-3", "--pgd-steps must be at least 1, got -3.")]
    [TestCase("--pgd-step-scale", "NaN", "--pgd-step-scale must be a finite number above 0, got NaN.")]
    [TestCase("--pgd-step-scale", "0", "--pgd-step-scale must be a finite number above 0, got 0.")]
    [TestCase("--pgd-step-scale", "-Infinity", "--pgd-step-scale must be a finite number above 0")]
    [TestCase("--training-attack", "deepfool", "deepfool")]
    public void StudyRun_BadAttackOption_IsOneLineAndExit2_AndCreatesNothing(string option, string value, string message)
    {
        string folder = Directory.CreateTempSubdirectory("robustness-attack-").FullName;
        try
        {
            string store = Path.Combine(folder, "s.db");
            var (exit, output, error) = CliRunner.Run(SmallStudy(store, option, value));
            Assert.That(exit, Is.EqualTo(RobustnessCli.UsageError), error);
            Assert.That(error, Does.Contain(message));
            Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line");
            Assert.That(output, Is.Empty);
            Assert.That(File.Exists(store), Is.False, "a usage error writes nothing");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestCase("--pgd-steps", "0", "--pgd-steps must be at least 1")]
    [TestCase("--pgd-step-scale", "nan", "--pgd-step-scale must be a finite number above 0")]
    public void BenchBuild_BadPgdOption_IsExit2(string option, string value, string message)
    {
        var (exit, _, error) = CliRunner.Run("bench", "build", "--suite", "pgd", "--reference-checkpoint", "x.bin", "--out", "never", option, value);
        Assert.That(exit, Is.EqualTo(RobustnessCli.UsageError), error);
        Assert.That(error, Does.Contain(message));
    }

    [Test]
    public void BenchBuild_PgdWithoutReferenceCheckpoint_SaysWhatIsMissing()
    {
        var (exit, _, error) = CliRunner.Run("bench", "build", "--suite", "pgd", "--dataset", "synthetic", "--out", "never");
        Assert.That(exit, Is.EqualTo(RobustnessCli.Failure));
        Assert.That(error, Does.Contain("--suite pgd needs --reference-checkpoint FILE"));
    }

    /// <summary>
    /// The CLI path on a tiny synthetic RQ2: study run with fgsm,pgd,minimal white-box (and PGD transfer), then
    /// study analyze and study report show the attack columns and the gradient-masking flags; bench build --suite pgd
    /// against the study's clean model writes a PGD suite whose manifest records the PGD settings.
    /// </summary>
    [Test]
    public void StudyRun_WithAttacks_ShowsAttackColumnsAndMaskingFlags_InRunAnalyzeAndReport()
    {
        string folder = Directory.CreateTempSubdirectory("robustness-attack-").FullName;
        try
        {
            string store = Path.Combine(folder, "s.db");
            var run = CliRunner.Run(SmallStudy(store, "--attacks", "fgsm,pgd,minimal,pgd-transfer", "--pgd-steps", "5"));
            Assert.That(run.Exit, Is.Zero, run.Error);
            Assert.That(run.Output, Does.Contain("\tfgsm\tpgd\tminimal\tpgd-transfer\tfgsm-transfer\tmasking"));
            Assert.That(run.Output, Does.Contain("attack columns: mean accuracy over the benchmark levels"));

            var analyze = CliRunner.Run("study", "analyze", "--rq", "2", "--store", store);
            Assert.That(analyze.Exit, Is.Zero, analyze.Error);
            Assert.That(analyze.Output, Does.Contain("lenet5: attack columns (white-box unless marked transfer"));
            Assert.That(analyze.Output, Does.Contain("FGSM  ").And.Contain("PGD (transfer)").And.Contain("minimal-l2").And.Contain("median d"));
            Assert.That(analyze.Output, Does.Contain("lenet5: gradient-masking flags: iterative-weaker "));
            var json = CliRunner.Run("study", "analyze", "--rq", "2", "--store", store, "--json");
            Assert.That(json.Output, Does.Contain("\"attacks\"").And.Contain("\"maskingTotals\""));

            string report = Path.Combine(folder, "report");
            var written = CliRunner.Run("study", "report", "--rq", "2", "--store", store, "--out", report);
            Assert.That(written.Exit, Is.Zero, written.Error);
            string markdown = File.ReadAllText(Path.Combine(report, "report.md"));
            Assert.That(markdown, Does.Contain("### Attacks and gradient-masking flags").And.Contain("| median minimal l2 |").And.Contain("- gradient-masking flags: iterative-weaker"));
            Assert.That(File.Exists(Path.Combine(report, "figures", "atk-lenet5-attacks.png")), Is.True);
            Assert.That(File.ReadAllText(Path.Combine(report, "rows.csv")).Split('\n')[0], Does.EndWith("attacks_json,class_count,near_chance"));

            string checkpoint = Path.Combine(store + ".work", "atk", "lenet5-clean.bin");
            string suite = Path.Combine(folder, "pgd-suite");
            var bench = CliRunner.Run("bench", "build", "--suite", "pgd", "--dataset", "synthetic", "--per-class", "5", "--levels", "1,2", "--pgd-steps", "4",
                "--reference-checkpoint", checkpoint, "--out", suite);
            Assert.That(bench.Exit, Is.Zero, bench.Error);
            Assert.That(bench.Output, Does.Contain("pgd suite of").And.Contain("reference: lenet5"));
            Assert.That(File.ReadAllText(Path.Combine(suite, "manifest.json")), Does.Contain("\"steps\": 4").And.Contain("\"name\": \"pgd-l2\""));

            using var results = SqliteResultStore.Open(store);
            Assert.That(results.Rows().All(r => r.Attacks.Count == 5), Is.True);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
