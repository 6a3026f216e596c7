using Robustness.Data;

namespace Robustness.Models.Tests;

public sealed class TrainingTests
{
    private static readonly TrainingOptions _short = new() { MaxEpochs = 2, BatchSize = 32, Seed = 42, EvaluateTrainingSetAtEnd = false };

    [Test]
    public void TrainingTwice_WithOneSeed_GivesBitwiseIdenticalWeights()
    {
        float[] first = TrainLeNet(seed: 42);
        float[] second = TrainLeNet(seed: 42);
        float[] otherSeed = TrainLeNet(seed: 43);

        Assert.That(second, Is.EqualTo(first));
        Assert.That(otherSeed, Is.Not.EqualTo(first));
    }

    [Test]
    public void Training_ReportsEveryEpoch_AndStopsWhenTheLossStopsImproving()
    {
        using var model = ModelTestData.CpuFactory().Create("lenet5", 1);
        var seen = new List<EpochSummary>();
        // A min-delta no epoch can beat: epoch 1 sets the best, epochs 2 and 3 fail, patience 2 stops at 3.
        var options = new TrainingOptions { MaxEpochs = 10, Patience = 2, MinDelta = 100, BatchSize = 50 };
        var report = ModelTestData.CpuTrainer().Train(model, ModelTestData.Synthetic, options, new SynchronousProgress<EpochSummary>(seen.Add));

        Assert.That(report.StopReason, Is.EqualTo(TrainingStopReason.Converged));
        Assert.That(report.Epochs, Is.EqualTo(3));
        Assert.That(seen.Select(s => s.Epoch), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(report.History, Is.EqualTo(seen));
        Assert.That(report.FinalLoss, Is.EqualTo(seen[^1].Loss));
        Assert.That(report.TrainingAccuracy, Is.InRange(0.0, 1.0));
        Assert.That(report.TrainingImages, Is.EqualTo(200));
    }

    [Test]
    public void Training_StopsAtMaxEpochs_WhenTheLossKeepsImproving()
    {
        using var model = ModelTestData.CpuFactory().Create("lenet5", 1);
        var report = ModelTestData.CpuTrainer().Train(model, ModelTestData.Synthetic, _short with { MinDelta = 0 });

        Assert.That(report.StopReason, Is.EqualTo(TrainingStopReason.MaxEpochs));
        Assert.That(report.Epochs, Is.EqualTo(2));
        Assert.That(report.History[1].Loss, Is.LessThan(report.History[0].Loss));
    }

    [Test]
    public void Training_Throws_WhenCancelled()
    {
        using var model = ModelTestData.CpuFactory().Create("lenet5", 1);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.That(() => ModelTestData.CpuTrainer().Train(model, ModelTestData.Synthetic, _short, cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Training_Throws_WhenTheSetDoesNotFitTheModel()
    {
        using var model = ModelTestData.CpuFactory().Create("lenet5", 1, new ImageShape(28, 28, 5));

        Assert.That(() => ModelTestData.CpuTrainer().Train(model, ModelTestData.Synthetic, _short),
            Throws.ArgumentException.With.Message.Contains("5 classes").Or.Message.Contains("and 5"));
    }

    [Test]
    public void Options_Validate_RejectsOutOfRangeValues()
    {
        Assert.That(() => new TrainingOptions { BatchSize = 0 }.Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new TrainingOptions { LearningRate = double.NaN }.Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new TrainingOptions { MinDelta = -1 }.Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new ModelOptions { Device = "gpu" }.Validate(), Throws.ArgumentException.With.Message.Contains("gpu"));
    }

    [Test]
    public void AlexNet8_TrainsOneEpoch_AndPredictsEveryImage()
    {
        using var model = ModelTestData.CpuFactory().Create("alexnet8", 1);
        var set = ModelTestData.Synthetic;
        var report = ModelTestData.CpuTrainer().Train(model, set, new TrainingOptions { MaxEpochs = 1, BatchSize = 50, Seed = 3 });

        Assert.That(report.Epochs, Is.EqualTo(1));
        Assert.That(report.StopReason, Is.EqualTo(TrainingStopReason.MaxEpochs));
        Assert.That(double.IsFinite(report.FinalLoss), Is.True);
        Assert.That(report.FinalLoss, Is.LessThan(Math.Log(10) + 0.5));
        Assert.That(model.Predict(set), Has.Length.EqualTo(200).And.All.InRange(0, 9));
    }

    [Test]
    public void Inference_LeavesTheLiveTensorCountFlat_Over200Batches()
    {
        using var model = ModelTestData.CpuFactory().Create("lenet5", 1);
        var set = ModelTestData.Synthetic;
        model.Predict(set, batchSize: 10);
        long before = ModelTestData.LiveTensors();

        for (int i = 0; i < 10; i++)
        {
            model.Predict(set, batchSize: 10); // 20 batches each: 200 in all
        }

        new FgsmPerturbation(model, new FgsmOptions { BatchSize = 10 }).ComputeDirections(set);
        ModelTestData.CpuTrainer().Train(model, set, _short);
        Assert.That(ModelTestData.LiveTensors(), Is.EqualTo(before));
    }

    private static float[] TrainLeNet(ulong seed)
    {
        using var model = ModelTestData.CpuFactory().Create("lenet5", seed);
        ModelTestData.CpuTrainer().Train(model, ModelTestData.Synthetic, _short with { Seed = seed });
        return model.CopyWeights();
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
