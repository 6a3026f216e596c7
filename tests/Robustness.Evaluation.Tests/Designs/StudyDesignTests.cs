using Robustness.Evaluation.Designs;
using Robustness.Statistics;

namespace Robustness.Evaluation.Tests.Designs;

public sealed class StudyDesignTests
{
    [TestCase(ResearchQuestion.Rq1, 25)]
    [TestCase(ResearchQuestion.Rq2, 25)]
    [TestCase(ResearchQuestion.Rq3, 9)]
    [TestCase(ResearchQuestion.Rq4, 11)]
    [TestCase(ResearchQuestion.Rq5, 36)]
    [TestCase(ResearchQuestion.Rq6, 25)]
    public void Paper_HasTheMethodsNumberOfPoints_WithUniqueIds(ResearchQuestion question, int expected)
    {
        var points = StudyDesign.Paper(question).Points();

        Assert.That(points, Has.Count.EqualTo(expected));
        Assert.That(points.Select(p => p.Id), Is.Unique);
        Assert.That(points.Select(p => p.Index), Is.EqualTo(Enumerable.Range(0, expected)));
        Assert.That(points.Select(p => p.Question), Is.All.EqualTo(question));
    }

    [TestCase(ResearchQuestion.Rq1, 24)]
    [TestCase(ResearchQuestion.Rq2, 24)]
    [TestCase(ResearchQuestion.Rq3, 8)]
    [TestCase(ResearchQuestion.Rq4, 10)]
    public void WithoutTheCleanPoint_GivesThePapersPerturbedSetsOnly(ResearchQuestion question, int expected)
    {
        var points = (StudyDesign.Paper(question) with { IncludeCleanPoint = false }).Points();

        Assert.That(points, Has.Count.EqualTo(expected));
        Assert.That(points.Select(p => p.IsClean), Is.All.False);
    }

    [Test]
    public void Rq1_IsTheCleanSetThenLevels05To12_With2000ImagesPerClass()
    {
        var points = StudyDesign.Paper(ResearchQuestion.Rq1).Points();

        Assert.That(points[0].Id, Is.EqualTo("rq1-clean"));
        Assert.That(points[0].IsClean, Is.True);
        Assert.That(points.Skip(1).Select(p => p.GaussianLevel), Is.EqualTo(Enumerable.Range(1, 24).Select(i => i * 0.5)));
        Assert.That(points.Skip(1).Select(p => p.GaussianImagesPerClass), Is.All.EqualTo(2000));
        Assert.That(points.Select(p => (p.FgsmLevel, p.FgsmImagesPerClass, p.ClassImbalance, p.LabelDisturbance)), Is.All.EqualTo((0.0, 0, (double?)null, 0.0)));
        Assert.That(points[1].Id, Is.EqualTo("rq1-g0.5"));
        Assert.That(points[24].Id, Is.EqualTo("rq1-g12"));
        Assert.That(StudyDesign.Paper(ResearchQuestion.Rq2).Points()[3].Id, Is.EqualTo("rq2-f1.5"));
        Assert.That(StudyDesign.Paper(ResearchQuestion.Rq2).Points().Select(p => p.NeedsFgsm), Is.EqualTo(new[] { false }.Concat(Enumerable.Repeat(true, 24))));
    }

    [Test]
    public void Rq3AndRq4_HaveTheMethodsLevels_AsShortIds()
    {
        var rq3 = StudyDesign.Paper(ResearchQuestion.Rq3).Points();
        var rq4 = StudyDesign.Paper(ResearchQuestion.Rq4).Points();

        Assert.That(rq3.Select(p => p.Id), Is.EqualTo(new[] { "rq3-clean", "rq3-ci0.25", "rq3-ci0.3", "rq3-ci0.35", "rq3-ci0.4", "rq3-ci0.45", "rq3-ci0.5", "rq3-ci0.55", "rq3-ci0.6" }));
        Assert.That(rq3.Skip(1).Select(p => p.ClassImbalance), Is.EqualTo(new double?[] { 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6 }));
        Assert.That(rq3[0].ClassImbalance, Is.Null);
        Assert.That(rq4.Select(p => p.Id), Is.EqualTo(new[] { "rq4-clean" }.Concat(new[] { "0.05", "0.1", "0.15", "0.2", "0.25", "0.3", "0.35", "0.4", "0.45", "0.5" }.Select(s => "rq4-ld" + s))));
        Assert.That(rq4.Skip(1).Select(p => p.LabelDisturbance), Is.EqualTo(new[] { 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5 }));
    }

