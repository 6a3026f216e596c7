using System.Globalization;
using System.Text.RegularExpressions;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Paper;
using Robustness.Evaluation.Results;
using Robustness.Evaluation.Tests.Analysis;
using Robustness.Tests.Shared;

namespace Robustness.Evaluation.Tests.Paper;

/// <summary><see cref="FindingsWriter"/>: findings.md and findings.csv for all six questions.</summary>
[TestFixture]
public sealed partial class FindingsWriterTests
{
    [Test]
    public void Write_GivesOneCsvRowPerPaperCell_AndTheSummaryAndRulesInMarkdown()
    {
        var findings = AllQuestions();
        using var temp = new TempFolder();

        IReadOnlyList<string> written = FindingsWriter.Write(findings, temp.Path, "Data: constructed rows.");

        Assert.That(written.Select(Path.GetFileName), Is.EqualTo(new[] { "findings.md", "findings.csv" }));
        Assert.That(Directory.GetFiles(temp.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "findings.md", "findings.csv" }), "no temporary files left");

        string[] lines = File.ReadAllLines(written[1]);
        Assert.That(lines[0], Is.EqualTo(FindingsWriter.CsvHeader));
        Assert.That(lines, Has.Length.EqualTo(1 + 144));
        int columns = Fields(lines[0]).Count;
        var keys = new List<string>();
        foreach (string line in lines.Skip(1))
        {
            List<string> f = Fields(line);
            Assert.That(f, Has.Count.EqualTo(columns), line);
            keys.Add(string.Join('/', f[0], f[2], f[3], f[4], f[5]));
        }

        Assert.That(keys, Is.Unique);
        Assert.That(lines[1..].Select(l => Fields(l)[7]), Is.EqualTo(PaperTables.Cells.Select(c => c.Text)), "paper_text column, in table order");

        string md = File.ReadAllText(written[0]);
        Assert.That(md, Does.StartWith("# Paper check").And.Contain("Data: constructed rows."));
        foreach (ResearchQuestion q in Enum.GetValues<ResearchQuestion>())
        {
            Assert.That(md, Does.Contain("- " + PaperFindings.Summary(q, findings) + "\n"));
        }

        Assert.That(md, Does.Contain("## Rules"));
        Assert.That(md, Does.Contain("| lenet5 | MNIST-A |  | p | 3.347 |"), "the impossible p as printed");
        Assert.That(md, Does.Contain("\\|ours - paper\\|"), "pipes in reasons are escaped");
    }

    [Test]
    public void Csv_WritesNumbersInTheInvariantCulture()
    {
        CultureInfo before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            string csv = FindingsWriter.Csv(AllQuestions());

            Assert.That(csv, Does.Contain(",3.45E-06,3.45 \u00D7 10\u22126,"));
            Assert.That(csv, Does.Not.Contain("0,275"));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    /// <summary>RQ1 compared on a small constructed study of one architecture; RQ2-RQ6 not run.</summary>
    private static List<PaperFinding> AllQuestions()
    {
        var rows = new List<StudyRow>();
        for (int i = 0; i < 7; i++)
        {
            foreach (ulong s in new ulong[] { 1, 2, 3 })
            {
                double a = 0.7 + (0.02 * i) + (0.003 * s);
                rows.Add(AnalysisRows.Row("rq1", ResearchQuestion.Rq1, "lenet5", "rq1-g" + i.ToString(CultureInfo.InvariantCulture), i, s, a, a, a - 0.1, 0.3, gaussianLevel: 2 * i));
            }
        }

        var findings = new List<PaperFinding>(PaperFindings.Compare(new StudyAnalyzer().Analyze(rows), rows, resamples: 100));
        foreach (ResearchQuestion q in Enum.GetValues<ResearchQuestion>().Where(q => q != ResearchQuestion.Rq1))
        {
            findings.AddRange(PaperFindings.NotRun(q));
        }

        return findings;
    }

    /// <summary>Splits a CSV line, honouring double-quoted fields.</summary>
    private static List<string> Fields(string line) =>
        [.. CsvField().Matches(line).Select(m => m.Groups[1].Value).Select(v => v.StartsWith('"') ? v[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : v)];

    [GeneratedRegex("(?:^|,)(\"(?:[^\"]|\"\")*\"|[^,]*)")]
    private static partial Regex CsvField();
}
