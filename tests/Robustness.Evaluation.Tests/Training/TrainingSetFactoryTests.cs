using Robustness.Data;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Training;
using Robustness.Perturbations;
using static Robustness.Evaluation.Tests.Training.TrainingTestData;

namespace Robustness.Evaluation.Tests.Training;

public sealed class TrainingSetFactoryTests
{
    private readonly TrainingSetFactory _factory = new();

    [Test]
    public void Rq1_AddsKImagesPerClass_AtTheLevel_FromTheCleanImages_WithLabelsKept()
    {
        var clean = Mnist100;
        var point = (StudyDesign.Paper(ResearchQuestion.Rq1) with { ImagesPerClass = 30 }).Points().Single(p => p.Id == "rq1-g3");

        var result = _factory.Build(clean, point, 17, Gaussian(), null);

        var set = result.Images;
        Assert.That(set.Count, Is.EqualTo(1000 + 300));
        Assert.That(set.ClassCounts, Is.All.EqualTo(130));
        var (cleanPixels, cleanLabels) = Contents(clean);
        var (pixels, labels) = Contents(set);
        Assert.That(pixels.AsSpan(0, cleanPixels.Length).SequenceEqual(cleanPixels), Is.True, "the clean set comes first, unchanged");
        Assert.That(labels.Take(1000), Is.EqualTo(cleanLabels));

        var block = result.Report.Components.Single();
        Assert.That(block.Kind, Is.EqualTo("gaussian"));
        Assert.That(block.Generator, Is.EqualTo("gaussian"));
        Assert.That(block.Offset, Is.EqualTo(1000));
        Assert.That(block.AddedPerClass, Is.All.EqualTo(30));
        Assert.That(block.Shortfall, Is.Zero);
        Assert.That(block.FailedAttempts, Is.Zero);
        CheckBlock(result, block);
        for (int j = 0; j < block.Count; j++)
        {
            int source = block.SourceIndices[j];
            Assert.That(Distance(set.GetImage(1000 + j), clean.GetImage(source)), Is.EqualTo(3.0).Within(1e-4));
            Assert.That(set.GetLabel(1000 + j), Is.EqualTo(clean.GetLabel(source)));
        }

        Assert.That(result.Report.MaxAbsoluteError, Is.LessThanOrEqualTo(1e-4));
        Assert.That(result.Report.Count, Is.EqualTo(1300));
        Assert.That(result.Report.LabelDisturbance, Is.Zero);
        Assert.That(result.TrueLabels, Is.EqualTo(labels));
    }

    [Test]
    public void Rq1_LevelZero_IsTheCleanSetItself()
    {
        var point = (StudyDesign.Paper(ResearchQuestion.Rq1) with { ImagesPerClass = 30 }).Points()[0];
        Assert.That(point.Id, Is.EqualTo("rq1-clean"));

        var result = _factory.Build(Mnist100, point, 17, Gaussian(), null);

        Assert.That(result.Report.Components, Is.Empty);
        Assert.That(result.Images.Count, Is.EqualTo(1000));
        Assert.That(Contents(result.Images).Pixels, Is.EqualTo(Contents(Mnist100).Pixels));
        Assert.That(result.Images.CopyLabels(), Is.EqualTo(Mnist100.CopyLabels()));
    }

    [Test]
    public void Build_WithTheSameSeed_GivesAnIdenticalSet_AndAnotherSeedPicksOtherImages()
    {
        var point = Point(g: 2.5, gk: 20);

        var a = _factory.Build(Mnist100, point, 3, Gaussian(), null);
        var b = _factory.Build(Mnist100, point, 3, Gaussian(), null);
        var c = _factory.Build(Mnist100, point, 4, Gaussian(), null);

        Assert.That(Contents(b.Images).Pixels, Is.EqualTo(Contents(a.Images).Pixels));
        Assert.That(Contents(b.Images).Labels, Is.EqualTo(Contents(a.Images).Labels));
        Assert.That(b.Report.Components[0].SourceIndices, Is.EqualTo(a.Report.Components[0].SourceIndices));
        Assert.That(c.Report.Components[0].SourceIndices, Is.Not.EqualTo(a.Report.Components[0].SourceIndices));
        Assert.That(a.Images.Name, Is.EqualTo($"mnist-test-100pc/{point.Id}/s3"));
    }

    [Test]
    public void Picks_AreTheSameImagesAtEveryLevel()
    {
        var low = _factory.Build(Mnist100, Point(g: 1, gk: 20), 8, Gaussian(), null);
        var high = _factory.Build(Mnist100, Point(g: 7, gk: 20), 8, Gaussian(), null);

        Assert.That(high.Report.Components[0].SourceIndices, Is.EqualTo(low.Report.Components[0].SourceIndices));
        CheckBlock(high, high.Report.Components[0]);
    }

    [Test]
    public void Rq3_CutsEveryClassButTheMajority_ToTheExactCount()
    {
        var point = StudyDesign.Paper(ResearchQuestion.Rq3).Points().Single(p => p.Id == "rq3-ci0.3");

        var result = _factory.Build(Mnist100, point, 21, Gaussian(), null);

        // All classes have 100 images: the first largest (digit 0) is the majority; the others keep round(0.7 x 100).
        Assert.That(result.Images.ClassCounts, Is.EqualTo(new[] { 100, 70, 70, 70, 70, 70, 70, 70, 70, 70 }));
        Assert.That(result.Report.Count, Is.EqualTo(730));
        Assert.That(result.Report.BaseCount, Is.EqualTo(730));
        Assert.That(result.Report.BaseClassImbalance, Is.EqualTo(0.3).Within(1e-12));
        Assert.That(result.Report.ClassImbalance, Is.EqualTo(0.3).Within(1e-12));
        Assert.That(result.Report.RequestedClassImbalance, Is.EqualTo(0.3));
        Assert.That(result.Report.Components, Is.Empty);
        Assert.That(result.Report.RelabelledCount, Is.Zero);
    }

