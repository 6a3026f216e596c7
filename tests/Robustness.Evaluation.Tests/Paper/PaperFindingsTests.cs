using System.Globalization;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Paper;
using Robustness.Evaluation.Results;
using Robustness.Evaluation.Tests.Analysis;
using Robustness.Statistics;

namespace Robustness.Evaluation.Tests.Paper;

/// <summary><see cref="PaperFindings"/> on constructed studies whose statistics are known in closed form.</summary>
[TestFixture]
public sealed class PaperFindingsTests
{
    private const int Resamples = 200;

    private static readonly ulong[] _threeSeeds = [1, 2, 3];

    [Test]
    public void PerfectlyIncreasingStudy_ReplicatesAPositiveSignificantPaperR_AndIsDirectionOnlyForAWeakOne()
    {
        var rows = Rq1(["lenet5", "alexnet8"], (_, i, s) => 0.5 + (0.01 * i) + (0.001 * s));
        var findings = Compare(rows);

        PaperFinding strong = Find(findings, "Table 2 alexnet8 MNIST-C r");
        Assert.That(strong.Ours, Is.EqualTo(1.0).Within(1e-12));
        Assert.That(strong.PaperStrength, Is.EqualTo(CorrelationStrength.Significant));
        Assert.That(strong.OursStrength, Is.EqualTo(CorrelationStrength.Significant));
        Assert.That(strong.Verdict, Is.EqualTo(FindingVerdict.Replicated), strong.Reason);

        PaperFinding weak = Find(findings, "Table 2 lenet5 MNIST-Test r");
        Assert.That(weak.Verdict, Is.EqualTo(FindingVerdict.DirectionOnly), weak.Reason);
        Assert.That(weak.Reason, Does.Contain("same sign").And.Contain("labels weak/none vs significant"));

        Assert.That(Find(findings, "Table 2 alexnet8 MNIST-C p").Verdict, Is.EqualTo(FindingVerdict.Replicated), "both significant");
        Assert.That(Find(findings, "Table 2 lenet5 MNIST-Test p").Verdict, Is.EqualTo(FindingVerdict.NotReplicated), "paper p = 0.184 is not significant, ours is");
    }

    [Test]
    public void PerfectlyDecreasingStudy_DoesNotReplicateAPositivePaperR()
    {
        var findings = Compare(Rq1(["lenet5", "alexnet8"], (_, i, s) => 0.9 - (0.01 * i) - (0.001 * s)));

        PaperFinding f = Find(findings, "Table 2 alexnet8 MNIST-C r");
        Assert.That(f.Ours, Is.EqualTo(-1.0).Within(1e-12));
        Assert.That(f.Verdict, Is.EqualTo(FindingVerdict.NotReplicated), f.Reason);
        Assert.That(f.Reason, Does.StartWith("opposite sign"));
    }

    [Test]
    public void ArchitectureNotRun_LeavesItsCellsInconclusive()
    {
        var findings = Compare(Rq1(["lenet5"], (_, i, s) => 0.5 + (0.01 * i) + (0.001 * s)));

        var alexnet = findings.Where(f => f.Cell.Architecture == "alexnet8").ToList();
        Assert.That(alexnet, Has.Count.EqualTo(12));
        Assert.That(alexnet.Select(f => f.Verdict), Is.All.EqualTo(FindingVerdict.Inconclusive));
        Assert.That(alexnet.Select(f => f.Reason), Is.All.EqualTo("alexnet8 is not in this run (it has lenet5)"));
        Assert.That(alexnet.Select(f => f.Ours), Is.All.NaN);
        Assert.That(findings.Where(f => f.Cell.Architecture == "lenet5").Select(f => f.Verdict), Has.None.EqualTo(FindingVerdict.Inconclusive));
    }

    [Test]
    public void ImpossiblePaperP_IsReportedAsSuch_AndOursIsStillShown()
    {
        var findings = Compare(Rq1(["lenet5"], (_, i, s) => 0.5 + (0.01 * i) + (0.001 * s)));

        PaperFinding f = Find(findings, "Table 2 lenet5 MNIST-A p");
        Assert.That(f.Verdict, Is.EqualTo(FindingVerdict.PaperValueImpossible));
        Assert.That(f.Reason, Is.EqualTo("paper value impossible: p = 3.347"));
        Assert.That(double.IsFinite(f.Ours), Is.True);
    }

