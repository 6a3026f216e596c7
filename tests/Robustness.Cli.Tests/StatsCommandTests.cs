using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Robustness.Cli.Tests;

/// <summary>
/// <c>robustness stats correlate</c> in-process. Expected numbers come from SciPy 1.10.1 and R 4.2.2
/// (tests/Robustness.Statistics.Tests/reference/make_reference.py and make_reference.R).
/// </summary>
[TestFixture]
public sealed class StatsCommandTests
{
    private static readonly double[] _accA =
    [
        0.312, 0.355, 0.401, 0.452, 0.503, 0.561, 0.612, 0.668, 0.721, 0.760, 0.802, 0.835,
        0.861, 0.880, 0.893, 0.901, 0.893, 0.870, 0.835, 0.835, 0.790, 0.741, 0.702, 0.655,
    ];

    private static readonly double[] _l25Y =
    [
        0.2220, 0.2240, 0.1820, 0.1400, 0.1420, 0.2500, 0.2080, 0.2100, 0.3180, 0.3760, 0.2780, 0.3860,
        0.3880, 0.4460, 0.4040, 0.4560, 0.4140, 0.4720, 0.4740, 0.5820, 0.4400, 0.5420, 0.6500, 0.6520,
        0.6100,
    ];

    private string _folder = "";

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "robustness-stats-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [TestCase("spearman", 0.61632245410493525, 0.0013412088209166445, "t")]
    [TestCase("pearson", 0.72187046330585058, 6.8341389625706185e-05, "t")]
    [TestCase("kendall", 0.48906412357179391, 0.00087292455493507008, "normal")]
    public void Correlate_Json_EqualsSciPy_For24RowCsv(string method, double r, double p, string pMethod)
    {
        string csv = LevelsCsv();

        (int exit, string stdout, string stderr) = Run("stats", "correlate", "--csv", csv, "--y", "accA", "--x", "level", "--method", method, "--json");

        Assert.That(exit, Is.EqualTo(0), stderr);
        Assert.That(stderr, Is.Empty);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement root = doc.RootElement;
        Assert.That(root.EnumerateObject().Select(o => o.Name), Is.EqualTo(new[] { "method", "n", "r", "p", "pMethod" }));
        Assert.That(root.GetProperty("method").GetString(), Is.EqualTo(method));
        Assert.That(root.GetProperty("pMethod").GetString(), Is.EqualTo(pMethod), "24 rows (and ties in accA): the approximation");
        Assert.That(root.GetProperty("n").GetInt32(), Is.EqualTo(24));
        Assert.That(root.GetProperty("r").GetDouble(), Is.EqualTo(r).Within(Math.Abs(r) * 1e-10));
        Assert.That(root.GetProperty("p").GetDouble(), Is.EqualTo(p).Within(p * 1e-8));
        Assert.That(stdout.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void Correlate_DefaultsToSpearman_AndPrintsReadableText()
    {
        (int exit, string stdout, string stderr) = Run("stats", "correlate", "--csv", LevelsCsv(), "--y", "accA", "--x", "level");

        Assert.That(exit, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("method       spearman"));
        Assert.That(stdout, Does.Contain("n            24"));
        Assert.That(stdout, Does.Contain("moderate"));
        Assert.That(stdout, Does.Contain("significant  yes"));
        Assert.That(stdout, Does.Contain("p            0.00134120882091658").And.Contain("(t: two-sided, Student t approximation)"));
    }

    [TestCase("spearman", "auto", 2.0 / 120, "exact")]
    [TestCase("spearman", "exact", 2.0 / 120, "exact")]
    [TestCase("spearman", "t", 0.0, "t")]
    [TestCase("kendall", "auto", 2.0 / 120, "exact")]
    [TestCase("kendall", "exact", 2.0 / 120, "exact")]
    [TestCase("kendall", "t", 0.014305878435429647, "normal")]
    public void Correlate_PRule_ChoosesTheP_AndJsonNamesIt(string method, string rule, double p, string pMethod)
    {
        // Five rows in perfect order: exact p = 2/5! for Spearman and Kendall; the t approximation gives p = 0
        // for Spearman, the normal approximation erfc(sqrt(3)) for Kendall.
        string csv = Write("five.csv", "level,acc\n0,0.30\n2,0.41\n4,0.52\n6,0.58\n8,0.71\n");

        (int exit, string stdout, string stderr) = Run("stats", "correlate", "--csv", csv, "--y", "acc", "--x", "level", "--method", method, "--p", rule, "--json");

        Assert.That(exit, Is.EqualTo(0), stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        Assert.That(doc.RootElement.GetProperty("pMethod").GetString(), Is.EqualTo(pMethod));
        Assert.That(doc.RootElement.GetProperty("p").GetDouble(), Is.EqualTo(p).Within(p * 1e-10));
    }

    [Test]
    public void Correlate_Text_PrintsTheBound_NeverPZero()
    {
        string csv = Write("five.csv", "level,acc\n0,0.30\n2,0.41\n4,0.52\n6,0.58\n8,0.71\n");

        (int exit, string stdout, string stderr) = Run("stats", "correlate", "--csv", csv, "--y", "acc", "--x", "level", "--p", "t");
        Assert.That(exit, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("p            < 1e-16 (t: two-sided, Student t approximation)"));

        (exit, stdout, stderr) = Run("stats", "correlate", "--csv", csv, "--y", "acc", "--x", "level");
        Assert.That(exit, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("p            0.016666666666666666 (exact: two-sided, exact permutation p over all n! pairings)"));
    }

    [Test]
    public void Correlate_Multiple_Text_PrintsTheBound_ForAPerfectFit()
    {
        string csv = Write("fit.csv", "a,b,y\n1,2,4\n2,1,5.5\n3,4,9\n4,3,10.5\n5,6,14\n6,5,15.5\n");
        (int exit, string stdout, string stderr) = Run("stats", "correlate", "--csv", csv, "--y", "y", "--x", "a,b");
        Assert.That(exit, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("p            < 1e-16 (F test)"));
    }

    [TestCase("bogus")]
    [TestCase("")]
    public void Correlate_ReturnsUsageError_ForUnknownPRule(string rule)
    {
        (int exit, string stdout, string stderr) = Run("stats", "correlate", "--csv", LevelsCsv(), "--y", "accA", "--x", "level", "--p", rule);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void Correlate_PExact_FailsWithOneLine_WhenNotAvailable()
    {
        string csv = LevelsCsv();
        AssertOneLineFailure(Run("stats", "correlate", "--csv", csv, "--y", "accA", "--x", "level", "--p", "exact"), "--p exact", "n <= 10; n is 24", "--p auto or --p t");
        AssertOneLineFailure(Run("stats", "correlate", "--csv", csv, "--y", "accA", "--x", "level", "--method", "kendall", "--p", "exact"), "--p exact", "without ties", "--p auto or --p t");
        AssertOneLineFailure(Run("stats", "correlate", "--csv", csv, "--y", "accA", "--x", "level", "--method", "pearson", "--p", "exact"), "--p exact applies to spearman and kendall");
    }

    [Test]
    public void Correlate_Multiple_Json_EqualsRLm_OnL25Design()
    {
        string csv = L25Csv();

        (int exit, string stdout, string stderr) = Run("stats", "correlate", "--csv", csv, "--y", "y", "--x", "fgsm,gauss,ci,ld", "--json");

        Assert.That(exit, Is.EqualTo(0), stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement root = doc.RootElement;
        Assert.That(root.EnumerateObject().Select(o => o.Name), Is.EqualTo(new[] { "method", "n", "k", "R", "R2", "adjR2", "F", "df1", "df2", "p" }));
        Assert.That(root.GetProperty("method").GetString(), Is.EqualTo("multiple"));
        Assert.That((root.GetProperty("n").GetInt32(), root.GetProperty("k").GetInt32()), Is.EqualTo((25, 4)));
        Assert.That((root.GetProperty("df1").GetInt32(), root.GetProperty("df2").GetInt32()), Is.EqualTo((4, 20)));
        AssertRelative(root.GetProperty("R").GetDouble(), 0.99679023153658586, 1e-10);
        AssertRelative(root.GetProperty("R2").GetDouble(), 0.99359076568676041, 1e-10);
        AssertRelative(root.GetProperty("adjR2").GetDouble(), 0.99230891882411254, 1e-10);
        AssertRelative(root.GetProperty("F").GetDouble(), 775.12438859841313, 1e-10);
        AssertRelative(root.GetProperty("p").GetDouble(), 1.2791348325506476e-21, 1e-8);
    }

    [Test]
    public void Correlate_Fails_WhenFileIsMissing()
    {
        string missing = Path.Combine(_folder, "absent.csv");
        AssertOneLineFailure(Run("stats", "correlate", "--csv", missing, "--y", "a", "--x", "b"), missing, "not found");
    }

    [Test]
    public void Correlate_Fails_ListingColumns_WhenColumnIsMissing()
    {
        string csv = LevelsCsv();
        AssertOneLineFailure(Run("stats", "correlate", "--csv", csv, "--y", "accB", "--x", "level"), csv, "'accB'", "'level', 'accA', 'note'");
    }

    [Test]
    public void Correlate_Fails_NamingTheColumn_WhenTheHeaderRepeatsIt()
    {
        string csv = Write("twice.csv", "level,acc,level\n0.5,0.31,1\n1.0,0.35,2\n1.5,0.40,3\n2.0,0.45,4\n");
        AssertOneLineFailure(Run("stats", "correlate", "--csv", csv, "--y", "acc", "--x", "level"), csv, "line 1", "'level' 2 times");
    }

    [Test]
    public void Correlate_Fails_NamingLineColumnAndValue_WhenCellIsNotNumeric()
    {
        string csv = Write("bad.csv", "level,acc\n0.5,0.31\n1.0,0.35\n1.5,n/a\n2.0,0.45\n");
        AssertOneLineFailure(Run("stats", "correlate", "--csv", csv, "--y", "acc", "--x", "level"), csv, "line 4", "'acc'", "'n/a'");
    }

    [Test]
    public void Correlate_Fails_WhenTooFewRows()
    {
        string csv = Write("two.csv", "level,acc\n0.5,0.31\n1.0,0.35\n");
        AssertOneLineFailure(Run("stats", "correlate", "--csv", csv, "--y", "acc", "--x", "level", "--method", "pearson"), csv, "2 data rows", "at least 3");
        string l25 = L25Csv();
        string five = Write("five.csv", string.Join('\n', File.ReadAllLines(l25).Take(6)));
        AssertOneLineFailure(Run("stats", "correlate", "--csv", five, "--y", "y", "--x", "fgsm,gauss,ci,ld"), five, "5 data rows", "at least 6");
    }

    [Test]
    public void Correlate_Fails_WhenAColumnIsConstant()
    {
        string csv = Write("flat.csv", "level,acc\n0.5,0.9\n1.0,0.9\n1.5,0.9\n2.0,0.9\n");
        AssertOneLineFailure(Run("stats", "correlate", "--csv", csv, "--y", "acc", "--x", "level"), csv, "constant");
    }

    [Test]
    public void Correlate_Fails_WhenSingleColumnMethodGetsSeveralColumns()
    {
        (int exit, _, string stderr) = Run("stats", "correlate", "--csv", L25Csv(), "--y", "y", "--x", "fgsm,gauss", "--method", "pearson");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("--method multiple"));
    }

    [Test]
    public void Correlate_ReturnsUsageError_ForUnknownMethod()
    {
        (int exit, _, string stderr) = Run("stats", "correlate", "--csv", LevelsCsv(), "--y", "accA", "--x", "level", "--method", "cosine");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(stderr, Is.Not.Empty);
    }

    private static void AssertRelative(double actual, double expected, double rel) =>
        Assert.That(actual, Is.EqualTo(expected).Within(Math.Abs(expected) * rel));

    private static void AssertOneLineFailure((int Exit, string Stdout, string Stderr) run, params string[] fragments)
    {
        Assert.That(run.Exit, Is.EqualTo(1), run.Stderr);
        Assert.That(run.Stdout, Is.Empty);
        string[] lines = run.Stderr.TrimEnd().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1), run.Stderr);
        foreach (string fragment in fragments)
        {
            Assert.That(lines[0], Does.Contain(fragment));
        }
    }

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int exit = RobustnessCli.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>24 rows: the paper's levels 0.5..12.0, a quoted accuracy column and a text column.</summary>
    private string LevelsCsv()
    {
        var text = new StringBuilder("level,\"accA\",note\n");
        for (int i = 0; i < 24; i++)
        {
            string level = (0.5 * (i + 1)).ToString("R", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{level},\"{_accA[i].ToString("R", CultureInfo.InvariantCulture)}\",\"run {i}, \"\"ok\"\"\"\n");
        }

        return Write("levels.csv", text.ToString());
    }

    /// <summary>The L25 design of the four factors (GF(5) construction) with the reference response.</summary>
    private string L25Csv()
    {
        double[][] levels = [[0, 2, 4, 6, 8], [0, 2, 4, 6, 8], [0.2, 0.25, 0.3, 0.35, 0.4], [0, 0.05, 0.1, 0.15, 0.2]];
        var text = new StringBuilder("fgsm,gauss,ci,ld,y\n");
        for (int a = 0; a < 5; a++)
        {
            for (int b = 0; b < 5; b++)
            {
                int run = (5 * a) + b;
                int[] idx = [a, b, (a + b) % 5, ((2 * a) + b) % 5];
                string row = string.Join(',', idx.Select((l, f) => levels[f][l].ToString("R", CultureInfo.InvariantCulture)));
                text.Append(CultureInfo.InvariantCulture, $"{row},{_l25Y[run].ToString("R", CultureInfo.InvariantCulture)}\n");
            }
        }

        return Write("l25.csv", text.ToString());
    }

    private string Write(string name, string content)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
