using System.Globalization;
using System.Text.Json;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Statistics;

namespace Robustness.Evaluation.Tests.Analysis;

/// <summary>
/// <see cref="StudyAnalyzer"/> on constructed rows. Literal values come from SciPy 1.10.1 / NumPy 1.24.2
/// (reference/make_reference.py, same data).
/// </summary>
[TestFixture]
public sealed class StudyAnalyzerTests
{
    private readonly CorrelationAnalyzer _stats = new();

    [Test]
    public void Rq1_CorrelationsEqualStatisticsAssembly_OnLevelOrderedVectors()
    {
        var rows = AnalysisRows.Rq1();
        rows.AddRange(AnalysisRows.Rq1("alexnet8"));
        StudyTable table = new StudyAnalyzer().Analyze(rows);

        Assert.That(table.Question, Is.EqualTo(ResearchQuestion.Rq1));
        Assert.That(table.Factors, Is.EqualTo(new[] { "gaussian" }));
        Assert.That(table.Architectures.Select(a => a.Architecture), Is.EqualTo(new[] { "lenet5", "alexnet8" }));
        ArchitectureTable lenet = table.Architectures[0];
        Assert.That(lenet.Points.Select(p => p.Factors[0]), Is.EqualTo(AnalysisRows.Rq1Levels), "points ordered by level");
        Assert.That(lenet.SingleFactor!.Select(c => c.Measure), Is.EqualTo(AccuracyMeasures.All));
        Assert.That(lenet.Segments, Is.Null);
        Assert.That(lenet.MultiFactor, Is.Null);

        foreach ((AccuracyMeasure m, double[] y) in new[] { (AccuracyMeasure.MnistC, AnalysisRows.Rq1MnistC), (AccuracyMeasure.MnistA, AnalysisRows.Rq1MnistA) })
        {
            SingleFactorCell cell = lenet.SingleFactor!.Single(c => c.Measure == m);
            CorrelationResult s = _stats.Spearman(AnalysisRows.Rq1Levels, y);
            CorrelationResult p = _stats.Pearson(AnalysisRows.Rq1Levels, y);
            Assert.That(cell.Spearman, Is.EqualTo(s));
            Assert.That(cell.Pearson, Is.EqualTo(p));
            Assert.That(cell.Count, Is.EqualTo(7));
            Assert.That(cell.Mean, Is.EqualTo(DescriptiveStatistics.Of(y).Mean));
            Assert.That(cell.Variance, Is.EqualTo(DescriptiveStatistics.Of(y).SampleVariance));
            Assert.That(cell.Strength, Is.EqualTo(s.Strength));
            Assert.That(cell.Significant, Is.EqualTo(s.PValue < 0.05));
        }
    }

    [Test]
    public void Rq1_MatchesScipyLiterals()
    {
        ArchitectureTable lenet = new StudyAnalyzer().Analyze(AnalysisRows.Rq1()).Architectures[0];
        SingleFactorCell c = lenet.SingleFactor!.Single(x => x.Measure == AccuracyMeasure.MnistC);
        Assert.That(c.Spearman.Coefficient, Is.EqualTo(1.0).Within(1e-12));
        Assert.That(c.Spearman.PValue, Is.EqualTo(2.0 / 5040).Within(1e-15), "7 points without ties: the exact permutation p, 2 / 7!");
        Assert.That(c.Spearman.PValueMethod, Is.EqualTo(PValueMethod.ExactPermutation));
        Assert.That(c.Pearson.Coefficient, Is.EqualTo(0.93372443629171431).Within(1e-12));
        Assert.That(c.Pearson.PValue, Is.EqualTo(0.0020952747159128453).Within(1e-12));
        Assert.That(c.Mean, Is.EqualTo(0.80857142857142861).Within(1e-14));
        Assert.That(c.Variance, Is.EqualTo(0.012814285714285716).Within(1e-15));
        Assert.That(c.Strength, Is.EqualTo(CorrelationStrength.Significant));
        Assert.That(c.Significant, Is.True);

        SingleFactorCell a = lenet.SingleFactor!.Single(x => x.Measure == AccuracyMeasure.MnistA);
        Assert.That(a.Spearman.Coefficient, Is.EqualTo(0.72074997015644726).Within(1e-12), "tied accuracies get average ranks");
        Assert.That(a.Spearman.PValue, Is.EqualTo(0.067634994730281478).Within(1e-10), "ties: SciPy's t approximation");
        Assert.That(a.Spearman.PValueMethod, Is.EqualTo(PValueMethod.StudentT));
        Assert.That(a.Pearson.Coefficient, Is.EqualTo(0.71842120810709953).Within(1e-12));
        Assert.That(a.Pearson.PValue, Is.EqualTo(0.068958757626046127).Within(1e-10));
        Assert.That(a.Mean, Is.EqualTo(0.31428571428571433).Within(1e-14));
        Assert.That(a.Variance, Is.EqualTo(0.00029523809523809575).Within(1e-15));
        Assert.That(a.Strength, Is.EqualTo(CorrelationStrength.Moderate));
        Assert.That(a.Significant, Is.False);
    }