    [Test]
    public void Rq5_IsTheFull6x6Grid_With1000Plus1000ImagesPerClass()
    {
        var points = StudyDesign.Paper(ResearchQuestion.Rq5).Points();
        double[] levels = [0, 2, 4, 6, 8, 10];

        Assert.That(points.Select(p => (p.GaussianLevel, p.FgsmLevel)), Is.EquivalentTo(levels.SelectMany(g => levels.Select(f => (g, f)))));
        Assert.That(points.Select(p => (p.GaussianImagesPerClass, p.FgsmImagesPerClass)), Is.All.EqualTo((1000, 1000)));
        Assert.That(points.Single(p => p.Id == "rq5-g0-f0").IsClean, Is.True);
        Assert.That(points.Single(p => p.Id == "rq5-g10-f4").AddsGaussianImages, Is.True);
    }

    [Test]
    public void Rq6_IsL25_WhoseFourFactorColumnsHaveStrength2()
    {
        var design = StudyDesign.Paper(ResearchQuestion.Rq6);
        var points = design.Points();
        IReadOnlyList<double>[] lists = [design.GaussianLevels, design.FgsmLevels, design.ClassImbalanceLevels, design.LabelDisturbanceLevels];
        Assert.That(lists[0], Is.EqualTo(new double[] { 0, 2, 4, 6, 8 }));
        Assert.That(lists[2], Is.EqualTo(new[] { 0.2, 0.25, 0.3, 0.35, 0.4 }));
        Assert.That(lists[3], Is.EqualTo(new[] { 0, 0.05, 0.1, 0.15, 0.2 }));

        var cells = new int[points.Count, 4];
        for (int run = 0; run < points.Count; run++)
        {
            var p = points[run];
            double[] values = [p.GaussianLevel, p.FgsmLevel, p.ClassImbalance!.Value, p.LabelDisturbance];
            for (int f = 0; f < 4; f++)
            {
                cells[run, f] = lists[f].ToList().IndexOf(values[f]);
                Assert.That(cells[run, f], Is.Not.Negative, $"run {run} factor {f}: {values[f]} is one of the factor's levels");
            }
        }

        Assert.That(OrthogonalArrays.FindStrength2Violation(cells, 5), Is.Null);
        Assert.That(points.Select(p => (p.GaussianImagesPerClass, p.FgsmImagesPerClass)), Is.All.EqualTo((1000, 1000)));
        // Run 5a + b of L25 has columns (a, b, a+b, 2a+b, 3a+b, 4a+b) mod 5; FGSM = column 1, Gaussian = 2,
        // CI = 3, LD = 4. Run 7 (a = 1, b = 2): FGSM index 2, Gaussian 3, CI 4, LD 5 mod 5 = 0.
        Assert.That(points[7].Id, Is.EqualTo("rq6-g6-f4-ci0.4-ld0"));
    }

    [Test]
    public void Ids_AreStable_AndDoNotDependOnTheOtherLevels()
    {
        var full = StudyDesign.Paper(ResearchQuestion.Rq1).Points().Select(p => p.Id).ToList();
        var again = StudyDesign.Paper(ResearchQuestion.Rq1).Points().Select(p => p.Id).ToList();
        var some = (StudyDesign.Paper(ResearchQuestion.Rq1) with { GaussianLevels = [12, 3] }).Points().Select(p => p.Id).ToList();

        Assert.That(again, Is.EqualTo(full));
        Assert.That(some, Is.EqualTo(new[] { "rq1-clean", "rq1-g12", "rq1-g3" }));
        Assert.That(some, Is.SubsetOf(full));
    }

    [Test]
    public void Overrides_ChangeLevelsImagesArchitecturesSizesEpochsAndSeeds()
    {
        var design = (StudyDesign.Paper(ResearchQuestion.Rq2) with
        {
            Name = "my-rq2",
            FgsmLevels = [0, 1, 5],
            ImagesPerClass = 100,
            Architectures = ["alexnet8"],
            TrainPerClass = 300,
            TestPerClass = 50,
            MaxEpochs = 4,
        }).WithRepetitions(3, firstSeed: 10);

        var points = design.Points();
        var runs = design.Runs();

        Assert.That(points.Select(p => p.Id), Is.EqualTo(new[] { "rq2-clean", "rq2-f1", "rq2-f5" }));
        Assert.That(points.Skip(1).Select(p => p.FgsmImagesPerClass), Is.All.EqualTo(100));
        Assert.That((design.TrainPerClass, design.TestPerClass, design.MaxEpochs, design.Repetitions), Is.EqualTo(((int?)300, (int?)50, 4, 3)));
        Assert.That(design.Seeds, Is.EqualTo(new ulong[] { 10, 11, 12 }));
        Assert.That(runs, Has.Count.EqualTo(1 * 3 * 3));
        Assert.That(runs.Select(r => r.Key), Is.Unique);
        Assert.That(runs[0].Key, Is.EqualTo("my-rq2/alexnet8/rq2-clean/s10"));
        Assert.That(runs.Select(r => r.Repetition), Is.EqualTo(new[] { 0, 1, 2, 0, 1, 2, 0, 1, 2 }));

        var both = StudyDesign.Paper(ResearchQuestion.Rq4) with { Seeds = [1, 2] };
        Assert.That(both.Runs(), Has.Count.EqualTo(2 * 11 * 2), "both architectures by default");
        var copies = (StudyDesign.Paper(ResearchQuestion.Rq5) with { ZeroLevel = ZeroLevelPolicy.AddCleanCopies }).Points();
        Assert.That(copies.Single(p => p.Id == "rq5-g0-f0").IsClean, Is.False);
    }

