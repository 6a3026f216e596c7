using System.Globalization;
using Microsoft.Data.Sqlite;
using Robustness.Evaluation.Reports;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Evaluation.Tests.Reports;

namespace Robustness.Cli.Tests;

/// <summary>
/// <c>robustness study report</c> in-process on real SQLite result stores filled with constructed rows of every
/// research question: the files, the table's numbers in report.md, and the PNG figures.
/// </summary>
[TestFixture]
public sealed class StudyReportCommandTests
{
    private static readonly byte[] _pngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private string _temp = "";

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("robustness-cli-report-").FullName;

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_temp, recursive: true);
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    [TestCase(6)]
    public void Report_WritesTablesCsvAndFigures_ForEveryQuestion(int q)
    {
        var question = (ResearchQuestion)q;
        string[] architectures = ["lenet5", "alexnet8"];
        List<StudyRow> rows = [.. architectures.SelectMany(a => ReportRows.Rows(question, a))];
        string store = Store(rows);
        string outDir = Path.Combine(_temp, "report");

        var (exit, output, error) = CliRunner.Run("study", "report", "--rq", q.ToString(CultureInfo.InvariantCulture), "--store", store, "--out", outDir);

        Assert.That(exit, Is.EqualTo(0), error);
        string report = Path.Combine(outDir, "report.md");
        Assert.That(output, Does.Contain(report));
        string markdown = File.ReadAllText(report);
        StudyTable table = new StudyAnalyzer().Analyze(rows);
        foreach (var architecture in table.Architectures)
        {
            Assert.That(markdown, Does.Contain("## " + architecture.Architecture));
            if (table.IsMultiFactor)
            {
                foreach (var cell in architecture.MultiFactor!)
                {
                    Assert.That(markdown, Does.Contain($"| {AccuracyMeasures.Name(cell.Measure)} | {cell.Fit.N} | {F4(cell.Fit.R)} | {F4(cell.Fit.RSquared)} |"));
                    Assert.That(markdown, Does.Contain($"| {cell.Fit.FormatPValue()} |"));
                }
            }
            else
            {
                foreach (var cell in architecture.SingleFactor!)
                {
                    Assert.That(markdown, Does.Contain($"| {AccuracyMeasures.Name(cell.Measure)} | {cell.Count} | {F4(cell.Spearman.Coefficient)} | {cell.Spearman.FormatPValue()} |"));
                    Assert.That(markdown, Does.Contain($"| {(cell.Mean * 100).ToString("F2", CultureInfo.InvariantCulture)} | {S4(cell.Variance)} |"));
                }
            }
        }

        if (question == ResearchQuestion.Rq2)
        {
            Assert.That(markdown, Does.Contain("### Segment I:"));
            Assert.That(markdown, Does.Contain("### Segment II:"));
            Assert.That(markdown, Does.Contain("MNIST-A peaks at fgsm = 6"));
        }

        foreach (string csv in new[] { "rows.csv", "table.csv", "points.csv" })
        {
            Assert.That(File.Exists(Path.Combine(outDir, csv)), Is.True, csv);
            Assert.That(markdown, Does.Contain($"({csv})"));
        }

        Assert.That(File.ReadAllLines(Path.Combine(outDir, "rows.csv")), Has.Length.EqualTo(rows.Count + 1));
        int tableLines = table.IsMultiFactor ? 2 * 4 : q == 2 ? 2 * 4 * 3 : 2 * 4;
        Assert.That(File.ReadAllLines(Path.Combine(outDir, "table.csv")), Has.Length.EqualTo(tableLines + 1));

        var pngs = Directory.GetFiles(Path.Combine(outDir, "figures"), "*.png");
        int expected = q switch { 5 => 2 * (4 + 1), _ => 2 * 2 }; // RQ6: main effects and test levels
        Assert.That(pngs, Has.Length.EqualTo(expected));
        Assert.That(Directory.GetFiles(Path.Combine(outDir, "figures"), "*.svg"), Has.Length.EqualTo(expected));
        foreach (string png in pngs)
        {
            byte[] bytes = File.ReadAllBytes(png);
            Assert.That(bytes.Take(8), Is.EqualTo(_pngSignature), png);
            Assert.That(bytes, Has.Length.GreaterThan(10_000), png);
            Assert.That(markdown, Does.Contain("](figures/" + Path.GetFileName(png) + ")"));
        }
    }

    [Test]
    public void Report_PrintsTheExactP_ItsMethod_AndTheSeedNote()
    {
        // Six RQ2 points, one seed: Spearman p exact (n <= 10, no ties) by default, t with --p t; never p = 0.
        List<StudyRow> rows = ReportRows.Rows(ResearchQuestion.Rq2, "lenet5");
        string store = Store(rows);
        string outDir = Path.Combine(_temp, "report");

        var (exit, _, error) = CliRunner.Run("study", "report", "--rq", "2", "--store", store, "--out", outDir);
        Assert.That(exit, Is.EqualTo(0), error);
        string markdown = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.That(markdown, Does.Contain(" (exact) |").And.Contain("- p method: (exact) = exact permutation p"));
        Assert.That(markdown, Does.Contain("- note: no intervals: 1 seed"));
        Assert.That(markdown, Does.Not.Contain("| 0 (t) |").And.Contain("| < 1e-16 (t) |"), "Pearson's t p of the perfectly linear training accuracy is 0: printed as the bound");
        string[] csv = File.ReadAllLines(Path.Combine(outDir, "table.csv"));
        Assert.That(csv[0], Does.Contain(",spearman_p,spearman_p_method,pearson_r,"));
        Assert.That(csv[1].Split(',')[8], Is.EqualTo("exact"));

        (exit, _, error) = CliRunner.Run("study", "report", "--rq", "2", "--store", store, "--out", outDir, "--p", "t");
        Assert.That(exit, Is.EqualTo(0), error);
        markdown = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.That(markdown, Does.Contain("< 1e-16 (t)").And.Not.Contain(" (exact) |"), "segment I rises in perfect order: the t approximation's p = 0");

        (exit, _, error) = CliRunner.Run("study", "report", "--rq", "2", "--store", store, "--out", outDir, "--p", "bogus");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void Figures_HaveFonts_SoThatTextIsDrawn()
    {
        if (!StudyReport.HasFonts())
        {
            const string Reason = "no fonts under /usr/share/fonts: figure text would be missing (apt-get install fonts-dejavu-core)";
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                Assert.Fail(Reason);
            }

            Assert.Ignore(Reason);
        }

        Assert.That(StudyReport.HasFonts(), Is.True);
    }

    /// <summary>A report replaces the previous one as a whole: its files and figures/ together (an old figure does not survive), other files stay, nothing hidden is left.</summary>
    [Test]
    public void Report_ReplacesThePreviousReportAsAWhole_AndLeavesOtherFilesAlone()
    {
        string store = Store(ReportRows.Rows(ResearchQuestion.Rq1, "lenet5"));
        string outDir = Path.Combine(_temp, "report");
        Directory.CreateDirectory(Path.Combine(outDir, "figures"));
        File.WriteAllText(Path.Combine(outDir, "figures", "from-an-older-report.png"), "old");
        File.WriteAllText(Path.Combine(outDir, "report.md"), "old report");
        File.WriteAllText(Path.Combine(outDir, "notes.txt"), "the user's notes");

        var (exit, _, error) = CliRunner.Run("study", "report", "--rq", "1", "--store", store, "--out", outDir);

        Assert.That(exit, Is.Zero, error);
        Assert.That(File.ReadAllText(Path.Combine(outDir, "report.md")), Does.StartWith("# "));
        Assert.That(File.Exists(Path.Combine(outDir, "figures", "from-an-older-report.png")), Is.False, "figures/ is replaced as a whole");
        Assert.That(File.ReadAllText(Path.Combine(outDir, "notes.txt")), Is.EqualTo("the user's notes"));
        Assert.That(Directory.GetFileSystemEntries(_temp).Select(Path.GetFileName).Where(n => !n!.StartsWith("study.db", StringComparison.Ordinal)), Is.EquivalentTo(new[] { "report" }),
            "no hidden temporary or old folder left");
    }

    /// <summary>A report that does not fit on the disk fails with one line and leaves the previous report exactly as it was (a tmpfs of 3 MB; needs root).</summary>
    [Test]
    public void Report_OnAFullDisk_FailsWithOneLine_AndKeepsThePreviousReport()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Assert.Ignore("mounting a small tmpfs needs root on Linux");
        }

        string mount = Path.Combine(_temp, "small-disk");
        Directory.CreateDirectory(mount);
        var (mounted, _, mountError) = Run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mount);
        if (mounted != 0)
        {
            Assert.Ignore($"mount -t tmpfs failed here ({mountError.Trim()})");
        }

        try
        {
            string store = Store(ReportRows.Rows(ResearchQuestion.Rq1, "lenet5"));
            string outDir = Path.Combine(mount, "report");
            var (exit, _, error) = CliRunner.Run("study", "report", "--rq", "1", "--store", store, "--out", outDir);
            Assert.That(exit, Is.Zero, error);
            var before = Directory.GetFiles(outDir, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

            // Fill the disk but for 16 KB: the next report cannot be written.
            long free = new DriveInfo(mount).AvailableFreeSpace;
            using (var filler = File.Create(Path.Combine(mount, "filler")))
            {
                filler.SetLength(0);
                var block = new byte[4096];
                for (long written = 0; written < free - (16 * 1024); written += block.Length)
                {
                    filler.Write(block);
                }
            }

            (exit, _, error) = CliRunner.Run("study", "report", "--rq", "1", "--store", store, "--out", outDir);

            Assert.That(exit, Is.EqualTo(RobustnessCli.Failure), error);
            Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), error);
            Assert.That(error, Does.Contain("No space left on device").And.Not.Contain("unexpected"), error);
            var after = Directory.GetFiles(outDir, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
            Assert.That(after.Keys, Is.EquivalentTo(before.Keys), "the previous report's files, no more, no fewer");
            Assert.That(after.All(kv => kv.Value.SequenceEqual(before[kv.Key])), Is.True, "byte for byte");
            Assert.That(Directory.GetFileSystemEntries(mount).Select(Path.GetFileName), Is.EquivalentTo(new[] { "report", "filler" }), "the half-written report was removed");
        }
        finally
        {
            Run("umount", mount);
        }
    }

    private static (int Exit, string Output, string Error) Run(string file, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        return Robustness.Tests.Shared.ChildProcess.Run(start, TimeSpan.FromSeconds(30), file);
    }

    [Test]
    public void Report_FailsWithOneLine_WhenTheStoreIsMissing()
    {
        string missing = Path.Combine(_temp, "none.db");
        var (exit, _, error) = CliRunner.Run("study", "report", "--rq", "1", "--store", missing, "--out", Path.Combine(_temp, "o"));
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(error, Does.Contain(missing + ": no such result store."));
        Assert.That(File.Exists(missing), Is.False);
        Assert.That(Directory.Exists(Path.Combine(_temp, "o")), Is.False);
    }

    [Test]
    public void Report_FailsWithOneLine_WhenTheQuestionHasNoRows()
    {
        string store = Store(ReportRows.Rows(ResearchQuestion.Rq1, "lenet5"));
        var (exit, _, error) = CliRunner.Run("study", "report", "--rq", "3", "--store", store, "--out", Path.Combine(_temp, "o"));
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(error, Does.Contain("no rows of RQ3"));
    }

    [TestCase("--rq", "7")]
    [TestCase("--rq", "x")]
    public void Report_IsAUsageError_WhenRqIsBad(string option, string value)
    {
        var (exit, _, error) = CliRunner.Run("study", "report", option, value, "--store", "s.db", "--out", "o");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void Report_IsAUsageError_WhenOutIsMissing()
    {
        var (exit, _, error) = CliRunner.Run("study", "report", "--rq", "1", "--store", "s.db");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--out"));
    }

    [Test]
    public void Help_ListsTheOptions()
    {
        var (exit, output, _) = CliRunner.Run("study", "report", "--help");
        Assert.That(exit, Is.EqualTo(0));
        Assert.That(output, Does.Contain("--rq").And.Contain("--store").And.Contain("--out").And.Contain("--study"));
    }

    private string Store(IEnumerable<StudyRow> rows) => WriteStore(Path.Combine(_temp, "study.db"), rows);

    /// <summary>A SQLite result store at <paramref name="path"/> holding <paramref name="rows"/>.</summary>
    internal static string WriteStore(string path, IEnumerable<StudyRow> rows)
    {
        using var store = SqliteResultStore.Open(path);
        foreach (var row in rows)
        {
            Assert.That(store.Add(row), Is.True);
        }

        return path;
    }

    /// <summary>r, R and the like as the report prints them (4 decimals).</summary>
    private static string F4(double v) => v.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>Variances as the report prints them (4 significant digits).</summary>
    private static string S4(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