    [Test]
    public void Rq3_CleanPointUsesReachedClassImbalance()
    {
        double[] ci = [0.3, 0.4, 0.5, 0.6];
        double[] acc = [0.97, 0.96, 0.94, 0.90];
        var rows = new List<StudyRow>
        {
            AnalysisRows.Row("rq3", ResearchQuestion.Rq3, "lenet5", "rq3-clean", 0, 1, 0.99, 0.985, 0.8, 0.3, classImbalance: null, reachedClassImbalance: 0.196),
        };
        for (int i = 0; i < ci.Length; i++)
        {
            rows.Add(AnalysisRows.Row("rq3", ResearchQuestion.Rq3, "lenet5", $"rq3-ci{i}", i + 1, 1, 0.99, acc[i], 0.8 - (0.01 * i), 0.3, classImbalance: ci[i]));
        }

        ArchitectureTable t = new StudyAnalyzer().Analyze(rows).Architectures[0];
        Assert.That(t.Points.Select(p => p.Factors[0]), Is.EqualTo(new[] { 0.196, 0.3, 0.4, 0.5, 0.6 }));
        SingleFactorCell c = t.SingleFactor!.Single(x => x.Measure == AccuracyMeasure.MnistTest);
        Assert.That(c.Spearman, Is.EqualTo(_stats.Spearman([0.196, 0.3, 0.4, 0.5, 0.6], [0.985, .. acc])));
    }

    [Test]
    public void Rq2_SplitsAtFirstMaximumOfMnistA_PeakInSegmentI()
    {
        double[] levels = [0, 1, 2, 3, 4, 5, 6, 7, 8];
        double[] fgsm = [0.30, 0.50, 0.70, 0.85, 0.85, 0.80, 0.75, 0.70, 0.60];
        double[] clean = [0.987, 0.986, 0.988, 0.985, 0.984, 0.986, 0.983, 0.982, 0.980];
        var rows = new List<StudyRow>();
        for (int i = levels.Length - 1; i >= 0; i--)
        {
            rows.Add(AnalysisRows.Row("rq2", ResearchQuestion.Rq2, "lenet5", $"rq2-f{i}", i, 3, 0.99, clean[i], 0.7, fgsm[i], fgsmLevel: levels[i]));
        }

        ArchitectureTable t = new StudyAnalyzer().Analyze(rows).Architectures[0];
        Assert.That(t.PeakIndex, Is.EqualTo(3), "first of the two equal maxima");
        Assert.That(t.Segments, Has.Count.EqualTo(2));
        SegmentTable one = t.Segments![0];
        SegmentTable two = t.Segments[1];
        Assert.That((one.Name, one.Start, one.Count, one.FirstLevel, one.LastLevel), Is.EqualTo(("I", 0, 4, 0.0, 3.0)));
        Assert.That((two.Name, two.Start, two.Count, two.FirstLevel, two.LastLevel), Is.EqualTo(("II", 4, 5, 4.0, 8.0)));

        SingleFactorCell a1 = one.Cells.Single(c => c.Measure == AccuracyMeasure.MnistA);
        Assert.That(a1.Spearman, Is.EqualTo(_stats.Spearman(levels[..4], fgsm[..4])));
        Assert.That(a1.Spearman.Coefficient, Is.EqualTo(1.0).Within(1e-12));
        Assert.That(a1.Pearson, Is.EqualTo(_stats.Pearson(levels[..4], fgsm[..4])));
        Assert.That(a1.Mean, Is.EqualTo(DescriptiveStatistics.Of(fgsm[..4]).Mean));
        Assert.That(a1.Variance, Is.EqualTo(DescriptiveStatistics.Of(fgsm[..4]).SampleVariance));

        SingleFactorCell a2 = two.Cells.Single(c => c.Measure == AccuracyMeasure.MnistA);
        Assert.That(a2.Spearman, Is.EqualTo(_stats.Spearman(levels[4..], fgsm[4..])));
        Assert.That(a2.Spearman.Coefficient, Is.EqualTo(-1.0).Within(1e-12));

        SingleFactorCell t2 = two.Cells.Single(c => c.Measure == AccuracyMeasure.MnistTest);
        Assert.That(t2.Spearman, Is.EqualTo(_stats.Spearman(levels[4..], clean[4..])));

        // The whole-range row is there too.
        Assert.That(t.SingleFactor!.Single(c => c.Measure == AccuracyMeasure.MnistA).Spearman, Is.EqualTo(_stats.Spearman(levels, fgsm)));
    }

