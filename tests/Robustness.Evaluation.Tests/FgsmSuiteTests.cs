using Robustness.Evaluation.Benchmarks;
using Robustness.Models;
using Robustness.Tests.Shared;

namespace Robustness.Evaluation.Tests;

public sealed class FgsmSuiteTests
{
    private static readonly double[] _levels = [0.5, 1.5, 3, 5];

    [Test]
    public void CleanSuite_Accuracy_EqualsImageClassifierEvaluate()
    {
        var model = EvaluationTestData.TrainedLeNet;
        var test = EvaluationTestData.SyntheticTest;
        var expected = model.Evaluate(test);

        var result = BenchmarkBuilder.CreateDefault().BuildClean(test).Score(model);

        Assert.That(result.Levels, Has.Count.EqualTo(1));
        Assert.That(result.Levels[0].Level, Is.Zero);
        Assert.That(result.Correct, Is.EqualTo(expected.Correct));
        Assert.That(result.Count, Is.EqualTo(expected.Count));
        Assert.That(result.Accuracy, Is.EqualTo(expected.Accuracy));
        Assert.That(result.Levels[0].Report.PerClass, Is.EqualTo(expected.PerClass));
        Assert.That(expected.Accuracy, Is.GreaterThan(0.8), "the briefly trained model must have learnt the digits for the FGSM test to mean anything");
    }

    [Test]
    public void FgsmSuite_Accuracy_FallsWithTheLevel_AndEveryImageIsAtItsLevel()
    {
        var model = EvaluationTestData.TrainedLeNet;
        var test = EvaluationTestData.SyntheticTest;

        var suite = BenchmarkBuilder.CreateDefault().BuildFgsm(test, model, levels: _levels);
        var result = suite.Score(model);

        var accuracies = result.Levels.Select(l => l.Accuracy).ToArray();
        TestContext.Out.WriteLine($"FGSM accuracies at {string.Join(", ", _levels)}: {string.Join(", ", accuracies.Select(a => a.ToString("P1", System.Globalization.CultureInfo.InvariantCulture)))}");
        for (int l = 1; l < accuracies.Length; l++)
        {
            Assert.That(accuracies[l], Is.LessThanOrEqualTo(accuracies[l - 1]), $"level {_levels[l]}");
        }

        Assert.That(accuracies[^1], Is.LessThan(accuracies[0] - 0.2));
        Assert.That(accuracies[0], Is.LessThanOrEqualTo(model.Evaluate(test).Accuracy));
        Assert.That(suite.MaxAbsoluteError, Is.LessThanOrEqualTo(1e-4));
        foreach (var set in suite.LevelSets)
        {
            int[] sources = set.GetSourceIndices();
            for (int k = 0; k < set.Images.Count; k++)
            {
                double sum = 0;
                var x = set.Images.GetImage(k);
                var c = test.GetImage(sources[k]);
                for (int p = 0; p < x.Length; p++)
                {
                    sum += (x[p] - (double)c[p]) * (x[p] - (double)c[p]);
                }

                Assert.That(Math.Sqrt(sum), Is.EqualTo(set.Level).Within(1e-4));
            }

            Assert.That(set.Images.Count + set.ExcludedCount, Is.EqualTo(test.Count));
            Assert.That(result.Levels.Single(s => s.Level == set.Level).Excluded, Is.EqualTo(set.ExcludedCount));
        }
    }

    [Test]
    public void WhiteBox_AgainstTheReferenceModel_ScoresLikeTheFixedSuite()
    {
        var model = EvaluationTestData.TrainedLeNet;
        var test = EvaluationTestData.SyntheticTest;
        var builder = BenchmarkBuilder.CreateDefault();
        var fixedSuite = builder.BuildFgsm(test, model, levels: _levels);

        var whiteBox = builder.CreateWhiteBoxFgsm(test, _levels);
        var a = fixedSuite.Score(model);
        var b = whiteBox.Score(model);

        Assert.That(whiteBox.IsWhiteBox, Is.True);
        Assert.That(whiteBox.LevelSets, Is.Empty);
        Assert.That(b.IsWhiteBox, Is.True);
        Assert.That(b.Levels.Select(l => l.Report.Correct), Is.EqualTo(a.Levels.Select(l => l.Report.Correct)));
        Assert.That(b.Levels.Select(l => l.Excluded), Is.EqualTo(a.Levels.Select(l => l.Excluded)));
    }

