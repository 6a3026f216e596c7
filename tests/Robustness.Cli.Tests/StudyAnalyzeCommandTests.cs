using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Evaluation.Tests.Analysis;

namespace Robustness.Cli.Tests;

/// <summary>
/// <c>robustness study analyze</c> in-process on a real SQLite result store (<see cref="SqliteResultStore"/>) filled
/// with constructed rows, through the real command line when its <c>study</c> command mounts <c>analyze</c>, otherwise
/// through a test root that mounts it the same way.
/// </summary>
[TestFixture]
public sealed class StudyAnalyzeCommandTests
{
    private static readonly double[] _levels = [0, 2, 4, 6, 8];
    private static readonly double[] _fgsm = [0.30, 0.55, 0.81, 0.86, 0.74];
    private static readonly double[] _gauss = [0.60, 0.65, 0.66, 0.70, 0.69];
    private string _temp = "";

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("robustness-cli-analyze-").FullName;

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_temp, recursive: true);
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(output, error);

        // The real CLI once its 'study' command mounts 'analyze'; until then a test root that mounts it the same way.
        RootCommand root = RobustnessCli.Build(context);
        Command? study = root.Subcommands.FirstOrDefault(c => c.Name == "study");
        if (study?.Subcommands.Any(c => c.Name == "analyze") != true)
        {
            root = new RootCommand("test root");
            root.Options.Add(CliContext.VerboseOption);
            study = new Command("study");
            study.Subcommands.Add(StudyAnalyzeCommand.Create(context));
            root.Subcommands.Add(study);
        }

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            return (RobustnessCli.UsageError, output.ToString(), parsed.Errors[0].Message);
        }

        int exit = parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        return (exit, output.ToString(), error.ToString());
    }

    private static StudyRow Row(string study, ResearchQuestion question, string architecture, int i, ulong seed, double level, double fgsm, double gauss) =>
        AnalysisRows.Row(study, question, architecture, $"p{i}", i, seed, 0.99 - (0.001 * i), 0.985 - (0.002 * i), gauss, fgsm,
            gaussianLevel: question == ResearchQuestion.Rq1 ? level : 0, fgsmLevel: question == ResearchQuestion.Rq2 ? level : 0);

    private List<StudyRow> Rq2Rows(string study = "rq2") =>
        [.. Enumerable.Range(0, _levels.Length).Select(i => Row(study, ResearchQuestion.Rq2, "lenet5", i, 5, _levels[i], _fgsm[i], _gauss[i]))];

    private string Store(IEnumerable<StudyRow> rows)
    {
        string path = Path.Combine(_temp, "study.db");
        using var store = SqliteResultStore.Open(path);
        foreach (StudyRow row in rows)
        {
            store.Add(row);
        }

        return path;
    }

    [Test]
    public void AnalyzeJson_PrintsTheTableOfTheStoredRows()
    {
        var rows = Rq2Rows();
        rows.AddRange(Enumerable.Range(0, 3).Select(i => Row("rq1", ResearchQuestion.Rq1, "lenet5", i, 5, i, 0.3, 0.6 + (0.1 * i))));
        string path = Store(rows);

        (int exit, string stdout, string stderr) = Run("study", "analyze", "--rq", "2", "--store", path, "--json");

        Assert.That(exit, Is.Zero, stderr);
        Assert.That(stderr, Is.Empty);
        StudyTable expected = new StudyAnalyzer().Analyze(Rq2Rows());
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement root = doc.RootElement;
        Assert.That(root.GetProperty("study").GetString(), Is.EqualTo("rq2"));
        Assert.That(root.GetProperty("question").GetInt32(), Is.EqualTo(2));
        JsonElement arch = root.GetProperty("architectures")[0];
        Assert.That(arch.GetProperty("points").GetArrayLength(), Is.EqualTo(5));
        JsonElement a = arch.GetProperty("benchmarks")[3];
        SingleFactorCell cell = expected.Architectures[0].SingleFactor![3];
        Assert.That(a.GetProperty("benchmark").GetString(), Is.EqualTo("MNIST-A"));
        Assert.That(a.GetProperty("spearman").GetProperty("r").GetDouble(), Is.EqualTo(cell.Spearman.Coefficient));
        Assert.That(a.GetProperty("spearman").GetProperty("p").GetDouble(), Is.EqualTo(cell.Spearman.PValue));
        Assert.That(a.GetProperty("mean").GetDouble(), Is.EqualTo(cell.Mean));
        Assert.That(arch.GetProperty("peak").GetProperty("level").GetDouble(), Is.EqualTo(6.0));
        Assert.That(arch.GetProperty("segments")[0].GetProperty("benchmarks")[3].GetProperty("spearman").GetProperty("r").GetDouble(), Is.EqualTo(1.0).Within(1e-12));
    }

    [Test]
    public void AnalyzeText_PrintsAlignedTable()
    {
        string path = Store(Rq2Rows());
        (int exit, string stdout, string stderr) = Run("study", "analyze", "--rq", "2", "--store", path);
        Assert.That(exit, Is.Zero, stderr);
        StudyTable expected = new StudyAnalyzer().Analyze(Rq2Rows());
        SingleFactorCell c = expected.Architectures[0].SingleFactor!.Single(x => x.Measure == AccuracyMeasure.MnistC);
        Assert.That(stdout, Does.Contain("Study rq2 (RQ2)"));
        string line = stdout.Split('\n').First(l => l.StartsWith("MNIST-C", StringComparison.Ordinal));
        Assert.That(line, Does.Contain(c.Spearman.Coefficient.ToString("F4", CultureInfo.InvariantCulture)).And.Contain(c.Mean.ToString("F4", CultureInfo.InvariantCulture)));
        Assert.That(stdout, Does.Contain("lenet5 segment I [0, 6]").And.Contain("lenet5 segment II [8, 8]"));
    }

    [Test]
    public void Analyze_ChoosesTheStudy_WhenSeveralOfOneQuestion()
    {
        var rows = Rq2Rows("first");
        rows.AddRange(Rq2Rows("second").Select(r => r with { FgsmMeanAccuracy = 1 - r.FgsmMeanAccuracy }));
        string path = Store(rows);

        (int exit, _, string stderr) = Run("study", "analyze", "--rq", "2", "--store", path);
        Assert.That(exit, Is.EqualTo(RobustnessCli.Failure));
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.Contain("first, second").And.Contain("--study"));

        (exit, string stdout, stderr) = Run("study", "analyze", "--rq", "2", "--store", path, "--study", "second", "--json");
        Assert.That(exit, Is.Zero, stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        Assert.That(doc.RootElement.GetProperty("study").GetString(), Is.EqualTo("second"));
    }

    [Test]
    public void Analyze_Fails_WhenStoreMissing()
    {
        string path = Path.Combine(_temp, "absent.db");
        (int exit, string stdout, string stderr) = Run("study", "analyze", "--rq", "1", "--store", path);
        Assert.That(exit, Is.EqualTo(RobustnessCli.Failure));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr.TrimEnd(), Is.EqualTo($"robustness: {path}: no such result store."));
        Assert.That(File.Exists(path), Is.False, "analyze never creates a store");
    }

    [Test]
    public void Analyze_Fails_WhenNoRowsOfTheQuestion()
    {
        string path = Store(Rq2Rows());
        (int exit, _, string stderr) = Run("study", "analyze", "--rq", "3", "--store", path);
        Assert.That(exit, Is.EqualTo(RobustnessCli.Failure));
        Assert.That(stderr.TrimEnd(), Is.EqualTo($"robustness: {path}: no rows of RQ3; the store holds rq2 (RQ2)."));

        (exit, _, stderr) = Run("study", "analyze", "--rq", "2", "--store", path, "--study", "nope");
        Assert.That(exit, Is.EqualTo(RobustnessCli.Failure));
        Assert.That(stderr, Does.Contain("no rows of RQ2 in study 'nope'"));
    }

    [Test]
    public void Analyze_Fails_WhenFileIsNotAStudyStore()
    {
        string text = Path.Combine(_temp, "notes.db");
        File.WriteAllText(text, "this is not a database, just some text that is long enough to have a header page\n");
        (int exit, _, string stderr) = Run("study", "analyze", "--rq", "1", "--store", text);
        Assert.That(exit, Is.EqualTo(RobustnessCli.Failure));
        Assert.That(stderr, Does.StartWith($"robustness: {text}: expected a study result store"));
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));

        string other = Path.Combine(_temp, "other.db");
        using (var connection = new SqliteConnection($"Data Source={other};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE things (id INTEGER);";
            command.ExecuteNonQuery();
        }

        byte[] before = File.ReadAllBytes(other);
        (exit, _, stderr) = Run("study", "analyze", "--rq", "1", "--store", other);
        Assert.That(exit, Is.EqualTo(RobustnessCli.Failure));
        Assert.That(stderr.TrimEnd(), Does.StartWith($"robustness: {other}: expected a study result store (tables 'rows' and 'studies'"));
        Assert.That(File.ReadAllBytes(other), Is.EqualTo(before), "the other database is left as it was");
    }

    /// <summary>Five RQ1 points whose accuracies all fall or rise in perfect order with the level (one seed each).</summary>
    private static List<StudyRow> PerfectOrderRows() =>
        [.. Enumerable.Range(0, 5).Select(i => Row("perfect", ResearchQuestion.Rq1, "lenet5", i, 1, 2 * i, 0.30 + (0.05 * i), 0.90 - (0.04 * i)))];

    private static string[] Cells(string output, string benchmark) =>
        Regex.Split(output.Split('\n').First(l => l.StartsWith(benchmark, StringComparison.Ordinal)).Trim(), @"\s{2,}");

    [Test]
    public void Analyze_PerfectOrderOfFivePoints_PrintsTheExactP_AndLabelsIt()
    {
        // Done when: a 5-point perfect-order store prints p = 0.0167 (exact) = 2/5!, and --p t prints the t approximation's
        // p = 0 as the bound < 1e-16.
        string path = Store(PerfectOrderRows());

        (int exit, string stdout, string stderr) = Run("study", "analyze", "--rq", "1", "--store", path);
        Assert.That(exit, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("0.0167").And.Contain("(exact)"));
        foreach (string benchmark in new[] { "Training", "MNIST-Test", "MNIST-C", "MNIST-A" })
        {
            string[] cells = Cells(stdout, benchmark);
            Assert.That((cells[2], cells[3]), Is.EqualTo((benchmark == "MNIST-A" ? "1.0000" : "-1.0000", "0.0167 (exact)")), benchmark);
        }

        Assert.That(stdout, Does.Contain("p (exact) = exact permutation p"));
        Assert.That(stdout, Does.Contain("note: no intervals: 1 seed"));
        Assert.That(stdout, Does.Not.Contain(" 0 (t)").And.Not.Contain(" 0 (exact)"), "p = 0 is never printed");

        (exit, stdout, stderr) = Run("study", "analyze", "--rq", "1", "--store", path, "--p", "t");
        Assert.That(exit, Is.Zero, stderr);
        Assert.That(Cells(stdout, "MNIST-A")[3], Is.EqualTo("< 1e-16 (t)"));
        Assert.That(stdout, Does.Contain("< 1e-16 (t)").And.Not.Contain("0.0167 (exact)").And.Not.Contain(" 0 (t)"));

        (exit, stdout, stderr) = Run("study", "analyze", "--rq", "1", "--store", path, "--p", "exact", "--json");
        Assert.That(exit, Is.Zero, stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement a = doc.RootElement.GetProperty("architectures")[0].GetProperty("benchmarks")[3];
        Assert.That(a.GetProperty("spearman").GetProperty("p").GetDouble(), Is.EqualTo(2.0 / 120).Within(1e-15));
        Assert.That(a.GetProperty("spearman").GetProperty("pMethod").GetString(), Is.EqualTo("exact"));
        Assert.That(a.GetProperty("pearson").GetProperty("pMethod").GetString(), Is.EqualTo("t"));
    }

    [Test]
    public void Analyze_PExact_FailsWithOneLine_WhenAboveTenPoints()
    {
        var rows = Enumerable.Range(0, 11).Select(i => Row("big", ResearchQuestion.Rq1, "lenet5", i, 1, i, 0.3 + (0.01 * i), 0.9 - (0.01 * i))).ToList();
        string path = Store(rows);
        (int exit, string stdout, string stderr) = Run("study", "analyze", "--rq", "1", "--store", path, "--p", "exact");
        Assert.That(exit, Is.EqualTo(RobustnessCli.Failure));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.Contain("--p exact").And.Contain("n <= 10; n is 11").And.Contain("--p auto or --p t"));
    }

    [TestCase("bogus")]
    [TestCase("0.05")]
    public void Analyze_RejectsABadPRule_WithExitCode2(string rule)
    {
        (int exit, _, string stderr) = Run("study", "analyze", "--rq", "1", "--store", Path.Combine(_temp, "x.db"), "--p", rule);
        Assert.That(exit, Is.EqualTo(RobustnessCli.UsageError));
        Assert.That(stderr, Does.Contain(rule));
    }

    [Test]
    public void Analyze_WithTwoSeeds_PrintsTheIntervalNote_AndIntervalsInsideZeroOne()
    {
        var rows = new List<StudyRow>();
        for (int i = 0; i < 4; i++)
        {
            rows.Add(Row("two", ResearchQuestion.Rq1, "lenet5", i, 1, i, 0.5 + (0.1 * i), 0.6));
            rows.Add(Row("two", ResearchQuestion.Rq1, "lenet5", i, 2, i, 0.99, 0.02));
        }

        string path = Store(rows);
        (int exit, string stdout, string stderr) = Run("study", "analyze", "--rq", "1", "--store", path);
        Assert.That(exit, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("note: intervals over 2 seeds (t with 1 df) are very wide; run 3 or more seeds (--seeds 3) for usable intervals"));

        (exit, stdout, stderr) = Run("study", "analyze", "--rq", "1", "--store", path, "--json");
        Assert.That(exit, Is.Zero, stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        foreach (JsonElement point in doc.RootElement.GetProperty("architectures")[0].GetProperty("points").EnumerateArray())
        {
            foreach (JsonProperty metric in point.GetProperty("metrics").EnumerateObject())
            {
                Assert.That(metric.Value.GetProperty("ciLow").GetDouble(), Is.InRange(0.0, 1.0), metric.Name);
                Assert.That(metric.Value.GetProperty("ciHigh").GetDouble(), Is.InRange(0.0, 1.0), metric.Name);
            }
        }
    }

    [TestCase("0", "--rq must be 1 to 6")]
    [TestCase("7", "--rq must be 1 to 6")]
    [TestCase("x", "'x'")]
    public void Analyze_RejectsABadQuestion_WithOneLineAndExitCode2(string rq, string expected)
    {
        (int exit, _, string stderr) = Run("study", "analyze", "--rq", rq, "--store", Path.Combine(_temp, "x.db"));
        Assert.That(exit, Is.EqualTo(RobustnessCli.UsageError));
        Assert.That(stderr, Does.Contain(expected));
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void Analyze_NamesARunStuckAtChance_InTextAndJson()
    {
        var rows = Rq2Rows();
        rows[3] = rows[3] with { TrainingAccuracy = 0.11 };
        string path = Store(rows);

        var (exit, stdout, stderr) = Run("study", "analyze", "--rq", "2", "--store", path);
        Assert.That(exit, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("warning: 1 run(s) stayed near chance").And.Contain("rq2/lenet5/p3/s5 (11.0 %)"), stdout);

        (exit, stdout, stderr) = Run("study", "analyze", "--rq", "2", "--store", path, "--json");
        Assert.That(exit, Is.Zero, stderr);
        using var json = System.Text.Json.JsonDocument.Parse(stdout);
        var flagged = json.RootElement.GetProperty("nearChanceRuns");
        Assert.That(flagged.GetArrayLength(), Is.EqualTo(1));
        Assert.That(flagged[0].GetProperty("key").GetString(), Is.EqualTo("rq2/lenet5/p3/s5"));
        Assert.That(rows.Count(r => r.NearChance), Is.EqualTo(1), "10 classes: below 0.15 is near chance");
    }
}