    [Test]
    public void Rq2_PeakAtLastPoint_GivesOnlySegmentI()
    {
        double[] levels = [0, 2, 4, 6];
        double[] fgsm = [0.3, 0.5, 0.7, 0.9];
        var rows = levels.Select((l, i) => AnalysisRows.Row("rq2", ResearchQuestion.Rq2, "lenet5", $"p{i}", i, 1, 0.99, 0.98, 0.7, fgsm[i], fgsmLevel: l)).ToList();
        ArchitectureTable t = new StudyAnalyzer().Analyze(rows).Architectures[0];
        Assert.That(t.PeakIndex, Is.EqualTo(3));
        Assert.That(t.Segments!.Select(s => s.Name), Is.EqualTo(new[] { "I" }));
        Assert.That(t.Segments![0].Count, Is.EqualTo(4));
    }

    [Test]
    public void Rq5_RegressionEqualsMultiple_AndScipyLiterals()
    {
        double[] g = [0, 0, 0, 4, 4, 4, 8, 8, 8];
        double[] f = [0, 4, 8, 0, 4, 8, 0, 4, 8];
        double[] y = [0.30, 0.62, 0.80, 0.33, 0.66, 0.79, 0.35, 0.61, 0.84];
        var rows = new List<StudyRow>();
        foreach (int i in new[] { 8, 2, 5, 0, 7, 1, 4, 3, 6 })
        {
            rows.Add(AnalysisRows.Row("rq5", ResearchQuestion.Rq5, "alexnet8", $"rq5-g{g[i]}-f{f[i]}", i, 11, 0.99, 0.98 - (0.001 * i), 0.8 + (0.01 * (i % 3)), y[i], gaussianLevel: g[i], fgsmLevel: f[i]));
        }

        StudyTable table = new StudyAnalyzer().Analyze(rows);
        Assert.That(table.IsMultiFactor, Is.True);
        Assert.That(table.Factors, Is.EqualTo(new[] { "gaussian", "fgsm" }));
        ArchitectureTable t = table.Architectures[0];
        Assert.That(t.SingleFactor, Is.Null);
        Assert.That(t.Points.Select(p => p.PointIndex), Is.EqualTo(Enumerable.Range(0, 9)), "design order");
        MultiFactorCell cell = t.MultiFactor!.Single(c => c.Measure == AccuracyMeasure.MnistA);
        RegressionResult expected = _stats.Multiple(y, [g, f], ["gaussian", "fgsm"]);
        Assert.That(cell.Fit.R, Is.EqualTo(expected.R));
        Assert.That(cell.Fit.FStatistic, Is.EqualTo(expected.FStatistic));
        Assert.That(cell.Fit.PValue, Is.EqualTo(expected.PValue));
        Assert.That(cell.Fit.AdjustedRSquared, Is.EqualTo(expected.AdjustedRSquared));
        Assert.That((cell.Fit.Df1, cell.Fit.Df2), Is.EqualTo((2, 6)));
        Assert.That(cell.Fit.R, Is.EqualTo(0.98524620137764463).Within(1e-12));
        Assert.That(cell.Fit.RSquared, Is.EqualTo(0.97071007732907821).Within(1e-12));
        Assert.That(cell.Fit.FStatistic, Is.EqualTo(99.424305919329527).Within(1e-9));
        Assert.That(cell.Fit.PValue, Is.EqualTo(2.5127812066725732e-05).Within(1e-15));
        Assert.That(cell.Significant, Is.True);
        Assert.That(cell.Strength, Is.EqualTo(CorrelationStrength.Significant));
    }

    [Test]
    public void Rq6_UsesFourFactors_WithReachedCiForNullRequest()
    {
        // 8 points, 4 factors: enough residual df; factors chosen to be linearly independent.
        var rows = new List<StudyRow>();
        double[] g = [0, 2, 4, 6, 8, 0, 2, 4];
        double[] f = [0, 4, 8, 2, 6, 8, 0, 6];
        double[] ld = [0, 0.05, 0.1, 0.15, 0.2, 0.1, 0.2, 0];
        double[] ci = [0.2, 0.25, 0.3, 0.35, 0.4, 0.3, 0.2, 0.4];
        double[] y = [0.3, 0.5, 0.7, 0.45, 0.62, 0.71, 0.33, 0.6];
        for (int i = 0; i < 8; i++)
        {
            rows.Add(AnalysisRows.Row("rq6", ResearchQuestion.Rq6, "lenet5", $"p{i}", i, 1, 0.99, 0.98, 0.8, y[i], gaussianLevel: g[i], fgsmLevel: f[i],
                classImbalance: i == 0 ? null : ci[i], labelDisturbance: ld[i], reachedClassImbalance: ci[0]));
        }

        MultiFactorCell cell = new StudyAnalyzer().Analyze(rows).Architectures[0].MultiFactor!.Single(c => c.Measure == AccuracyMeasure.MnistA);
        RegressionResult expected = _stats.Multiple(y, [g, f, ci, ld]);
        Assert.That(cell.Fit.K, Is.EqualTo(4));
        Assert.That(cell.Fit.R, Is.EqualTo(expected.R));
        Assert.That(cell.Fit.PValue, Is.EqualTo(expected.PValue));
    }