    [Test]
    public void NotRun_GivesOneInconclusiveFindingPerCell_ExceptTheImpossibleOne()
    {
        var findings = PaperFindings.NotRun(ResearchQuestion.Rq1);

        Assert.That(findings.Select(f => f.Cell), Is.EqualTo(PaperTables.For(ResearchQuestion.Rq1)));
        Assert.That(findings.Count(f => f.Verdict == FindingVerdict.Inconclusive), Is.EqualTo(23));
        Assert.That(findings.Single(f => f.Verdict != FindingVerdict.Inconclusive).Verdict, Is.EqualTo(FindingVerdict.PaperValueImpossible));
        Assert.That(PaperFindings.Summary(ResearchQuestion.Rq1, findings),
            Is.EqualTo("RQ1 (Table 2): 0 of 24 cells replicated, 0 direction only, 0 not replicated, 23 inconclusive, 1 paper value impossible"));
    }

    [Test]
    public void Ours_EqualsClosedForms_SpearmanWithOneSwapAndTheVarianceOfAnArithmeticSeries()
    {
        // MNIST-C: points 3 and 4 swapped, so sum d^2 = 2 and r = 1 - 6 * 2 / (n (n^2 - 1)). MNIST-Test: point means
        // 0.502 + 0.01 i, mean 0.622 and sample variance 0.01^2 n (n + 1) / 12.
        var rows = Rq1(["lenet5"], (m, i, s) => m == AccuracyMeasure.MnistC
            ? 0.5 + (0.01 * (i == 3 ? 4 : i == 4 ? 3 : i)) + (0.001 * s)
            : 0.5 + (0.01 * i) + (0.001 * s));
        var findings = Compare(rows);
        const int N = 25;

        Assert.That(Find(findings, "Table 2 lenet5 MNIST-C r").Ours, Is.EqualTo(1 - (6.0 * 2 / (N * ((N * N) - 1)))).Within(1e-12));
        Assert.That(Find(findings, "Table 2 lenet5 MNIST-Test mean").Ours, Is.EqualTo(0.622).Within(1e-12));
        Assert.That(Find(findings, "Table 2 lenet5 MNIST-Test variance").Ours, Is.EqualTo(1e-4 * N * (N + 1) / 12).Within(1e-12));
        Assert.That(findings.Where(f => f.Cell.Architecture == "lenet5").Select(f => f.Points), Is.All.EqualTo(N));
    }

    [Test]
    public void Rq2_PeakAtTheLastLevel_LeavesSegmentIIInconclusive_AndSegmentIHasOurRange()
    {
        var rows = new List<StudyRow>();
        for (int i = 0; i <= 8; i++)
        {
            double level = i;
            foreach (ulong s in _threeSeeds)
            {
                double a = 0.3 + (0.05 * i) + (0.001 * s);
                rows.Add(AnalysisRows.Row("rq2", ResearchQuestion.Rq2, "lenet5", Id("rq2-f", level), i, s, 0.99, 0.98, 0.9 - (0.01 * i), a, fgsmLevel: level));
            }
        }

        var findings = PaperFindings.Compare(new StudyAnalyzer().Analyze(rows), rows, resamples: Resamples);

        var segment2 = findings.Where(f => f.Cell.Architecture == "lenet5" && f.Cell.Segment == "II").ToList();
        Assert.That(segment2, Has.Count.EqualTo(12));
        Assert.That(segment2.Select(f => f.Verdict), Is.All.EqualTo(FindingVerdict.Inconclusive));
        Assert.That(segment2[0].Reason, Is.EqualTo("no segment II: the MNIST-A peak is the last level"));
        PaperFinding a1 = Find(findings, "Table 3 lenet5 MNIST-A I r");
        Assert.That((a1.FirstLevel, a1.LastLevel, a1.Points), Is.EqualTo(((double?)0.0, (double?)8.0, 9)));
        Assert.That(a1.Verdict, Is.EqualTo(FindingVerdict.Replicated), "r = 1 beside the paper's 0.998: both significant");
    }

