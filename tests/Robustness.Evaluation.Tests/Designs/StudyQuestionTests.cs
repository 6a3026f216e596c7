using System.Globalization;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Evaluation.Runner;
using Robustness.Evaluation.Tests.Analysis;

namespace Robustness.Evaluation.Tests.Designs;

/// <summary>
/// A research question is one type: a seventh question (Gaussian noise x label disturbance on a full grid) is one
/// subclass here, and the design, its validation, the stored design JSON and the analysis take it without an edit elsewhere.
/// </summary>
public sealed class StudyQuestionTests
{
    private const ResearchQuestion Rq7 = (ResearchQuestion)7;

    /// <summary>The toy question: Gaussian l2 level x label disturbance, every combination.</summary>
    private sealed class NoiseTimesLabelsQuestion() : StudyQuestion(Rq7, "Gaussian x label disturbance", ["gaussian", "ld"])
    {
        public static NoiseTimesLabelsQuestion Instance { get; } = new();

        public override StudyDesign WithPaperLevels(StudyDesign design) =>
            design with { GaussianLevels = [0, 4, 8], LabelDisturbanceLevels = [0, 0.2, 0.4] };

        public override StudyDesign WithScaledLevels(StudyDesign design) =>
            design with { GaussianLevels = [0, 4], LabelDisturbanceLevels = [0, 0.3] };

        public override IReadOnlyList<DesignPoint> Points(StudyDesign design) => GridPoints(design);
    }

    [OneTimeSetUp]
    public void Register() => StudyQuestion.Register(NoiseTimesLabelsQuestion.Instance);

    [Test]
    public void BuiltInQuestionsKnowTheirFactorsAndTitles()
    {
        Assert.That(StudyQuestion.All.Select(q => (int)q.Id).Take(6), Is.EqualTo(new[] { 1, 2, 3, 4, 5, 6 }));
        Assert.That(StudyQuestion.For(ResearchQuestion.Rq2).ToString(), Is.EqualTo("RQ2 FGSM training"));
        Assert.That(StudyQuestion.For(ResearchQuestion.Rq2).SplitsAtPeak, Is.True);
        Assert.That(StudyQuestion.For(ResearchQuestion.Rq1).SplitsAtPeak, Is.False);
        Assert.That(StudyQuestion.For(ResearchQuestion.Rq6).Factors, Is.EqualTo(new[] { "gaussian", "fgsm", "ci", "ld" }));
        Assert.That(StudyQuestion.For(ResearchQuestion.Rq3).DescribeLevels(StudyDesign.Scaled(ResearchQuestion.Rq3)), Is.EqualTo("ci 0.3,0.4,0.5,0.6"));
        Assert.That(() => StudyQuestion.For((ResearchQuestion)99), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("no research question 99"));
    }

    [Test]
    public void ASecondQuestionWithATakenNumberIsRefused()
    {
        Assert.That(() => StudyQuestion.Register(new NoiseTimesLabelsQuestion()), Throws.InvalidOperationException.With.Message.Contains("already RQ7"));
        Assert.DoesNotThrow(() => StudyQuestion.Register(NoiseTimesLabelsQuestion.Instance));
    }

    [Test]
    public void ASeventhQuestionMakesItsDesignPointsAndValidates()
    {
        var design = StudyDesign.Paper(Rq7);
        var points = design.Points();
        Assert.That(points.Select(p => p.Id), Is.EqualTo(new[]
        {
            "rq7-g0-ld0", "rq7-g0-ld0.2", "rq7-g0-ld0.4", "rq7-g4-ld0", "rq7-g4-ld0.2", "rq7-g4-ld0.4", "rq7-g8-ld0", "rq7-g8-ld0.2", "rq7-g8-ld0.4",
        }));
        var p = points[5];
        Assert.That((p.GaussianLevel, p.GaussianImagesPerClass, p.FgsmImagesPerClass, p.ClassImbalance, p.LabelDisturbance),
            Is.EqualTo((4.0, StudyDesign.PaperImagesPerClass, 0, (double?)null, 0.4)));
        Assert.That(points[0].IsClean, Is.True);
        Assert.That(design.StudyName, Is.EqualTo("rq7"));
        Assert.That(StudyDesign.Scaled(Rq7).Points(), Has.Count.EqualTo(4));
        Assert.That(StudyDesign.Scaled(Rq7, levels: [0, 0.1]).Points().Select(q => q.Id), Does.Contain("rq7-g0.1-ld0.1"));

        // Its level lists are checked with the ranges of its factors: label disturbance at most 0.9.
        Assert.That(() => (design with { LabelDisturbanceLevels = [0, 0.95] }).Validate(),
            Throws.ArgumentException.With.Message.Contains("LabelDisturbanceLevels"));
        Assert.That(StudyDesignJson.Deserialize(StudyDesignJson.Serialize(design)).Points(), Is.EqualTo(points));
    }

    [Test]
    public void ASeventhQuestionIsAnalysedByMultipleRegressionOnItsFactors()
    {
        var design = StudyDesign.Paper(Rq7);
        var rows = new List<StudyRow>();
        foreach (var point in design.Points())
        {
            // MNIST-Test falls with the label disturbance and a little with the noise level: an exact linear fit.
            double clean = 0.99 - (0.5 * point.LabelDisturbance) - (0.01 * point.GaussianLevel);
            rows.Add(AnalysisRows.Row("rq7", Rq7, "lenet5", point.Id, point.Index, 1, 0.99, clean, 0.5 + (0.01 * point.Index), 0.3,
                gaussianLevel: point.GaussianLevel, labelDisturbance: point.LabelDisturbance));
        }

        var table = new StudyAnalyzer().Analyze(rows);
        Assert.That(table.Factors, Is.EqualTo(new[] { "gaussian", "ld" }));
        Assert.That(table.IsMultiFactor, Is.True);
        var cell = table.Architectures[0].MultiFactor!.Single(c => c.Measure == AccuracyMeasure.MnistTest);
        Assert.That(cell.Fit.RSquared, Is.EqualTo(1.0).Within(1e-9));
        Assert.That(cell.Fit.Coefficients.Single(c => c.Name == "ld").Estimate, Is.EqualTo(-0.5).Within(1e-9));
        Assert.That(table.Architectures[0].Points.Select(q => q.Factors[1]).Distinct().Order(), Is.EqualTo(new[] { 0, 0.2, 0.4 }));
        Assert.That(string.Create(CultureInfo.InvariantCulture, $"{StudyQuestion.For(Rq7)}"), Is.EqualTo("RQ7 Gaussian x label disturbance"));
    }
}

/// <summary>Study and architecture names map to folder names one-to-one.</summary>
public sealed class SafeNameTests
{
    [TestCase("rq1-scaled")]
    [TestCase("lenet5")]
    [TestCase("a.b_c-d")]
    public void PlainNames_AreKept(string name) => Assert.That(StudyRunner.SafeName(name), Is.EqualTo(name));

    [Test]
    public void NamesThatNeedEscaping_GetAHash_SoThatTheyNeverCollide()
    {
        string[] names = ["x y", "x_y", "x/y", "x\\y", "..", ".hidden", "é"];
        var folders = names.Select(StudyRunner.SafeName).ToList();
        Assert.That(folders.Distinct().Count(), Is.EqualTo(names.Length), string.Join(", ", folders));
        Assert.That(folders, Has.All.Matches<string>(f => f.Length > 0 && !f.StartsWith('.') && f.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')));
        Assert.That(StudyRunner.SafeName("x y"), Does.StartWith("x_y-").And.Length.EqualTo(12));
    }
}
