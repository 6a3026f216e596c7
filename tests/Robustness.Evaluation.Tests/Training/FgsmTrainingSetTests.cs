using Microsoft.Extensions.Logging.Abstractions;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Training;
using Robustness.Models;
using static Robustness.Evaluation.Tests.Training.TrainingTestData;

namespace Robustness.Evaluation.Tests.Training;

/// <summary>Training sets with FGSM images, against a LeNet-5 trained briefly on 1,000 real MNIST test images.</summary>
public sealed class FgsmTrainingSetTests
{
    private readonly TrainingSetFactory _factory = new();
    private ImageClassifier? _model;
    private FgsmPerturbation? _fgsm;

    [OneTimeSetUp]
    public void TrainTheCleanModel()
    {
        var options = new ModelOptions { Device = "cpu", Threads = 2 };
        _model = ModelFactory.CreateDefault(options).Create(ModelFactory.LeNet5, 3);
        new ModelTrainer(options, NullLogger<ModelTrainer>.Instance)
            .Train(_model, Mnist100, new TrainingOptions { MaxEpochs = 2, BatchSize = 32, Seed = 5, EvaluateTrainingSetAtEnd = false });
        _fgsm = new FgsmPerturbation(_model);
    }

    [OneTimeTearDown]
    public void DisposeTheModel() => _model?.Dispose();

    [Test]
    public void Rq2_AddsFgsmImages_AtTheLevel_AgainstTheCleanModel()
    {
        var point = (StudyDesign.Paper(ResearchQuestion.Rq2) with { ImagesPerClass = 20 }).Points().Single(p => p.Id == "rq2-f2");

        var result = _factory.Build(Mnist100, point, 12, Gaussian(), _fgsm);

        Assert.That(result.Images.Count, Is.EqualTo(1200));
        Assert.That(result.Images.ClassCounts, Is.All.EqualTo(120));
        var block = result.Report.Components.Single();
        Assert.That((block.Kind, block.Generator, block.Offset), Is.EqualTo(("fgsm", "fgsm", 1000)));
        Assert.That(block.AddedPerClass, Is.All.EqualTo(20));
        CheckBlock(result, block);

        // The block is exactly what FGSM against this model makes of the picked clean images.
        var expected = _fgsm!.PerturbToLevel(Mnist100.Subset(block.SourceIndices), 2.0);
        var actual = result.Images.Subset([.. Enumerable.Range(1000, 200)]);
        Assert.That(Contents(actual).Pixels, Is.EqualTo(Contents(expected.Images).Pixels));
    }

    [Test]
    public void Rq5_AddsHalfGaussian_AndHalfFgsm_PerClass_AtIndependentLevels()
    {
        var point = (StudyDesign.Paper(ResearchQuestion.Rq5) with { ImagesPerClass = 40 }).Points().Single(p => p.Id == "rq5-g2-f4");
        Assert.That((point.GaussianImagesPerClass, point.FgsmImagesPerClass), Is.EqualTo((20, 20)));

        var result = _factory.Build(Mnist100, point, 12, Gaussian(), _fgsm);

        Assert.That(result.Images.Count, Is.EqualTo(1000 + 200 + 200));
        Assert.That(result.Images.ClassCounts, Is.All.EqualTo(140));
        var (gaussian, fgsm) = (result.Report.Components[0], result.Report.Components[1]);
        Assert.That((gaussian.Kind, gaussian.Level, gaussian.Offset, gaussian.Count), Is.EqualTo(("gaussian", 2.0, 1000, 200)));
        Assert.That((fgsm.Kind, fgsm.Level, fgsm.Offset, fgsm.Count), Is.EqualTo(("fgsm", 4.0, 1200, 200)));
        CheckBlock(result, gaussian);
        CheckBlock(result, fgsm);
        Assert.That(fgsm.SourceIndices, Is.Not.EqualTo(gaussian.SourceIndices), "each component picks with its own stream");
    }

    [Test]
    public void Rq6_CutsThenRelabelsThenAddsCopiesOfTheBaseSet()
    {
        var point = Point(g: 2, gk: 20, f: 4, fk: 20, ci: 0.3, ld: 0.1);

        var result = _factory.Build(Mnist100, point, 31, Gaussian(), _fgsm);
        var report = result.Report;

        // (1) imbalance: digit 0 keeps 100, the others 70; (2) label errors: 10 + 9 x 7 relabelled.
        Assert.That(report.BaseCount, Is.EqualTo(730));
        Assert.That(report.BaseClassImbalance, Is.EqualTo(0.3).Within(1e-12));
        Assert.That(report.RelabelledCount, Is.EqualTo(73));
        int wrongInBase = Enumerable.Range(0, 730).Count(i => result.Images.GetLabel(i) != result.TrueLabels[i]);
        Assert.That(wrongInBase, Is.EqualTo(73));

        // (3) Gaussian then (4) FGSM: 20 + 20 per TRUE class, copied from the base part with its labels.
        Assert.That(report.Components.Select(c => (c.Kind, c.Offset)), Is.EqualTo(new[] { ("gaussian", 730), ("fgsm", 930) }));
        Assert.That(report.Components.SelectMany(c => c.AddedPerClass), Is.All.EqualTo(20));
        Assert.That(report.TrueClassCounts, Is.EqualTo(new[] { 140, 110, 110, 110, 110, 110, 110, 110, 110, 110 }));
        Assert.That(result.Images.Count, Is.EqualTo(1130));
        foreach (var block in report.Components)
        {
            CheckBlock(result, block);
        }

        int wrongCopies = Enumerable.Range(730, 400).Count(i => result.Images.GetLabel(i) != result.TrueLabels[i]);
        Assert.That(wrongCopies, Is.GreaterThan(0), "copies of relabelled images carry the wrong label");
        Assert.That(report.LabelDisturbance, Is.EqualTo((73.0 + wrongCopies) / 1130).Within(1e-12));
        Assert.That(report.ClassImbalance, Is.EqualTo(result.Images.ImbalanceDegree()));
        Assert.That(report.Shortfall, Is.Zero);
    }
}