    [Test]
    public void WhiteBox_HitsAnotherModelHarder_ThanTheFixedSuiteMadeAgainstTheReference()
    {
        var reference = EvaluationTestData.TrainedLeNet;
        var test = EvaluationTestData.SyntheticTest;
        using var other = EvaluationTestData.CpuFactory().Create("lenet5", 99);
        new ModelTrainer(new ModelOptions { Device = "cpu", Threads = EvaluationTestData.Threads }, Microsoft.Extensions.Logging.Abstractions.NullLogger<ModelTrainer>.Instance)
            .Train(other, EvaluationTestData.SyntheticTrain, new TrainingOptions { MaxEpochs = 6, Patience = 6, Seed = 12, EvaluateTrainingSetAtEnd = false });
        var builder = BenchmarkBuilder.CreateDefault();
        double[] levels = [1.5, 3];

        var transfer = builder.BuildFgsm(test, reference, levels: levels).Score(other);
        var whiteBox = builder.CreateWhiteBoxFgsm(test, levels).Score(other);

        TestContext.Out.WriteLine($"transfer {transfer.Accuracy:P1}, white-box {whiteBox.Accuracy:P1}");
        Assert.That(whiteBox.Accuracy, Is.LessThan(transfer.Accuracy));
    }

    [Test]
    public void FgsmSuite_RecordsTheReferenceFingerprint_AndReloadsIt()
    {
        var model = EvaluationTestData.TrainedLeNet;
        using var temp = new TempFolder();
        string checkpoint = temp.Combine("reference.bin");
        ModelCheckpoint.Save(model, checkpoint, new CheckpointMetadata { Architecture = "lenet5", InputShape = model.InputShape, DataFingerprint = DataFingerprint.Compute(EvaluationTestData.SyntheticTrain) });
        var fromFile = ReferenceModelFingerprint.FromCheckpoint(checkpoint);
        var fromModel = ReferenceModelFingerprint.FromModel(model);
        using var loadedModel = ModelCheckpoint.Load(checkpoint, EvaluationTestData.CpuFactory());

        Assert.That(fromModel.WeightsSha256, Is.EqualTo(fromFile.WeightsSha256));
        Assert.That(ReferenceModelFingerprint.FromModel(loadedModel).WeightsSha256, Is.EqualTo(fromFile.WeightsSha256));
        Assert.That(fromFile.DataFingerprint, Is.EqualTo(DataFingerprint.Compute(EvaluationTestData.SyntheticTrain)));
        Assert.That(fromFile.Architecture, Is.EqualTo("lenet5"));
        Assert.That(fromFile.InitSeed, Is.EqualTo(5UL));

        var suite = BenchmarkBuilder.CreateDefault().BuildFgsm(EvaluationTestData.SyntheticTest, loadedModel, fromFile, [2]);
        suite.Save(temp.Combine("mnist-a"));
        var reloaded = BenchmarkSuite.Load(temp.Combine("mnist-a"));

        Assert.That(reloaded.ReferenceModel, Is.EqualTo(fromFile));
        Assert.That(reloaded.Key, Is.EqualTo(suite.Key));
        Assert.That(reloaded.Score(model).Correct, Is.EqualTo(suite.Score(model).Correct));
    }

    [Test]
    public void ReferenceFingerprint_Changes_WhenAWeightChanges()
    {
        using var a = EvaluationTestData.CpuFactory().Create("lenet5", 1);
        using var b = EvaluationTestData.CpuFactory().Create("lenet5", 2);

        string first = ReferenceModelFingerprint.FromModel(a).WeightsSha256;
        string again = ReferenceModelFingerprint.FromModel(a).WeightsSha256;

        Assert.That(ReferenceModelFingerprint.FromModel(b).WeightsSha256, Is.Not.EqualTo(first));
        Assert.That(again, Is.EqualTo(first));
    }
}
