using System.Diagnostics;
using Robustness.Data;
using Robustness.Perturbations;

namespace Robustness.Models.Tests;

/// <summary>
/// LeNet-5 trained once (OneTimeSetUp) on the first 8,000 images of the real MNIST test set, scored
/// on the remaining 2,000: accuracy, FGSM against Gaussian noise at one l2 level, checkpoints.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class MnistLeNetTests
{
    private ImageSet _train = null!;
    private ImageSet _heldOut = null!;
    private ImageClassifier _model = null!;
    private TrainingReport _report = null!;
    private TrainingOptions _options = null!;
    private TimeSpan _trainingTime;

    [OneTimeSetUp]
    public void TrainOnce()
    {
        var mnist = ModelTestData.MnistTest();
        _train = mnist.Subset([.. Enumerable.Range(0, 8000)], "mnist-test-first-8000");
        _heldOut = mnist.Subset([.. Enumerable.Range(8000, 2000)], "mnist-test-last-2000");
        _options = new TrainingOptions { MaxEpochs = 8, Patience = 2, MinDelta = 1e-3, Seed = 11 };
        _model = ModelTestData.CpuFactory().Create(ModelFactory.LeNet5, seed: 5);
        var watch = Stopwatch.StartNew();
        _report = ModelTestData.CpuTrainer().Train(_model, _train, _options);
        _trainingTime = watch.Elapsed;
        TestContext.Progress.WriteLine($"LeNet-5 on MNIST first 8,000: {_report} (wall {_trainingTime.TotalSeconds:F1} s)");
        foreach (var epoch in _report.History)
        {
            TestContext.Progress.WriteLine("  " + epoch);
        }
    }

    [OneTimeTearDown]
    public void DisposeModel() => _model?.Dispose();

    [Test]
    public void TrainingSplit_HoldsEveryClass()
    {
        Assert.That(_train.ClassCounts, Has.All.GreaterThanOrEqualTo(700), "the first 8,000 MNIST test images hold every digit in roughly equal numbers");
        Assert.That(_heldOut.Count, Is.EqualTo(2000));
    }

    [Test]
    public void LeNet5_ReachesAtLeast95Percent_OnTheHeldOut2000()
    {
        var accuracy = _model.Evaluate(_heldOut);
        TestContext.Progress.WriteLine($"held-out accuracy {accuracy}; per class {string.Join(", ", accuracy.PerClass.Select(c => $"{c.Class}:{c.Accuracy:P1}"))}");

        Assert.That(accuracy.Accuracy, Is.GreaterThanOrEqualTo(0.95));
        Assert.That(_report.Epochs, Is.InRange(1, _options.MaxEpochs));
        Assert.That(_report.TrainingAccuracy, Is.GreaterThan(0.95));
        Assert.That(_report.History[^1].Loss, Is.LessThan(_report.History[0].Loss));
        Assert.That(accuracy.PerClass.Sum(c => c.Count), Is.EqualTo(2000));
        Assert.That(accuracy.PerClass.Sum(c => c.Correct), Is.EqualTo(accuracy.Correct));
    }

    /// <summary>
    /// FGSM against Gaussian noise at the same exact l2 level, every emitted image's distance checked.
    /// Measured with this model: at l2 = 2 FGSM leaves about 75% accuracy against about 98% for noise;
    /// at l2 = 4 about 25% against about 97% (see docs/models.md).
    /// </summary>
    [TestCase(2.0, 0.85)]
    [TestCase(4.0, 0.50)]
    public void Fgsm_HurtsFarMoreThanGaussianNoise_AtTheSameL2Level_WithEveryDistanceChecked(double level, double fgsmBelow)
    {
        var fgsm = new FgsmPerturbation(_model).PerturbToLevel(_heldOut, level);
        var gaussian = new GaussianNoisePerturbation(new PerturbationOptions { Seed = 3 }).PerturbToLevel(_heldOut, level);

        AssertEveryImageAtLevel(fgsm, level);
        AssertEveryImageAtLevel(gaussian, level);
        double fgsmAccuracy = Accuracy(fgsm);
        double gaussianAccuracy = Accuracy(gaussian);
        TestContext.Progress.WriteLine($"l2 = {level}: FGSM accuracy {fgsmAccuracy:P2} ({fgsm.Images.Count} images), Gaussian accuracy {gaussianAccuracy:P2} ({gaussian.Images.Count} images)");

        Assert.That(fgsm.Images.Count, Is.GreaterThan(1990), "almost every image reaches the level along its FGSM direction");
        Assert.That(gaussian.Images.Count, Is.EqualTo(2000));
        Assert.That(gaussianAccuracy, Is.GreaterThan(0.90));
        Assert.That(fgsmAccuracy, Is.LessThan(fgsmBelow));
        Assert.That(gaussianAccuracy - fgsmAccuracy, Is.GreaterThan(0.15));
    }

    [Test]
    public void Fgsm_RawEps_MovesEveryPixelByEpsWhereNotClipped()
    {
        var images = _heldOut.Subset([.. Enumerable.Range(0, 50)]);
        var fgsm = new FgsmPerturbation(_model);
        var directions = fgsm.ComputeDirections(images);
        var result = fgsm.PerturbWithSize(images, 0.1);

        Assert.That(result.Images.Count, Is.EqualTo(50));
        for (int i = 0; i < 50; i++)
        {
            var x = images.GetImage(i);
            var perturbed = result.Images.GetImage(i);
            var d = directions.Get(i);
            double sum = 0;
            for (int p = 0; p < x.Length; p++)
            {
                float expected = Math.Clamp(x[p] + (0.1f * d[p]), 0f, 1f);
                Assert.That(perturbed[p], Is.EqualTo(expected).Within(1e-6));
                sum += (perturbed[p] - x[p]) * (double)(perturbed[p] - x[p]);
            }

            Assert.That(result.Outcomes[i].Status, Is.EqualTo(PerturbationStatus.Applied));
            Assert.That(result.Outcomes[i].Distance, Is.EqualTo(Math.Sqrt(sum)).Within(1e-5));
        }
    }

    [Test]
    public void Checkpoint_RoundTrip_GivesIdenticalPredictions_AndRecordsTheTraining()
    {
        string folder = Directory.CreateTempSubdirectory("robustness-models-").FullName;
        try
        {
            string path = Path.Combine(folder, "lenet5.bin");
            string fingerprint = DataFingerprint.Compute(_train);
            ModelCheckpoint.Save(_model, path, new CheckpointMetadata
            {
                Architecture = _model.Architecture,
                InputShape = _model.InputShape,
                Training = _options,
                TrainingReport = _report,
                DataName = _train.Name,
                DataFingerprint = fingerprint,
                Metrics = new Dictionary<string, double> { ["held-out-accuracy"] = _model.Evaluate(_heldOut).Accuracy },
            });

            using var loaded = ModelCheckpoint.Load(path, ModelTestData.CpuFactory(), expectedArchitecture: "lenet5");
            var metadata = ModelCheckpoint.ReadMetadata(path);

            Assert.That(loaded.Predict(_heldOut), Is.EqualTo(_model.Predict(_heldOut)));
            Assert.That(loaded.CopyWeights(), Is.EqualTo(_model.CopyWeights()));
            Assert.That(metadata.Architecture, Is.EqualTo("lenet5"));
            Assert.That(metadata.InitSeed, Is.EqualTo(5UL));
            Assert.That(metadata.Training, Is.EqualTo(_options));
            Assert.That(metadata.DataFingerprint, Is.EqualTo(fingerprint).And.Length.EqualTo(64));
            Assert.That(metadata.TrainingReport!.Epochs, Is.EqualTo(_report.Epochs));
            Assert.That(metadata.TrainingReport.StopReason, Is.EqualTo(_report.StopReason));
            Assert.That(metadata.Metrics!["held-out-accuracy"], Is.GreaterThan(0.95));
            Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "lenet5.bin", "lenet5.bin.json" }), "no temporary file is left");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The issue's criterion for PGD: white-box PGD-20 is at least as strong as white-box FGSM at every level
    /// 0.5..4.0 and below 10% by l2 = 3.0; every PGD image sits within 1e-4 of its level with pixels in [0, 1]
    /// (checked here, not by the attack code). 500 held-out images keep it to about a minute.
    /// </summary>
    [Test]
    public void Pgd_IsAtMostFgsm_AtEveryLevel_AndBelowTenPercentByThree_WithEveryImageAtItsLevel()
    {
        var images = _heldOut.Subset([.. Enumerable.Range(0, 500)], "mnist-heldout-500");
        var fgsm = new FgsmPerturbation(_model);
        var pgd = new PgdPerturbation(_model);
        var directions = fgsm.ComputeDirections(images);
        var lines = new List<string>();
        foreach (double level in new[] { 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0 })
        {
            var pgdResult = pgd.PerturbToLevel(images, level);
            var fgsmResult = fgsm.PerturbToLevel(images, directions, level);
            AssertEveryImageAtLevel(pgdResult, level, images);
            double pgdAccuracy = Accuracy(pgdResult), fgsmAccuracy = Accuracy(fgsmResult);
            lines.Add($"l2 {level}: PGD {pgdAccuracy:P1} ({pgdResult.Images.Count} images), FGSM {fgsmAccuracy:P1} ({fgsmResult.Images.Count})");
            Assert.That(pgdResult.Images.Count, Is.GreaterThanOrEqualTo(495), $"l2 {level}: almost every image reaches the level along its PGD perturbation");
            Assert.That(pgdAccuracy, Is.LessThanOrEqualTo(fgsmAccuracy), $"l2 {level}: PGD must not be weaker than FGSM");
            if (level >= 3.0)
            {
                Assert.That(pgdAccuracy, Is.LessThan(0.10), $"l2 {level}: PGD accuracy");
            }
        }

        TestContext.Progress.WriteLine(string.Join(Environment.NewLine, lines));
    }

    /// <summary>
    /// The three attacks through the one interface, as a user holding an <see cref="IAttack"/> calls them: FGSM and PGD
    /// place every produced image at exactly its level (checked here), PGD is at most FGSM, and the minimal-l2 budget
    /// attack keeps every image at or below the level with the model's accuracy on it equal to its robust accuracy.
    /// </summary>
    [Test]
    public void EveryAttack_ThroughIAttack_FgsmAndPgdAtTheLevel_MinimalWithinIt_AtItsRobustAccuracy()
    {
        var images = _heldOut.Subset([.. Enumerable.Range(0, 200)], "mnist-heldout-200");
        double[] levels = [1.0, 2.0];
        IAttack[] attacks = [new FgsmPerturbation(_model), new PgdPerturbation(_model, new PgdOptions { Steps = 10 }), new MinimalL2Attack(_model)];
        var results = attacks.ToDictionary(a => a.Name, a => a.Attack(images, levels));
        var minimalRun = new MinimalL2Attack(_model).Run(images);

        Assert.That(results.Keys, Is.EqualTo(new[] { "fgsm", "pgd", "minimal" }));
        Assert.That(attacks.Select(a => a.Options.BatchSize), Is.EqualTo(new[] { 500, 500, 200 }));
        for (int l = 0; l < levels.Length; l++)
        {
            double level = levels[l];
            AssertEveryImageAtLevel(results["fgsm"][l], level, images);
            AssertEveryImageAtLevel(results["pgd"][l], level, images);
            var minimal = results["minimal"][l];
            Assert.That(minimal.Images.Count, Is.EqualTo(images.Count));
            Assert.That(minimal.Outcomes.Select(o => o.Status), Is.All.EqualTo(PerturbationStatus.WithinLevel));
            Assert.That(minimal.Outcomes.Select(o => o.Distance), Is.All.InRange(0.0, level));
            double fgsm = Accuracy(results["fgsm"][l]), pgd = Accuracy(results["pgd"][l]), budget = Accuracy(minimal);
            TestContext.Progress.WriteLine($"l2 {level}: FGSM {fgsm:P1}, PGD-10 {pgd:P1}, minimal-l2 (within the level) {budget:P1}");
            Assert.That(pgd, Is.LessThanOrEqualTo(fgsm), $"l2 {level}");
            Assert.That(budget, Is.EqualTo(minimalRun.RobustAccuracy(level)).Within(1e-12), $"l2 {level}: the images give the robust accuracy");
        }
    }

    [Test]
    public void Pgd_SameSeed_GivesIdenticalImages_AtOneAndTwoThreads_AndRestoresTheModelMode()
    {
        var images = _heldOut.Subset([.. Enumerable.Range(0, 100)], "mnist-heldout-100");
        var options = new PgdOptions { Steps = 10, RandomStart = true, Seed = 42 };
        float[] Run(int threads)
        {
            TorchRuntime.SetThreads(threads);
            var result = new PgdPerturbation(_model, options with { MaxDegreeOfParallelism = threads }).PerturbToLevel(images, 1.5);
            var pixels = new float[result.Images.Count * result.Images.PixelsPerImage];
            result.Images.CopyPixelsTo(pixels);
            return pixels;
        }

        try
        {
            _model.Module.train();
            float[] one = Run(1);
            Assert.That(_model.Module.training, Is.True, "the attack puts the model back in training mode");
            float[] two = Run(2);
            float[] twoAgain = Run(2);
            Assert.That(two, Is.EqualTo(one), "1 and 2 threads");
            Assert.That(twoAgain, Is.EqualTo(two), "two runs at 2 threads");
            float[] otherSeed = new PgdPerturbation(_model, options with { Seed = 43 }).PerturbToLevel(images, 1.5).Images.GetImage(0).ToArray();
            Assert.That(otherSeed, Is.Not.EqualTo(one.AsSpan(0, otherSeed.Length).ToArray()), "the seed matters with a random start");
        }
        finally
        {
            _model.Module.eval();
            TorchRuntime.SetThreads(ModelTestData.Threads);
        }
    }

    /// <summary>
    /// The issue's bar: FGSM directions built at 1 and at 2 threads take the sign of a float64 gradient (a float64 copy of
    /// the model, plain autograd, another first-layer path) on at least 99.9% of the strong-gradient pixels (|g| above 1e-3
    /// of the image's largest). With libtorch's own first-layer input gradient an AVX-512 CPU gave 84.5% and 98.5%.
    /// Counted over the images whose loss is at least 1e-4: below it the model is so sure that float32 cannot resolve the
    /// loss gradient at all (d loss / d z_y = p_y - 1 with p_y within 1e-4 of 1 carries float32's rounding of 6e-8 near 1,
    /// so its direction is rounding noise in any float32 implementation, PyTorch's included); all images are printed too.
    /// </summary>
    [Test]
    [Category("Gradients")]
    public void FgsmDirections_AtOneAndTwoThreads_TakeTheSignOfAFloat64Gradient_OnAtLeast999PerMilleOfStrongPixels()
    {
        var images = _heldOut.Subset([.. Enumerable.Range(0, 1000)], "mnist-heldout-1000");
        var (reference, losses) = Float64Reference.CrossEntropyGradientAndLoss(_model, images);
        int ppi = images.PixelsPerImage;
        int[] resolvable = [.. Enumerable.Range(0, images.Count).Where(i => losses[i] >= 1e-4)];
        Assert.That(resolvable, Has.Length.GreaterThanOrEqualTo(100), "enough images to count");
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                TorchRuntime.SetThreads(threads);
                float[] directions = new FgsmPerturbation(_model).ComputeDirections(images).Values.ToArray();
                var (strongAll, agreeAll) = Float64Reference.SignAgreement(directions, reference, ppi);
                int strong = 0;
                int agree = 0;
                foreach (int i in resolvable)
                {
                    var (s, a) = Float64Reference.SignAgreement(directions.AsSpan(i * ppi, ppi), reference.AsSpan(i * ppi, ppi), ppi);
                    strong += s;
                    agree += a;
                }

                TestContext.Progress.WriteLine($"FGSM directions at {threads} threads: {agree:N0} of {strong:N0} strong-gradient pixels ({(double)agree / strong:P3}) of the {resolvable.Length} images with loss >= 1e-4 take the float64 gradient's sign; all {images.Count} images: {agreeAll:N0} of {strongAll:N0} ({(double)agreeAll / strongAll:P3})");
                Assert.That(agree, Is.GreaterThanOrEqualTo(0.999 * strong), $"{threads} threads");
            }
        }
        finally
        {
            TorchRuntime.SetThreads(ModelTestData.Threads);
        }
    }

    [Test]
    public void MinimalL2_EveryReportedAdversarialIsMisclassified_AtItsReportedDistance()
    {
        var images = _heldOut.Subset([.. Enumerable.Range(0, 300)], "mnist-heldout-300");
        var result = new MinimalL2Attack(_model).Run(images);
        var adversarials = new float[images.Count * images.PixelsPerImage];
        var indices = new List<int>();
        for (int i = 0; i < images.Count; i++)
        {
            var outcome = result.Outcomes[i];
            if (outcome.Status != MinimalL2Status.Found)
            {
                continue;
            }

            var clean = images.GetImage(i);
            var adversarial = result.GetAdversarial(i);
            double sum = 0;
            for (int p = 0; p < clean.Length; p++)
            {
                Assert.That(adversarial[p], Is.InRange(0f, 1f));
                double d = (double)adversarial[p] - clean[p];
                sum += d * d;
            }

            Assert.That(outcome.Distance, Is.EqualTo(Math.Sqrt(sum)).Within(1e-9), $"image {i}");
            adversarial.CopyTo(adversarials.AsSpan(indices.Count * images.PixelsPerImage));
            indices.Add(i);
        }

        var adversarialSet = ImageSet.Create("adversarials", adversarials[..(indices.Count * images.PixelsPerImage)], [.. indices.Select(i => images.GetLabel(i))], 28, 28, 10);
        int[] predicted = _model.Predict(adversarialSet);
        int[] cleanPredicted = _model.Predict(images);
        for (int k = 0; k < indices.Count; k++)
        {
            Assert.That(predicted[k], Is.Not.EqualTo(images.GetLabel(indices[k])), $"image {indices[k]}: the reported adversarial must be misclassified");
        }

        for (int i = 0; i < images.Count; i++)
        {
            Assert.That(result.Outcomes[i].Status == MinimalL2Status.Misclassified, Is.EqualTo(cleanPredicted[i] != images.GetLabel(i)), $"image {i}");
        }

        double median = result.MedianDistance;
        TestContext.Progress.WriteLine($"minimal l2: {result}; robust accuracy at 1/2/3: {result.RobustAccuracy(1):P1} / {result.RobustAccuracy(2):P1} / {result.RobustAccuracy(3):P1}");
        Assert.That(indices.Count, Is.GreaterThan(280), "DeepFool finds an adversarial for almost every correctly classified image");
        Assert.That(median, Is.InRange(0.3, 3.0), "MNIST LeNet-5 minimal l2 distances are of order 1");
        Assert.That(result.RobustAccuracy(0), Is.EqualTo(_model.Evaluate(images).Accuracy).Within(1e-12), "at level 0 robust accuracy is clean accuracy");
        Assert.That(result.RobustAccuracy(1), Is.GreaterThanOrEqualTo(result.RobustAccuracy(2)));
    }

    private double Accuracy(PerturbationResult result)
    {
        int[] predictions = _model.Predict(result.Images);
        int correct = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            if (predictions[i] == result.Images.GetLabel(i))
            {
                correct++;
            }
        }

        return (double)correct / predictions.Length;
    }

    private void AssertEveryImageAtLevel(PerturbationResult result, double level) => AssertEveryImageAtLevel(result, level, _heldOut);

    private static void AssertEveryImageAtLevel(PerturbationResult result, double level, ImageSet sourceSet)
    {
        for (int k = 0; k < result.Images.Count; k++)
        {
            int source = result.SourceIndices[k];
            var clean = sourceSet.GetImage(source);
            var perturbed = result.Images.GetImage(k);
            double sum = 0;
            for (int p = 0; p < clean.Length; p++)
            {
                Assert.That(perturbed[p], Is.InRange(0f, 1f));
                double diff = (double)perturbed[p] - clean[p];
                sum += diff * diff;
            }

            Assert.That(Math.Abs(Math.Sqrt(sum) - level), Is.LessThanOrEqualTo(1e-4), $"image {source} of {result.Images.Name}");
            Assert.That(result.Outcomes[source].Status, Is.EqualTo(PerturbationStatus.Reached));
            Assert.That(result.Images.GetLabel(k), Is.EqualTo(sourceSet.GetLabel(source)));
        }

        Assert.That(result.Images.Count + result.FailedIndices.Count, Is.EqualTo(sourceSet.Count));
    }
}