    [Test]
    public void Rq5_MultipleCorrelation_IsTheTablesR_AndItsFTestP()
    {
        var rows = new List<StudyRow>();
        int index = 0;
        foreach (double g in new[] { 0.0, 2, 4, 6, 8, 10 })
        {
            foreach (double f in new[] { 0.0, 2, 4, 6, 8, 10 })
            {
                foreach (ulong s in _threeSeeds)
                {
                    double wobble = ((((int)(g + (3 * f)) + (int)s) % 5) - 2) * 0.01;
                    rows.Add(AnalysisRows.Row("rq5", ResearchQuestion.Rq5, "alexnet8", Id("rq5-", (g * 100) + f), index, s, 0.99, 0.98 - (0.001 * g) + wobble, 0.9 + wobble, 0.3 + (0.04 * f) + wobble, gaussianLevel: g, fgsmLevel: f));
                }

                index++;
            }
        }

        StudyTable table = new StudyAnalyzer().Analyze(rows);
        var findings = PaperFindings.Compare(table, rows, resamples: Resamples);

        MultiFactorCell fit = table.Architectures[0].MultiFactor!.Single(c => c.Measure == AccuracyMeasure.MnistA);
        Assert.That(Find(findings, "Table 6 alexnet8 MNIST-A R").Ours, Is.EqualTo(fit.Fit.R));
        Assert.That(Find(findings, "Table 6 alexnet8 MNIST-A p").Ours, Is.EqualTo(fit.Fit.PValue));
        Assert.That(Find(findings, "Table 6 alexnet8 MNIST-A R").Points, Is.EqualTo(36));
        Assert.That(findings.Where(f => f.Cell.Architecture == "lenet5").Select(f => f.Verdict), Is.All.EqualTo(FindingVerdict.Inconclusive));
    }

    [Test]
    public void Bootstrap_IsDeterministicForASeed_ContainsTheEstimate_AndMeansStayInsideTheSeedRange()
    {
        var rows = Rq1(["lenet5", "alexnet8"], (m, i, s) => 0.6 + (0.004 * i) + (((((i * 7) + ((int)s * 13) + (int)m) % 11) - 5) * 0.004));
        var first = Compare(rows, seed: 42);
        var again = Compare(rows, seed: 42);

        Assert.That(again.Select(f => (f.IntervalLow, f.IntervalHigh)), Is.EqualTo(first.Select(f => (f.IntervalLow, f.IntervalHigh))));
        foreach (PaperFinding f in first.Where(f => !double.IsNaN(f.Ours)))
        {
            Assert.That(f.IntervalLow, Is.LessThanOrEqualTo(f.Ours), f.Cell.Name);
            Assert.That(f.IntervalHigh, Is.GreaterThanOrEqualTo(f.Ours), f.Cell.Name);
            Assert.That(f.Seeds, Is.EqualTo(3));
            Assert.That(f.DistinctResamples, Is.EqualTo(10));
        }

        // Every point has all three seeds, so a resample's overall mean is a weighted mean of the per-seed overall means.
        PaperFinding mean = Find(first, "Table 2 lenet5 MNIST-C mean");
        double[] perSeed = [.. _threeSeeds.Select(s => rows.Where(r => r.Seed == s && r.Architecture == "lenet5").Average(r => r.GaussianMeanAccuracy))];
        Assert.That(mean.SeedMin, Is.EqualTo(perSeed.Min()).Within(1e-12));
        Assert.That(mean.SeedMax, Is.EqualTo(perSeed.Max()).Within(1e-12));
        Assert.That(mean.IntervalLow, Is.GreaterThanOrEqualTo(mean.SeedMin - 1e-12));
        Assert.That(mean.IntervalHigh, Is.LessThanOrEqualTo(mean.SeedMax + 1e-12));
        Assert.That(mean.IntervalHigh, Is.GreaterThan(mean.IntervalLow), "seeds differ, so the interval has width");
    }

    [Test]
    public void OneSeed_GivesNoInterval_ButASeedRange()
    {
        var rows = Rq1(["lenet5"], (_, i, _) => 0.5 + (0.01 * i), seeds: [7]);
        PaperFinding f = Find(Compare(rows), "Table 2 lenet5 MNIST-Test mean");

        Assert.That(f.IntervalLow, Is.NaN);
        Assert.That(f.IntervalHigh, Is.NaN);
        Assert.That(f.SeedMin, Is.EqualTo(f.Ours).Within(1e-12));
        Assert.That(f.DistinctResamples, Is.EqualTo(1));
        Assert.That(f.Reason, Does.Contain("no interval (1 seed)"));
    }