    [Test]
    public void Repetitions_GiveMeansAndTIntervals_AndCorrelationsOnMeans()
    {
        var rows = new List<StudyRow>();
        double[] levels = [0, 2, 4, 6];
        double[][] fgsm =
        [
            [0.90, 0.92, 0.97],
            [0.50, 0.52, 0.55],
            [0.61, 0.60, 0.64],
            [0.70, 0.75, 0.72],
        ];
        for (int i = 0; i < 4; i++)
        {
            for (int s = 0; s < 3; s++)
            {
                ulong seed = (ulong)(100 + s);
                rows.Add(AnalysisRows.Row("rq1r", ResearchQuestion.Rq1, "lenet5", $"p{i}", i, seed, 0.99, 0.98, 0.7, fgsm[i][s], gaussianLevel: levels[i]));
            }
        }

        StudyTable table = new StudyAnalyzer().Analyze(rows);
        Assert.That(table.Repetitions, Is.EqualTo(3));
        PointSummary p0 = table.Architectures[0].Points[0];
        Assert.That(p0.Seeds, Is.EqualTo(new ulong[] { 100, 101, 102 }));
        MetricSummary m = p0.Metric(AccuracyMeasure.MnistA);
        Assert.That(m.Count, Is.EqualTo(3));
        Assert.That(m.Mean, Is.EqualTo(0.93000000000000005).Within(1e-15));
        Assert.That(m.StandardDeviation, Is.EqualTo(0.036055512754639862).Within(1e-15));
        // Logit interval by hand: z_i = ln(a_i / (1 - a_i)), mean(z) ± t(0.975, 2) sd(z)/sqrt(3) with
        // t(0.975, 2) = 0.95 / sqrt(2 * 0.975 * 0.025), back through 1 / (1 + e^-z) (mpmath, 40 digits).
        Assert.That(m.ConfidenceLow, Is.EqualTo(0.73479796267341421).Within(1e-9));
        Assert.That(m.ConfidenceHigh, Is.EqualTo(0.98776740606953152).Within(1e-9));

        // Constant metric over seeds: sd 0, interval collapses to the mean.
        MetricSummary train = p0.Metric(AccuracyMeasure.Training);
        Assert.That(train.Mean, Is.EqualTo(0.99).Within(1e-14));
        Assert.That(train.StandardDeviation, Is.EqualTo(0.0).Within(1e-14));
        Assert.That(train.ConfidenceLow, Is.EqualTo(0.99).Within(1e-13));
        Assert.That(train.ConfidenceHigh, Is.EqualTo(0.99).Within(1e-13));

        double[] means = [.. fgsm.Select(v => v.Average())];
        SingleFactorCell cell = table.Architectures[0].SingleFactor!.Single(c => c.Measure == AccuracyMeasure.MnistA);
        Assert.That(cell.Count, Is.EqualTo(4));
        Assert.That(cell.Spearman, Is.EqualTo(_stats.Spearman(levels, table.Architectures[0].Points.Select(p => p.Metric(AccuracyMeasure.MnistA).Mean).ToArray())));
        Assert.That(cell.Pearson.Coefficient, Is.EqualTo(_stats.Pearson(levels, means).Coefficient).Within(1e-14));
        Assert.That(cell.Mean, Is.EqualTo(means.Average()).Within(1e-14));
    }

    [Test]
    public void SingleRepetition_HasUndefinedInterval()
    {
        MetricSummary m = new StudyAnalyzer().Analyze(AnalysisRows.Rq1()).Architectures[0].Points[0].Metric(AccuracyMeasure.MnistC);
        Assert.That(m.Count, Is.EqualTo(1));
        Assert.That(m.Mean, Is.EqualTo(0.60));
        Assert.That(double.IsNaN(m.StandardDeviation) && double.IsNaN(m.ConfidenceLow) && double.IsNaN(m.ConfidenceHigh), Is.True);
    }

    [TestCase(0.975, 2, 4.3026527299112747)]
    [TestCase(0.975, 9, 2.2621571627409915)]
    [TestCase(0.995, 4, 4.6040948714158967)]
    public void TQuantile_MatchesScipy(double p, int df, double expected) =>
        Assert.That(StudyAnalyzer.TQuantile(p, df), Is.EqualTo(expected).Within(1e-9 * expected));

    [Test]
    public void Analyze_Throws_WhenRowsMixStudies()
    {
        var rows = AnalysisRows.Rq1();
        rows.AddRange(AnalysisRows.Rq1(study: "other"));
        var e = Assert.Throws<ArgumentException>(() => new StudyAnalyzer().Analyze(rows));
        Assert.That(e!.Message, Does.Contain("'rq1'").And.Contain("'other'"));
    }

