using Microsoft.Data.Sqlite;
using Robustness.Evaluation.Results;

namespace Robustness.Cli.Tests;

/// <summary><c>robustness quickstart</c> in-process on synthetic digits with tiny sizes (the hidden options), and its errors.</summary>
[TestFixture]
public sealed class QuickstartCommandTests
{
    private string _temp = "";

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("robustness-cli-quickstart-").FullName;

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_temp, recursive: true);
    }

    [Test]
    public void Quickstart_WritesStoreReportAndFigures_OnSyntheticDigits()
    {
        string outDir = Path.Combine(_temp, "out");
        var (exit, output, error) = CliRunner.Run("quickstart", "--out", outDir, "--dataset", "synthetic", "--no-download", "--train-per-class", "40", "--test-per-class", "10",
            "--levels", "0,3,6", "--bench-levels", "1,2,3", "--max-epochs", "1", "--threads", "2");

        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("data: ").And.Contain("synthetic"));
        string report = Path.Combine(outDir, "report.md");
        Assert.That(output, Does.Contain("report: " + report));
        using (var store = SqliteResultStore.Open(Path.Combine(outDir, "study.db")))
        {
            var rows = store.Rows("quickstart-rq2");
            Assert.That(rows.Select(r => r.FgsmLevel), Is.EqualTo(new[] { 0.0, 3.0, 6.0 }));
            Assert.That(rows.Select(r => r.BenchmarkLevels), Has.All.EqualTo(new[] { 1.0, 2.0, 3.0 }));
        }

        string markdown = File.ReadAllText(report);
        Assert.That(markdown, Does.Contain("Quickstart").And.Contain("synthetic").And.Contain("### Segment I").And.Contain("| MNIST-A | 3 |"));
        foreach (string file in new[] { "rows.csv", "table.csv", "points.csv", "figures/samples.png", "figures/samples.svg",
                     "figures/quickstart-rq2-lenet5-accuracy.png", "figures/quickstart-rq2-lenet5-test-levels.png" })
        {
            Assert.That(File.Exists(Path.Combine(outDir, file)), Is.True, file);
        }

        Assert.That(markdown, Does.Contain("](figures/samples.png)"));
        byte[] png = File.ReadAllBytes(Path.Combine(outDir, "figures", "samples.png"));
        Assert.That(png.Take(4), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47 }));
        Assert.That(png, Has.Length.GreaterThan(10_000));
    }

    [Test]
    public void Quickstart_WithNoDownloadAndNoProgress_NeverTriesTheDownload_AndWritesProgressLines()
    {
        string outDir = Path.Combine(_temp, "out");
        var (exit, output, error) = CliRunner.Run("quickstart", "--out", outDir, "--no-download", "--no-progress", "--train-per-class", "20", "--test-per-class", "5",
            "--levels", "0,3", "--bench-levels", "1,2", "--max-epochs", "1", "--threads", "2");

        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(error, Does.Not.Contain("download"));
        Assert.That(output, Does.Contain("data: "));
        Assert.That(error, Does.Contain("[1/2] ").And.Contain("[2/2] ").And.Contain(": stored; test "));
        Assert.That(File.Exists(Path.Combine(outDir, "report.md")), Is.True);
    }

    [Test]
    public void Quickstart_FailsWithOneLine_WhenTheDataFolderHasNoMnist()
    {
        string empty = Directory.CreateDirectory(Path.Combine(_temp, "empty")).FullName;
        var (exit, _, error) = CliRunner.Run("quickstart", "--out", Path.Combine(_temp, "out"), "--data", empty);
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(error, Does.Contain(empty));
    }

    [TestCase("--threads", "0", 2)]
    [TestCase("--threads", "10000", 2)]
    [TestCase("--threads", "two", 2)]
    [TestCase("--dataset", "cifar", 2)]
    [TestCase("--bogus", "1", 2)]
    public void Quickstart_FailsWithOneLine_OnBadOptions(string option, string value, int code)
    {
        var (exit, _, error) = CliRunner.Run("quickstart", "--out", Path.Combine(_temp, "out"), option, value);
        Assert.That(exit, Is.EqualTo(code));
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void Help_ListsThePublicOptions()
    {
        var (exit, output, _) = CliRunner.Run("quickstart", "--help");
        Assert.That(exit, Is.EqualTo(0));
        Assert.That(output, Does.Contain("--out").And.Contain("--data").And.Contain("--threads").And.Contain("--seed"));
        Assert.That(output, Does.Not.Contain("--train-per-class"));
    }
}