    [TestCase("Table 2 lenet5 MNIST-A r", 0.6, double.NaN, double.NaN, FindingVerdict.Replicated)]
    [TestCase("Table 2 lenet5 MNIST-A r", 0.9, double.NaN, double.NaN, FindingVerdict.DirectionOnly)]
    [TestCase("Table 2 lenet5 MNIST-A r", 0.9, 0.7, 0.95, FindingVerdict.Replicated)]
    [TestCase("Table 2 lenet5 MNIST-A r", -0.7, double.NaN, double.NaN, FindingVerdict.NotReplicated)]
    [TestCase("Table 6 alexnet8 MNIST-C R", 0.85, double.NaN, double.NaN, FindingVerdict.Replicated)]
    [TestCase("Table 6 alexnet8 MNIST-C R", 0.6, double.NaN, double.NaN, FindingVerdict.NotReplicated)]
    [TestCase("Table 6 alexnet8 MNIST-C R", 0.6, 0.55, 0.9, FindingVerdict.Replicated)]
    [TestCase("Table 2 lenet5 MNIST-C p", 0.04, double.NaN, double.NaN, FindingVerdict.Replicated)]
    [TestCase("Table 2 lenet5 MNIST-C p", 0.2, 0.001, 0.5, FindingVerdict.NotReplicated)]
    [TestCase("Table 2 lenet5 MNIST-Test mean", 0.93, double.NaN, double.NaN, FindingVerdict.Replicated)]
    [TestCase("Table 2 lenet5 MNIST-Test mean", 0.80, double.NaN, double.NaN, FindingVerdict.NotReplicated)]
    [TestCase("Table 2 lenet5 MNIST-Test mean", 0.80, 0.78, 0.90, FindingVerdict.Replicated)]
    [TestCase("Table 2 lenet5 MNIST-Test variance", 0.002, double.NaN, double.NaN, FindingVerdict.Replicated)]
    [TestCase("Table 2 lenet5 MNIST-Test variance", 0.001, double.NaN, double.NaN, FindingVerdict.NotReplicated)]
    [TestCase("Table 2 lenet5 MNIST-Test variance", 0.2, double.NaN, double.NaN, FindingVerdict.NotReplicated)]
    [TestCase("Table 2 lenet5 MNIST-Test variance", double.NaN, double.NaN, double.NaN, FindingVerdict.Inconclusive)]
    [TestCase("Table 2 lenet5 MNIST-A p", 0.01, double.NaN, double.NaN, FindingVerdict.PaperValueImpossible)]
    public void Verdict_FollowsTheRuleOfItsStatistic(string cell, double ours, double low, double high, FindingVerdict expected)
    {
        PaperCell c = PaperTables.Cells.Single(x => x.Name == cell);

        (FindingVerdict verdict, string reason) = PaperFindings.Judge(c, ours, low, high, 0.05);

        Assert.That(verdict, Is.EqualTo(expected), reason);
    }

    [TestCase(1, 1)]
    [TestCase(2, 3)]
    [TestCase(3, 10)]
    [TestCase(4, 35)]
    [TestCase(10, 92378)]
    public void DistinctResamples_AreMultisetsOfKFromK(int seeds, double expected) =>
        Assert.That(PaperFindings.DistinctResamplesOf(seeds), Is.EqualTo(expected));

    [Test]
    public void Compare_RefusesRowsOfAnotherStudy()
    {
        var rows = Rq1(["lenet5"], (_, i, s) => 0.5 + (0.01 * i) + (0.001 * s));
        StudyTable table = new StudyAnalyzer().Analyze(rows);
        List<StudyRow> mixed = [.. rows, rows[0] with { Study = "other", Key = "other/x" }];

        Assert.That(() => PaperFindings.Compare(table, mixed, resamples: Resamples), Throws.ArgumentException.With.Message.Contains("study 'other'"));
    }

    /// <summary>RQ1 rows at the paper's 25 levels 0, 0.5, ..., 12 with every accuracy from <paramref name="accuracy"/>(measure, point, seed).</summary>
    private static List<StudyRow> Rq1(string[] architectures, Func<AccuracyMeasure, int, ulong, double> accuracy, ulong[]? seeds = null)
    {
        var rows = new List<StudyRow>();
        foreach (string arch in architectures)
        {
            for (int i = 0; i < 25; i++)
            {
                double level = 0.5 * i;
                foreach (ulong s in seeds ?? _threeSeeds)
                {
                    rows.Add(AnalysisRows.Row("rq1", ResearchQuestion.Rq1, arch, Id("rq1-g", level), i, s,
                        accuracy(AccuracyMeasure.Training, i, s), accuracy(AccuracyMeasure.MnistTest, i, s), accuracy(AccuracyMeasure.MnistC, i, s), accuracy(AccuracyMeasure.MnistA, i, s),
                        gaussianLevel: level));
                }
            }
        }

        return rows;
    }

    private static IReadOnlyList<PaperFinding> Compare(List<StudyRow> rows, ulong seed = PaperFindings.DefaultSeed) =>
        PaperFindings.Compare(new StudyAnalyzer().Analyze(rows), rows, seed, Resamples);

    private static PaperFinding Find(IReadOnlyList<PaperFinding> findings, string name) => findings.Single(f => f.Cell.Name == name);

    private static string Id(string prefix, double level) => prefix + level.ToString("0.##", CultureInfo.InvariantCulture);
}
