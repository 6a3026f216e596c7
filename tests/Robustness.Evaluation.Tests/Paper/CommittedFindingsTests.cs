using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Paper;
using Robustness.Evaluation.Results;
using Robustness.Tests.Shared;

namespace Robustness.Evaluation.Tests.Paper;

/// <summary>
/// The committed paper check (docs/findings/scaled-mnist/: the store of a real <c>robustness reproduce</c> run and the
/// findings it wrote) is what the code computes from that store, and the README's findings table is taken from it.
/// </summary>
public sealed class CommittedFindingsTests
{
    private static string Folder => Path.Combine(TestData.RepositoryRoot, "docs", "findings", "scaled-mnist");

    [Test]
    public void CommittedFindings_AreWhatTheCodeComputesFromTheCommittedStore()
    {
        string committedMarkdown = File.ReadAllText(Path.Combine(Folder, "findings.md"));
        string preface = committedMarkdown.Split('\n')[2];
        using var store = SqliteResultStore.OpenReadOnly(Path.Combine(Folder, "study.db"));
        var analyzer = new StudyAnalyzer();
        var findings = new List<PaperFinding>();
        // The paper's questions (StudyQuestion.All may hold a test's toy RQ7 by now).
        foreach (var question in PaperTables.Cells.Select(c => c.Question).Distinct().Order())
        {
            string name = $"rq{(int)question}-scaled";
            Assert.That(store.Studies().Any(s => s.Name == name), Is.True, $"the committed store holds {name}");
            findings.AddRange(PaperFindings.Compare(analyzer.Analyze(store, question, name), store.Rows(name)));
        }

        using var temp = new TempFolder();
        FindingsWriter.Write(findings, temp.Path, preface);

        Assert.That(File.ReadAllText(temp.Combine("findings.csv")), Is.EqualTo(File.ReadAllText(Path.Combine(Folder, "findings.csv"))));
        Assert.That(File.ReadAllText(temp.Combine("findings.md")), Is.EqualTo(committedMarkdown));
    }

    [Test]
    public void ReadmeFindingsTable_IsCopiedFromTheCommittedFindings()
    {
        string markdown = File.ReadAllText(Path.Combine(Folder, "findings.md"));
        string[] readme = File.ReadAllLines(Path.Combine(TestData.RepositoryRoot, "README.md"));
        int start = Array.FindIndex(readme, l => l.StartsWith("<!-- findings:begin", StringComparison.Ordinal));
        int end = Array.FindIndex(readme, l => l.StartsWith("<!-- findings:end", StringComparison.Ordinal));
        Assert.That(start, Is.GreaterThan(0).And.LessThan(end), "README.md marks its findings table with <!-- findings:begin --> ... <!-- findings:end -->");
        // Table rows and summary lines are copied; headings between them are the README's own.
        string[] copied = [.. readme[(start + 1)..end].Where(l => l.StartsWith('|') || l.StartsWith("- RQ", StringComparison.Ordinal))];
        Assert.That(copied, Has.Length.GreaterThanOrEqualTo(6));
        foreach (string line in copied)
        {
            Assert.That(markdown, Does.Contain(line + "\n"), $"README line not in docs/findings/scaled-mnist/findings.md: {line}");
        }
    }
}