    [Test]
    public void Rq4_RelabelsTheExactShareOfEveryClass_KeepingEveryImage()
    {
        var point = StudyDesign.Paper(ResearchQuestion.Rq4).Points().Single(p => p.Id == "rq4-ld0.2");

        var result = _factory.Build(Mnist100, point, 21, Gaussian(), null);

        Assert.That(result.Images.Count, Is.EqualTo(1000));
        Assert.That(result.Report.RelabelledCount, Is.EqualTo(200));
        Assert.That(result.Report.LabelDisturbance, Is.EqualTo(0.2).Within(1e-12));
        Assert.That(result.TrueLabels, Is.EqualTo(Mnist100.CopyLabels()));
        var wrongByClass = new int[10];
        for (int i = 0; i < 1000; i++)
        {
            wrongByClass[result.TrueLabels[i]] += result.Images.GetLabel(i) != result.TrueLabels[i] ? 1 : 0;
        }

        Assert.That(wrongByClass, Is.All.EqualTo(20));
        Assert.That(Contents(result.Images).Pixels, Is.EqualTo(Contents(Mnist100).Pixels), "relabelled, not changed");
    }

    [Test]
    public void Rq5_LevelZeroComponent_AddsNothing_ByDefault_AndCleanCopiesByPolicy()
    {
        var nothing = _factory.Build(Mnist100, Point(g: 2, gk: 20, f: 0, fk: 20), 6, Gaussian(), null);
        var copies = _factory.Build(Mnist100, Point(g: 2, gk: 20, f: 0, fk: 20, zero: ZeroLevelPolicy.AddCleanCopies), 6, Gaussian(), null);

        Assert.That(nothing.Images.Count, Is.EqualTo(1000 + 200));
        Assert.That(nothing.Report.Components.Select(c => c.Kind), Is.EqualTo(new[] { "gaussian" }));
        CheckBlock(nothing, nothing.Report.Components[0]);

        Assert.That(copies.Images.Count, Is.EqualTo(1000 + 200 + 200));
        Assert.That(copies.Report.Components.Select(c => c.Kind), Is.EqualTo(new[] { "gaussian", "fgsm" }));
        var fgsmBlock = copies.Report.Components[1];
        Assert.That(fgsmBlock.Generator, Is.EqualTo("copy"));
        Assert.That(fgsmBlock.Offset, Is.EqualTo(1200));
        CheckBlock(copies, fgsmBlock, tolerance: 0);
    }

    [Test]
    public void UnreachablePicks_AreReplacedFromTheSameClass_AndAShortfallIsReported()
    {
        // Class 0: three grey images (all 0.5: at most 0.5 x 28 = 14 away) and three black ones (about
        // sqrt(392) = 19.8 away at most: the pixels the noise pushes up). Class 1: grey images only.
        // Level 16 is out of reach of every grey image and within reach of every black one.
        var pixels = new float[12 * 784];
        int[] labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
        int[] grey = [0, 2, 4, 6, 7, 8, 9, 10, 11];
        foreach (int i in grey)
        {
            pixels.AsSpan(i * 784, 784).Fill(0.5f);
        }

        var set = ImageSet.Create("grey-and-black", pixels, labels, 28, 28, 2);

        var result = _factory.Build(set, Point(g: 16, gk: 3), 1, Gaussian(), null);

        var block = result.Report.Components.Single();
        Assert.That(block.AddedPerClass, Is.EqualTo(new[] { 3, 0 }));
        Assert.That(block.ShortfallPerClass, Is.EqualTo(new[] { 0, 3 }));
        Assert.That(block.Shortfall, Is.EqualTo(3));
        Assert.That(result.Report.Shortfall, Is.EqualTo(3));
        Assert.That(block.SourceIndices, Is.EqualTo(new[] { 1, 3, 5 }), "the three reachable (black) images of class 0");
        // Class 1 tried all six of its images; class 0 tried its grey first picks and replaced each
        // (a replacement can be grey too and fail in turn).
        Assert.That(block.FailedAttempts, Is.InRange(6, 9));
        Assert.That(block.Replacements, Is.InRange(0, 3));
        Assert.That(block.Replacements, Is.LessThanOrEqualTo(block.FailedAttempts - 6));
        Assert.That(result.Images.Count, Is.EqualTo(15));
        CheckBlock(result, block);
    }

    [Test]
    public void Build_Throws_WhenFgsmImagesAreAskedForWithoutAnFgsmPerturbation()
    {
        var ex = Assert.Throws<ArgumentException>(() => _factory.Build(Mnist100, Point(f: 2, fk: 10), 1, Gaussian(), null));
        Assert.That(ex!.ParamName, Is.EqualTo("fgsm"));
    }

    [Test]
    public void Build_Throws_WhenAClassHasFewerImagesThanThePicks()
    {
        var ex = Assert.Throws<ArgumentException>(() => _factory.Build(Mnist100, Point(g: 2, gk: 101), 1, Gaussian(), null));
        Assert.That(ex!.Message, Does.Contain("101 gaussian images per class").And.Contain("at most 100"));
    }

    [Test]
    public void Build_Throws_WhenCiIsBelowTheSetsOwn()
    {
        var unbalanced = DatasetBuilders.WithClassImbalance(Mnist100, 0.3, 1);
        Assert.Throws<ArgumentException>(() => _factory.Build(unbalanced, Point(ci: 0.25), 1, Gaussian(), null));
    }
}
