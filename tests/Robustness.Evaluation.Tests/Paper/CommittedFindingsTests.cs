using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Paper;
using Robustness.Evaluation.Results;
using Robustness.Tests.Shared;

namespace Robustness.Evaluation.Tests.Paper;

/// <summary>
/// The committed paper checks (docs/findings/scaled-mnist/ and docs/findings/paper-lenet5-mnist/: the stores of real
/// <c>robustness reproduce</c> runs and the findings they wrote) are what the code computes from those stores, and the
/// README's findings tables are taken from them.
/// </summary>
public sealed class CommittedFindingsTests
{
    private static string FolderOf(string name) => Path.Combine(TestData.RepositoryRoot, "docs", "findings", name);

    /// <param name="name">The folder under docs/findings.</param>
    /// <param name="studySuffix">What reproduce appends to <c>rqN</c> at that scale (<c>-scaled</c>; nothing at paper scale).</param>
    [TestCase("scaled-mnist", "-scaled")]
    [TestCase("paper-lenet5-mnist", "")]
    public void CommittedFindings_AreWhatTheCodeComputesFromTheCommittedStore(string name, string studySuffix)
    {
        string folder = FolderOf(name);
        string committedMarkdown = File.ReadAllText(Path.Combine(folder, "findings.md"));
        string preface = committedMarkdown.Split('\n')[2];
        using var store = SqliteResultStore.OpenReadOnly(Path.Combine(folder, "study.db"));
        var analyzer = new StudyAnalyzer();
        var findings = new List<PaperFinding>();
        // The paper's questions (StudyQuestion.All may hold a test's toy RQ7 by now).
        foreach (var question in PaperTables.Cells.Select(c => c.Question).Distinct().Order())
        {
            string study = $"rq{(int)question}{studySuffix}";
            Assert.That(store.Studies().Any(s => s.Name == study), Is.True, $"the committed store holds {study}");
            findings.AddRange(PaperFindings.Compare(analyzer.Analyze(store, question, study), store.Rows(study)));
        }

        using var temp = new TempFolder();
        FindingsWriter.Write(findings, temp.Path, preface);

        Assert.That(File.ReadAllText(temp.Combine("findings.csv")), Is.EqualTo(File.ReadAllText(Path.Combine(folder, "findings.csv"))));
        Assert.That(File.ReadAllText(temp.Combine("findings.md")), Is.EqualTo(committedMarkdown));
    }

    /// <param name="marker">The README's markers: <c>&lt;!-- {marker}:begin</c> ... <c>&lt;!-- {marker}:end</c>.</param>
    /// <param name="name">The folder under docs/findings the lines are copied from.</param>
    [TestCase("findings", "scaled-mnist")]
    [TestCase("paper-findings", "paper-lenet5-mnist")]
    public void ReadmeFindingsTable_IsCopiedFromTheCommittedFindings(string marker, string name)
    {
        string markdown = File.ReadAllText(Path.Combine(FolderOf(name), "findings.md"));
        string[] readme = File.ReadAllLines(Path.Combine(TestData.RepositoryRoot, "README.md"));
        int start = Array.FindIndex(readme, l => l.StartsWith($"<!-- {marker}:begin", StringComparison.Ordinal));
        int end = Array.FindIndex(readme, l => l.StartsWith($"<!-- {marker}:end", StringComparison.Ordinal));
        Assert.That(start, Is.GreaterThan(0).And.LessThan(end), $"README.md marks its table with <!-- {marker}:begin --> ... <!-- {marker}:end -->");
        // Table rows and summary lines are copied; headings between them are the README's own.
        string[] copied = [.. readme[(start + 1)..end].Where(l => l.StartsWith('|') || l.StartsWith("- RQ", StringComparison.Ordinal))];
        Assert.That(copied, Has.Length.GreaterThanOrEqualTo(6));
        foreach (string line in copied)
        {
            Assert.That(markdown, Does.Contain(line + "\n"), $"README line not in docs/findings/{name}/findings.md: {line}");
        }
    }
}