    [Test]
    public void Analyze_Throws_WhenRowsEmptyOrRunDuplicated()
    {
        Assert.Throws<ArgumentException>(() => new StudyAnalyzer().Analyze([]));
        var rows = AnalysisRows.Rq1();
        rows.Add(rows[0]);
        var e = Assert.Throws<ArgumentException>(() => new StudyAnalyzer().Analyze(rows));
        Assert.That(e!.Message, Does.Contain(rows[0].Key));
    }

    [Test]
    public void ConstantAccuracy_GivesUndefinedCorrelation_AndJsonNull()
    {
        // Training accuracy 0.99 at every point of the RQ1 repetition design above is constant: r and p undefined.
        var rows = Enumerable.Range(0, 4).Select(i => AnalysisRows.Row("c", ResearchQuestion.Rq1, "lenet5", $"p{i}", i, 1, 0.99, 0.98 - (0.01 * i), 0.7, 0.3 + (0.1 * i), gaussianLevel: i)).ToList();
        StudyTable table = new StudyAnalyzer().Analyze(rows);
        SingleFactorCell c = table.Architectures[0].SingleFactor!.Single(x => x.Measure == AccuracyMeasure.Training);
        Assert.That(c.Spearman.Status, Is.EqualTo(CorrelationStatus.ConstantInput));
        Assert.That(c.Strength, Is.EqualTo(CorrelationStrength.Undefined));
        Assert.That(c.Significant, Is.False);

        using JsonDocument doc = JsonDocument.Parse(StudyTableWriter.ToJson(table));
        JsonElement training = doc.RootElement.GetProperty("architectures")[0].GetProperty("benchmarks")[0];
        Assert.That(training.GetProperty("benchmark").GetString(), Is.EqualTo("Training"));
        Assert.That(training.GetProperty("spearman").GetProperty("r").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(training.GetProperty("spearman").GetProperty("p").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(training.GetProperty("spearman").GetProperty("status").GetString(), Is.EqualTo("constant-input"));
        Assert.That(training.GetProperty("strength").GetString(), Is.EqualTo("undefined"));
        Assert.That(StudyTableWriter.ToText(table), Does.Contain("Training"));
    }

    [Test]
    public void Json_HasTheDocumentedShape_AndRoundTripValues()
    {
        StudyTable table = new StudyAnalyzer().Analyze(AnalysisRows.Rq1());
        using JsonDocument doc = JsonDocument.Parse(StudyTableWriter.ToJson(table));
        JsonElement root = doc.RootElement;
        Assert.That(root.GetProperty("study").GetString(), Is.EqualTo("rq1"));
        Assert.That(root.GetProperty("question").GetInt32(), Is.EqualTo(1));
        Assert.That(root.GetProperty("kind").GetString(), Is.EqualTo("single-factor"));
        Assert.That(root.GetProperty("factors")[0].GetString(), Is.EqualTo("gaussian"));
        Assert.That(root.GetProperty("variance").GetString(), Is.EqualTo("sample (n-1)"));
        Assert.That(root.GetProperty("alpha").GetDouble(), Is.EqualTo(0.05));
        JsonElement arch = root.GetProperty("architectures")[0];
        Assert.That(arch.GetProperty("architecture").GetString(), Is.EqualTo("lenet5"));
        JsonElement points = arch.GetProperty("points");
        Assert.That(points.GetArrayLength(), Is.EqualTo(7));
        Assert.That(points[1].GetProperty("factors").GetProperty("gaussian").GetDouble(), Is.EqualTo(2.0));
        Assert.That(points[1].GetProperty("metrics").GetProperty("MNIST-C").GetProperty("mean").GetDouble(), Is.EqualTo(0.72));
        Assert.That(points[1].GetProperty("metrics").GetProperty("MNIST-C").GetProperty("ciLow").ValueKind, Is.EqualTo(JsonValueKind.Null));
        JsonElement benchmarks = arch.GetProperty("benchmarks");
        Assert.That(benchmarks.EnumerateArray().Select(b => b.GetProperty("benchmark").GetString()), Is.EqualTo(new[] { "Training", "MNIST-Test", "MNIST-C", "MNIST-A" }));
        SingleFactorCell cell = table.Architectures[0].SingleFactor![3];
        JsonElement a = benchmarks[3];
        Assert.That(a.GetProperty("n").GetInt32(), Is.EqualTo(7));
        Assert.That(a.GetProperty("spearman").GetProperty("r").GetDouble(), Is.EqualTo(cell.Spearman.Coefficient), "shortest round-trip numbers");
        Assert.That(a.GetProperty("spearman").GetProperty("p").GetDouble(), Is.EqualTo(cell.Spearman.PValue));
        Assert.That(a.GetProperty("pearson").GetProperty("r").GetDouble(), Is.EqualTo(cell.Pearson.Coefficient));
        Assert.That(a.GetProperty("mean").GetDouble(), Is.EqualTo(cell.Mean));
        Assert.That(a.GetProperty("variance").GetDouble(), Is.EqualTo(cell.Variance));
        Assert.That(a.GetProperty("strength").GetString(), Is.EqualTo("moderate"));
        Assert.That(a.GetProperty("significant").GetBoolean(), Is.False);
        Assert.That(arch.TryGetProperty("segments", out _), Is.False);
    }

    [Test]
    public void Json_Rq2HasPeakAndSegments_Rq5HasRegression()
    {
        var rq2 = Enumerable.Range(0, 6).Select(i => AnalysisRows.Row("rq2", ResearchQuestion.Rq2, "lenet5", $"p{i}", i, 1, 0.99, 0.98, 0.7, new[] { 0.3, 0.6, 0.9, 0.8, 0.7, 0.6 }[i], fgsmLevel: i * 2)).ToList();
        using (JsonDocument doc = JsonDocument.Parse(StudyTableWriter.ToJson(new StudyAnalyzer().Analyze(rq2))))
        {
            JsonElement arch = doc.RootElement.GetProperty("architectures")[0];
            Assert.That(arch.GetProperty("peak").GetProperty("index").GetInt32(), Is.EqualTo(2));
            Assert.That(arch.GetProperty("peak").GetProperty("level").GetDouble(), Is.EqualTo(4.0));
            JsonElement segs = arch.GetProperty("segments");
            Assert.That(segs.GetArrayLength(), Is.EqualTo(2));
            Assert.That(segs[0].GetProperty("lastLevel").GetDouble(), Is.EqualTo(4.0));
            Assert.That(segs[1].GetProperty("firstLevel").GetDouble(), Is.EqualTo(6.0));
            Assert.That(segs[1].GetProperty("benchmarks")[3].GetProperty("spearman").GetProperty("r").GetDouble(), Is.EqualTo(-1.0).Within(1e-12));
        }

        double[] g = [0, 0, 0, 4, 4, 4, 8, 8, 8];
        double[] f = [0, 4, 8, 0, 4, 8, 0, 4, 8];
        double[] y = [0.30, 0.62, 0.80, 0.33, 0.66, 0.79, 0.35, 0.61, 0.84];
        var rq5 = Enumerable.Range(0, 9).Select(i => AnalysisRows.Row("rq5", ResearchQuestion.Rq5, "lenet5", $"p{i}", i, 1, 0.99, 0.98, 0.7 + (0.01 * i), y[i], gaussianLevel: g[i], fgsmLevel: f[i])).ToList();
        using (JsonDocument doc = JsonDocument.Parse(StudyTableWriter.ToJson(new StudyAnalyzer().Analyze(rq5))))
        {
            Assert.That(doc.RootElement.GetProperty("kind").GetString(), Is.EqualTo("multi-factor"));
            JsonElement a = doc.RootElement.GetProperty("architectures")[0].GetProperty("benchmarks")[3];
            Assert.That(a.GetProperty("benchmark").GetString(), Is.EqualTo("MNIST-A"));
            Assert.That(a.GetProperty("R").GetDouble(), Is.EqualTo(0.98524620137764463).Within(1e-12));
            Assert.That(a.GetProperty("F").GetDouble(), Is.EqualTo(99.424305919329527).Within(1e-9));
            Assert.That(a.GetProperty("df1").GetInt32(), Is.EqualTo(2));
            Assert.That(a.GetProperty("df2").GetInt32(), Is.EqualTo(6));
            Assert.That(a.GetProperty("p").GetDouble(), Is.EqualTo(2.5127812066725732e-05).Within(1e-15));
            Assert.That(a.GetProperty("k").GetInt32(), Is.EqualTo(2));
            JsonElement training = doc.RootElement.GetProperty("architectures")[0].GetProperty("benchmarks")[0];
            Assert.That(training.GetProperty("R").ValueKind, Is.EqualTo(JsonValueKind.Null), "constant training accuracy: undefined fit");
            Assert.That(training.GetProperty("status").GetString(), Is.EqualTo("constant-input"));
        }
    }

    [Test]
    public void Text_ContainsTheNumbers_InAlignedColumns()
    {
        StudyTable table = new StudyAnalyzer().Analyze(AnalysisRows.Rq1());
        string text = StudyTableWriter.ToText(table);
        SingleFactorCell a = table.Architectures[0].SingleFactor!.Single(c => c.Measure == AccuracyMeasure.MnistA);
        string[] lines = text.Split('\n');
        string header = lines.First(l => l.StartsWith("Benchmark", StringComparison.Ordinal));
        string row = lines.First(l => l.StartsWith("MNIST-A", StringComparison.Ordinal));
        Assert.That(row, Does.Contain("0.7207").And.Contain("0.0676 (t)").And.Contain("0.7184").And.Contain("0.069 (t)").And.Contain("0.3143").And.Contain("0.0002952"));
        Assert.That(row, Does.Contain("moderate").And.Contain(" no"));
        Assert.That(lines.First(l => l.StartsWith("MNIST-C", StringComparison.Ordinal)), Does.Contain("1.0000").And.Contain("0.9337").And.Contain("significant").And.Contain("yes"));
        Assert.That(row.Length, Is.EqualTo(header.Length), "right-aligned columns end at the same place");
        Assert.That(row.IndexOf("0.3143", StringComparison.Ordinal) + 6, Is.EqualTo(header.IndexOf("Mean", StringComparison.Ordinal) + 4));
        Assert.That(text, Does.Contain("lenet5").And.Contain("sample variance (n-1)"));
        Assert.That(a.Spearman.Coefficient.ToString("F4", CultureInfo.InvariantCulture), Is.EqualTo("0.7207"));
    }

    [Test]
    public void Text_WithRepetitions_ListsPointIntervals_AndSegments()
    {
        var rows = new List<StudyRow>();
        double[] fgsm = [0.3, 0.8, 0.6];
        for (int i = 0; i < 3; i++)
        {
            rows.Add(AnalysisRows.Row("r", ResearchQuestion.Rq2, "lenet5", $"p{i}", i, 1, 0.99, 0.98, 0.7, fgsm[i] - 0.01, fgsmLevel: i * 4));
            rows.Add(AnalysisRows.Row("r", ResearchQuestion.Rq2, "lenet5", $"p{i}", i, 2, 0.99, 0.98, 0.7, fgsm[i] + 0.01, fgsmLevel: i * 4));
        }

        string text = StudyTableWriter.ToText(new StudyAnalyzer().Analyze(rows));
        Assert.That(text, Does.Contain("segment I [0, 4]").And.Contain("segment II [8, 8]"));
        Assert.That(text, Does.Contain("MNIST-A peaks at fgsm 4"));
        // Point 1: seeds 0.79 and 0.81, logits 1.3249 and 1.4499, half width t(0.975, 1) * 0.0625 = 12.7062 * 0.0625 on the logit scale.
        Assert.That(text, Does.Contain("0.8000 [0.6440, 0.8986]"));
        Assert.That(text, Does.Contain("note: intervals over 2 seeds (t with 1 df) are very wide; run 3 or more seeds (--seeds 3) for usable intervals"));
        Assert.That(text, Does.Contain("logit scale"));
    }

    [TestCase(new[] { 0.5, 0.99 })]
    [TestCase(new[] { 0.02, 0.6 })]
    [TestCase(new[] { 0.0, 1.0 })]
    [TestCase(new[] { 1.0, 1.0, 0.98 })]
    [TestCase(new[] { 0.001, 0.0, 0.002 })]
    public void RepetitionIntervals_StayInsideZeroOne_AndContainTheMean(double[] seeds)
    {
        // A plain t interval from two seeds 0.5 and 0.99 would be 0.745 ± 12.7 * 0.245 = [-2.37, 3.86].
        var rows = seeds.Select((a, s) => AnalysisRows.Row("w", ResearchQuestion.Rq1, "lenet5", "p0", 0, (ulong)(s + 1), 0.99, 0.98, 0.7, a)).ToList();
        MetricSummary m = new StudyAnalyzer().Analyze(rows).Architectures[0].Points[0].Metric(AccuracyMeasure.MnistA);
        Assert.That(m.ConfidenceLow, Is.InRange(0.0, 1.0));
        Assert.That(m.ConfidenceHigh, Is.InRange(0.0, 1.0));
        Assert.That(m.ConfidenceLow, Is.LessThanOrEqualTo(m.Mean));
        Assert.That(m.ConfidenceHigh, Is.GreaterThanOrEqualTo(m.Mean));
        Assert.That(m.ConfidenceLow, Is.LessThan(m.ConfidenceHigh));
    }

    [Test]
    public void RepetitionInterval_MatchesTheClosedForm_ForTwoSeeds()
    {
        // Seeds 0.5 and 0.9: logits 0 and ln 9, mean ln 3, sd/sqrt(2) = ln 3; with t = t(0.975, 1) = tan(0.475 pi)
        // the interval is [logistic((1 - t) ln 3), logistic((1 + t) ln 3)] = [1 / (1 + 3^(t - 1)), 1 / (1 + 3^-(t + 1))].
        (double low, double high) = StudyAnalyzer.LogitInterval([0.5, 0.9], 0.7, 0.95);
        double t = Math.Tan(0.475 * Math.PI);
        Assert.That(low, Is.EqualTo(1 / (1 + Math.Pow(3, t - 1))).Within(1e-9));
        Assert.That(high, Is.EqualTo(1 / (1 + Math.Pow(3, -(t + 1)))).Within(1e-9));
        Assert.That(low, Is.EqualTo(2.5984824009018438e-6).Within(1e-9));
        Assert.That(high, Is.EqualTo(0.99999971127906636).Within(1e-9));

        // Two seeds from 0.02 and 0.6: the back-transformed interval is widened to contain the arithmetic mean when needed.
        (double l2, double h2) = StudyAnalyzer.LogitInterval([0.02, 0.6], 0.31, 0.95);
        Assert.That(l2, Is.EqualTo(2.4335096683972686e-13).Within(1e-9));
        Assert.That(h2, Is.EqualTo(0.99999999999205054).Within(1e-9));

        // All seeds equal: [mean, mean].
        Assert.That(StudyAnalyzer.LogitInterval([0.93, 0.93, 0.93], 0.93, 0.95), Is.EqualTo((0.93, 0.93)));
    }

    [Test]
    public void PValues_Option_ReachesEverySpearman()
    {
        // Five points in perfect order (no ties): Auto and Exact give 2/120, Asymptotic SciPy's t with p = 0.
        var rows = Enumerable.Range(0, 5).Select(i => AnalysisRows.Row("p", ResearchQuestion.Rq2, "lenet5", $"p{i}", i, 1, 0.99 - (0.01 * i), 0.98 - (0.01 * i), 0.6 + (0.05 * i), 0.3 + (0.1 * i), fgsmLevel: 2 * i)).ToList();
        StudyTable auto = new StudyAnalyzer().Analyze(rows);
        StudyTable exact = new StudyAnalyzer(new CorrelationAnalyzer(), new StudyAnalysisOptions(PValues: PValueRule.Exact)).Analyze(rows);
        StudyTable t = new StudyAnalyzer(new CorrelationAnalyzer(), new StudyAnalysisOptions(PValues: PValueRule.Asymptotic)).Analyze(rows);
        foreach (StudyTable table in new[] { auto, exact })
        {
            SingleFactorCell a = table.Architectures[0].SingleFactor!.Single(c => c.Measure == AccuracyMeasure.MnistA);
            Assert.That(a.Spearman.PValue, Is.EqualTo(2.0 / 120).Within(1e-15));
            Assert.That(a.Spearman.PValueMethodName, Is.EqualTo("exact"));
            Assert.That(table.Architectures[0].Segments![0].Cells.Single(c => c.Measure == AccuracyMeasure.MnistA).Spearman.PValueMethod, Is.EqualTo(PValueMethod.ExactPermutation), "RQ2 segment");
            Assert.That(a.Pearson.PValueMethod, Is.EqualTo(PValueMethod.StudentT), "Pearson's p is always t");
        }

        SingleFactorCell ta = t.Architectures[0].SingleFactor!.Single(c => c.Measure == AccuracyMeasure.MnistA);
        Assert.That((ta.Spearman.PValue, ta.Spearman.PValueMethodName), Is.EqualTo((0.0, "t")));
        Assert.That(t.Architectures[0].Segments![0].Cells.Single(c => c.Measure == AccuracyMeasure.MnistA).Spearman.PValueMethod, Is.EqualTo(PValueMethod.StudentT));

        string text = StudyTableWriter.ToText(auto);
        Assert.That(text.Split('\n').First(l => l.StartsWith("MNIST-A", StringComparison.Ordinal)), Does.Contain("0.0167 (exact)"));
        Assert.That(text, Does.Contain("note: no intervals: 1 seed"));
        Assert.That(StudyTableWriter.ToText(t).Split('\n').First(l => l.StartsWith("MNIST-A", StringComparison.Ordinal)), Does.Contain("< 1e-16 (t)"));
        using JsonDocument doc = JsonDocument.Parse(StudyTableWriter.ToJson(auto));
        JsonElement spearman = doc.RootElement.GetProperty("architectures")[0].GetProperty("benchmarks")[3].GetProperty("spearman");
        Assert.That(spearman.EnumerateObject().Select(o => o.Name), Is.EqualTo(new[] { "r", "p", "pMethod", "status" }));
        Assert.That(spearman.GetProperty("pMethod").GetString(), Is.EqualTo("exact"));
        Assert.That(() => new StudyAnalyzer(new CorrelationAnalyzer(), new StudyAnalysisOptions(PValues: (PValueRule)9)), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void RepetitionNote_IsNull_WithThreeSeeds()
    {
        var rows = Enumerable.Range(0, 3).SelectMany(i => Enumerable.Range(1, 3).Select(s => AnalysisRows.Row("n", ResearchQuestion.Rq1, "lenet5", $"p{i}", i, (ulong)s, 0.99, 0.98, 0.7, 0.3 + (0.1 * i) + (0.01 * s), gaussianLevel: i))).ToList();
        StudyTable table = new StudyAnalyzer().Analyze(rows);
        Assert.That(table.RepetitionNote, Is.Null);
        Assert.That(StudyTableWriter.ToText(table), Does.Not.Contain("note:"));
        Assert.That(new StudyAnalyzer().Analyze(AnalysisRows.Rq1()).RepetitionNote, Does.StartWith("note: no intervals: 1 seed"));
    }
}
