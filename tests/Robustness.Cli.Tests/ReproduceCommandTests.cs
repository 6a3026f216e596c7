using Robustness.Evaluation.Paper;

namespace Robustness.Cli.Tests;

/// <summary><c>robustness reproduce</c> on a tiny synthetic study: findings for every paper cell, a report per question, resumable.</summary>
[TestFixture]
public sealed class ReproduceCommandTests
{
    private string _temp = "";

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("robustness-reproduce-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_temp, recursive: true);

    private string[] Args(params string[] more) =>
    [
        "reproduce", "--dataset", "synthetic", "--rq", "1,4", "--seeds", "2", "--train-per-class", "30", "--test-per-class", "10", "--max-epochs", "1",
        "--bench-levels", "1,2", "--threads", "1", "--out", Path.Combine(_temp, "out"), .. more,
    ];

    [Test]
    public void Reproduce_WritesOneFindingPerPaperCell_AReportPerQuestion_AndResumesAddingNothing()
    {
        var (exit, output, error) = CliRunner.Run(Args());
        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("estimated time: about"), "a time estimate before it starts");
        Assert.That(output, Does.Contain("RQ1 (Table 2): ").And.Contain("RQ4 (Table 5): "), "a summary line per question run");

        string folder = Path.Combine(_temp, "out");
        string[] csv = File.ReadAllLines(Path.Combine(folder, "findings.csv"));
        Assert.That(csv, Has.Length.EqualTo(PaperTables.Cells.Count + 1), "a header and one row per paper cell");
        Assert.That(csv.Skip(1).Select(l => string.Join(',', l.Split(',').Take(6))).Distinct().Count(), Is.EqualTo(PaperTables.Cells.Count), "each cell once");
        Assert.That(csv.Count(l => l.StartsWith("3,2,", StringComparison.Ordinal) && l.Contains(",inconclusive,", StringComparison.Ordinal)),
            Is.EqualTo(PaperTables.For(Evaluation.Designs.ResearchQuestion.Rq2).Count), "RQ2 was not run: every cell inconclusive");
        string markdown = File.ReadAllText(Path.Combine(folder, "findings.md"));
        Assert.That(markdown, Does.Contain("## Summary").And.Contain("RQ6 (Table 7)"));
        Assert.That(File.Exists(Path.Combine(folder, "rq1", "report.md")) && File.Exists(Path.Combine(folder, "rq4", "report.md")), Is.True);
        byte[] before = File.ReadAllBytes(Path.Combine(folder, "findings.csv"));

        (exit, output, error) = CliRunner.Run(Args());
        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("(0 now, 10 before)").And.Contain("(0 now, 12 before)"), "the rerun trains nothing");
        Assert.That(output, Does.Contain("RQ1 Gaussian-noise training: 10 runs (10 stored)"));
        Assert.That(File.ReadAllBytes(Path.Combine(folder, "findings.csv")), Is.EqualTo(before), "the same findings from the same rows");
    }

    [Test]
    public void Reproduce_DryRun_PrintsThePlanOfEveryQuestion_AndWritesNothing()
    {
        var (exit, output, error) = CliRunner.Run(Args("--dry-run"));

        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("RQ1 Gaussian-noise training: 10 runs (0 stored)").And.Contain("RQ4 label disturbance: 12 runs (0 stored)"));
        Assert.That(output, Does.Contain("dry run: nothing was trained or written"));
        Assert.That(Directory.Exists(Path.Combine(_temp, "out")), Is.False);
    }

    [Test]
    public void ReproduceShards_StopBeforeTheFindings_AndTheMergedStoreGivesThemWithoutTraining()
    {
        string Out(string name) => Path.Combine(_temp, name);
        foreach (string k in new[] { "1", "2" })
        {
            var (shardExit, shardOutput, shardError) = CliRunner.Run(
            [
                "reproduce", "--dataset", "synthetic", "--rq", "1,4", "--seeds", "2", "--train-per-class", "30", "--test-per-class", "10", "--max-epochs", "1",
                "--bench-levels", "1,2", "--threads", "1", "--out", Out("shard-" + k), "--shard", k + "/2",
            ]);
            Assert.That(shardExit, Is.Zero, shardError);
            Assert.That(shardOutput, Does.Contain($"shard {k}/2 done in ").And.Contain("study merge --store OUT/study.db"));
            Assert.That(File.Exists(Path.Combine(Out("shard-" + k), "findings.csv")), Is.False, "a shard writes no findings");
        }

        Directory.CreateDirectory(Out("out"));
        var (exit, output, error) = CliRunner.Run("study", "merge", "--store", Path.Combine(Out("out"), "study.db"),
            "--from", Path.Combine(Out("shard-1"), "study.db"), Path.Combine(Out("shard-2"), "study.db"));
        Assert.That(exit, Is.Zero, error);

        (exit, output, error) = CliRunner.Run(Args());
        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("(0 now, 10 before)").And.Contain("(0 now, 12 before)"), "the shards stored every run");
        Assert.That(File.ReadAllLines(Path.Combine(Out("out"), "findings.csv")), Has.Length.EqualTo(PaperTables.Cells.Count + 1));
    }
}