    [Test]
    public void Scaled_UsesSubsetsFewerLevelsAndEpochs_AndOneArchitecture()
    {
        var rq2 = StudyDesign.Scaled(ResearchQuestion.Rq2);

        Assert.That(rq2.StudyName, Is.EqualTo("rq2-scaled"));
        Assert.That(rq2.Points().Select(p => p.Id), Is.EqualTo(new[] { "rq2-clean", "rq2-f2", "rq2-f4", "rq2-f6", "rq2-f8" }));
        Assert.That((rq2.TrainPerClass, rq2.TestPerClass, rq2.ImagesPerClass, rq2.MaxEpochs), Is.EqualTo(((int?)800, (int?)200, 266, 5)));
        Assert.That(rq2.Architectures, Is.EqualTo(new[] { "lenet5" }));

        var custom = StudyDesign.Scaled(ResearchQuestion.Rq5, perClassTrain: 300, perClassTest: 100, levels: [0, 6], maxEpochs: 2, imagesPerClass: 50);
        Assert.That(custom.Points().Select(p => p.Id), Is.EqualTo(new[] { "rq5-g0-f0", "rq5-g0-f6", "rq5-g6-f0", "rq5-g6-f6" }));
        Assert.That(custom.Points().Select(p => (p.GaussianImagesPerClass, p.FgsmImagesPerClass)), Is.All.EqualTo((25, 25)));
        Assert.That(StudyDesign.Scaled(ResearchQuestion.Rq3).Points(), Has.Count.EqualTo(5));
        Assert.That(StudyDesign.Scaled(ResearchQuestion.Rq4).Points(), Has.Count.EqualTo(6));
        Assert.That(StudyDesign.Scaled(ResearchQuestion.Rq6).Points(), Has.Count.EqualTo(25));
        Assert.Throws<ArgumentException>(() => StudyDesign.Scaled(ResearchQuestion.Rq6, levels: [0, 1]));
    }

    [Test]
    public void Validate_RejectsBadLevelsSizesAndLists()
    {
        Assert.Throws<ArgumentException>(() => (StudyDesign.Paper(ResearchQuestion.Rq1) with { GaussianLevels = [1, -1] }).Points());
        Assert.Throws<ArgumentException>(() => (StudyDesign.Paper(ResearchQuestion.Rq1) with { GaussianLevels = [double.NaN] }).Points());
        Assert.Throws<ArgumentException>(() => (StudyDesign.Paper(ResearchQuestion.Rq3) with { ClassImbalanceLevels = [1.0] }).Points());
        Assert.Throws<ArgumentException>(() => (StudyDesign.Paper(ResearchQuestion.Rq4) with { LabelDisturbanceLevels = [0.95] }).Points());
        Assert.Throws<ArgumentException>(() => (StudyDesign.Paper(ResearchQuestion.Rq2) with { FgsmLevels = [2, 2] }).Points());
        Assert.Throws<ArgumentException>(() => (StudyDesign.Paper(ResearchQuestion.Rq6) with { LabelDisturbanceLevels = [0, 0.1] }).Points());
        Assert.Throws<ArgumentException>(() => (StudyDesign.Paper(ResearchQuestion.Rq6) with { OrthogonalColumns = [1, 1, 2, 3] }).Points());
        Assert.Throws<ArgumentOutOfRangeException>(() => (StudyDesign.Paper(ResearchQuestion.Rq1) with { ImagesPerClass = 0 }).Points());
        Assert.Throws<ArgumentException>(() => (StudyDesign.Paper(ResearchQuestion.Rq1) with { Architectures = [] }).Points());
        Assert.Throws<ArgumentException>(() => (StudyDesign.Paper(ResearchQuestion.Rq1) with { Seeds = [1, 1] }).Points());
        Assert.Throws<ArgumentOutOfRangeException>(() => (StudyDesign.Paper(ResearchQuestion.Rq1) with { TrainPerClass = 0 }).Points());
        Assert.Throws<ArgumentOutOfRangeException>(() => StudyDesign.Paper((ResearchQuestion)7));
    }
}
