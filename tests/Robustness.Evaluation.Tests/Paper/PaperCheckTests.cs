using Microsoft.Extensions.DependencyInjection;
using Robustness.Data.Sources;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Paper;
using Robustness.Evaluation.Runner;
using Robustness.Models;
using Robustness.Tests.Shared;

namespace Robustness.Evaluation.Tests.Paper;

/// <summary>The paper check as one library call: what <c>robustness reproduce</c> does, from <see cref="PaperCheckOptions"/>.</summary>
[TestFixture]
[NonParallelizable]
public sealed class PaperCheckTests
{
    private static readonly PaperCheckOptions _small = new()
    {
        Questions = [ResearchQuestion.Rq4],
        Seeds = 1,
        TrainPerClass = 30,
        TestPerClass = 10,
        MaxEpochs = 1,
        BenchmarkLevels = [1.0, 2.0],
    };

    private static ServiceProvider Services() => new ServiceCollection()
        .AddRobustnessModels(o =>
        {
            o.Device = "cpu";
            o.Threads = EvaluationTestData.Threads;
        })
        .AddRobustnessEvaluation()
        .BuildServiceProvider();

    [Test]
    public void Run_WritesAReportPerQuestion_AndAFindingPerPaperCell_AndARerunTrainsNothingAndWritesTheSameFindings()
    {
        using var temp = new TempFolder();
        using var services = Services();
        var check = services.GetRequiredService<PaperCheck>();
        var data = _small.LoadData(services.GetRequiredService<IDatasetCatalog>().GetSource("synthetic"));

        var first = check.Run(_small, data, temp.Combine("out"));
        byte[] csv = File.ReadAllBytes(temp.Combine("out", "findings.csv"));
        var again = check.Run(_small, data, temp.Combine("out"));

        Assert.That(first.Sharded, Is.False);
        Assert.That(first.Runs.Single().CompletedRuns, Is.EqualTo(6), "RQ4: six label-disturbance points, one seed");
        Assert.That(first.Reports.Single().Report, Is.EqualTo(temp.Combine("out", "rq4", "report.md")));
        Assert.That(File.Exists(first.Reports[0].Report), Is.True);
        Assert.That(first.Findings, Has.Count.EqualTo(PaperTables.Cells.Count), "every cell of Tables 2-7, the questions not run as such");
        Assert.That(first.Findings.Where(f => f.Cell.Question != ResearchQuestion.Rq4).Select(f => f.Verdict), Is.All.AnyOf(FindingVerdict.Inconclusive, FindingVerdict.PaperValueImpossible), "not run (Table 2 has its impossible p either way)");
        Assert.That(first.FindingsFiles.Select(Path.GetFileName), Is.EquivalentTo(new[] { "findings.md", "findings.csv" }));
        Assert.That(first.Summaries.Single(), Does.StartWith("RQ4 (Table 5): "));
        Assert.That(first.Models, Is.EqualTo(6));
        Assert.That(File.ReadAllText(temp.Combine("out", "findings.md")), Does.Contain("Run: `PaperCheck.Run` (scaled); data: ").And.Contain("1 seed (20240501)"));

        Assert.That(again.Runs.Single().CompletedRuns, Is.Zero, "resumed: every run was stored");
        Assert.That(again.Runs.Single().SkippedRuns, Is.EqualTo(6));
        Assert.That(File.ReadAllBytes(temp.Combine("out", "findings.csv")), Is.EqualTo(csv), "the same findings from the same rows");
    }

    [Test]
    public void AShard_StopsBeforeTheFindings_AndPublishRefusesAStoreMissingRuns_NamingTheStudyAndCount()
    {
        using var temp = new TempFolder();
        using var services = Services();
        var options = _small with { Shard = StudyShard.Parse("1/2") };
        var data = options.LoadData(services.GetRequiredService<IDatasetCatalog>().GetSource("synthetic"));

        var result = services.GetRequiredService<PaperCheck>().Run(options, data, temp.Combine("out"));

        Assert.That(result.Sharded, Is.True);
        Assert.That(result.Runs.Single().CompletedRuns, Is.EqualTo(3));
        Assert.That(result.Reports, Is.Empty);
        Assert.That(File.Exists(temp.Combine("out", "findings.csv")), Is.False);
        Assert.That(() => PaperCheck.Publish(_small, data, temp.Combine("out")),
            Throws.InvalidOperationException.With.Message.Contains("Study rq4-scaled").And.Message.Contains("holds 3 of its 6 runs"));
    }

    [Test]
    public void Designs_FollowTheScale_AndAreNamedAsStudyRunNamesThem()
    {
        var scaled = new PaperCheckOptions().Designs();
        Assert.That(scaled.Select(d => d.StudyName), Is.EqualTo(new[] { "rq1-scaled", "rq2-scaled", "rq3-scaled", "rq4-scaled", "rq5-scaled", "rq6-scaled" }));
        Assert.That(scaled.Select(d => (d.TrainPerClass, d.TestPerClass, d.MaxEpochs, d.Seeds.Count)), Is.All.EqualTo((300, 100, 5, 3)));
        Assert.That(scaled.SelectMany(d => d.Architectures).Distinct(), Is.EqualTo(new[] { "lenet5" }));

        var paper = new PaperCheckOptions { Scale = PaperCheckScale.Paper, Questions = [ResearchQuestion.Rq6, ResearchQuestion.Rq2], Seeds = 1, Architectures = ["lenet5"] }.Designs();
        Assert.That(paper.Select(d => d.StudyName), Is.EqualTo(new[] { "rq2", "rq6" }), "question order");
        Assert.That(paper.Select(d => (d.TrainPerClass, d.MaxEpochs, d.Seeds.Single())), Is.All.EqualTo(((int?)null, 30, 20240501UL)));
        Assert.That(paper[0].Points(), Is.EqualTo(StudyDesign.Paper(ResearchQuestion.Rq2).Points()), "the paper's design points and levels");
    }

    [Test]
    public void Validate_RefusesAQuestionTwice_AnUnknownOne_NoQuestion_AndNoSeeds_NamingTheField()
    {
        Assert.That(() => new PaperCheckOptions { Questions = [ResearchQuestion.Rq1, ResearchQuestion.Rq1] }.Designs(),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("Questions").And.Message.Contains("twice"));
        Assert.That(() => new PaperCheckOptions { Questions = [(ResearchQuestion)42] }.Validate(),
            Throws.ArgumentException.With.Message.Contains("42, which is not a research question"));
        Assert.That(() => new PaperCheckOptions { Questions = [] }.Validate(), Throws.ArgumentException.With.Property("ParamName").EqualTo("Questions"));
        Assert.That(() => new PaperCheckOptions { Seeds = 0 }.Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Seeds"));
        Assert.That(() => new PaperCheckOptions { BenchmarkLevels = [2.0, 1.0] }.Validate(), Throws.ArgumentException);
    }
}
