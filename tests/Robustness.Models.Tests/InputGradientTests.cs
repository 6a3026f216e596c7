using static TorchSharp.torch;

namespace Robustness.Models.Tests;

/// <summary>
/// The first convolution's input gradient, and every attack's gradient through it, against float64 references that do not
/// share the float32 path: a closed form (checked itself on a hand-computed case) and a float64 copy of the model. What is
/// asserted holds on any x86-64 CPU: agreement within stated tolerances, the same call twice bitwise equal, and batch size
/// and thread count changing values only within a tolerance. .ci/run runs this category again under
/// ONEDNN_MAX_CPU_ISA=AVX2 and ATEN_CPU_CAPABILITY=default.
/// </summary>
[TestFixture]
[Category("Gradients")]
[NonParallelizable]
public sealed class InputGradientTests
{
    /// <summary>Per-image largest error relative to the image's largest float64 gradient, whole network (float32 rounding gives ~1e-6).</summary>
    private const double NetworkTolerance = 1e-3;

    private static readonly FirstLayerGeometry[] _geometries =
    [
        new(6, 5, 0, 32, 32), // LeNet-5
        new(32, 3, 1, 28, 28), // AlexNet-8 on MNIST
        new(6, 5, 2, 32, 32), // a padded 5x5 layer
    ];

    [TearDown]
    public void RestoreThreads() => TorchRuntime.SetThreads(ModelTestData.Threads);

    [Test]
    public void ClosedForm_GivesTheHandComputedGradient()
    {
        // y[i, j] = sum_uv x[i + u, j + v] w[u, v] on a 3x3 input with a 2x2 kernel; dL/dy = [[1, 2], [3, 4]], w = [[1, 10], [100, 1000]].
        double[] got = FirstLayerKernels.ClosedForm([1, 2, 3, 4], [1, 10, 100, 1000], new FirstLayerGeometry(1, 2, 0, 3, 3), batch: 1);

        Assert.That(got, Is.EqualTo(new double[] { 1, 12, 20, 103, 1234, 2040, 300, 3400, 4000 }));
    }

    [Test]
    public void SelectedKernel_AgreesWithTheClosedForm_OnALargeBatch([Values(1, 2)] int threads, [Range(0, 2)] int geometryIndex)
    {
        TorchRuntime.SetThreads(threads);
        var geometry = _geometries[geometryIndex];
        var kernel = FirstLayerKernels.Select(geometry, CPU);
        const int Batch = 200;
        var random = new Random(7);
        float[] gradOutput = [.. Enumerable.Range(0, Batch * (int)(geometry.OutChannels * geometry.OutHeight * geometry.OutWidth)).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        float[] weight = [.. Enumerable.Range(0, (int)(geometry.OutChannels * geometry.Kernel * geometry.Kernel)).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        double[] reference = FirstLayerKernels.ClosedForm(gradOutput, weight, geometry, Batch);

        using var scope = NewDisposeScope();
        var g = tensor(gradOutput, [Batch, geometry.OutChannels, geometry.OutHeight, geometry.OutWidth]);
        var w = tensor(weight, [geometry.OutChannels, 1, geometry.Kernel, geometry.Kernel]);
        float[] got = FirstLayerKernels.InputGradient(kernel, g, w, geometry.Padding, geometry.Height, geometry.Width).data<float>().ToArray();
        double error = FirstLayerKernels.RelativeError(got, reference, reference.Max(Math.Abs));
        TestContext.Progress.WriteLine($"{geometry}, {threads} threads: {kernel}, max relative error {error:E2} over {Batch} images");

        Assert.That(error, Is.LessThanOrEqualTo(FirstLayerKernels.Tolerance));
    }

    [Test]
    public void Evaluate_PassesOverAWrongCandidate_AndChoosesTheNextRightOne()
    {
        var geometry = _geometries[0];
        var result = FirstLayerKernels.Evaluate(geometry, CPU,
        [
            ("halved", (g, w, geo) => FirstLayerKernels.InputGradient(InputGradientKernel.TransposedFloat64, g, w, geo.Padding, geo.Height, geo.Width) * 0.5f),
            ("float64", (g, w, geo) => FirstLayerKernels.InputGradient(InputGradientKernel.TransposedFloat64, g, w, geo.Padding, geo.Height, geo.Width)),
        ]);

        Assert.That(result.Chosen, Is.EqualTo("float64"));
        Assert.That(result.Attempts.Select(a => a.Kernel), Is.EqualTo(new[] { "halved", "float64" }));
        Assert.That(result.Attempts[0].MaxRelativeError, Is.EqualTo(0.5).Within(1e-6), "half of every value is off by half of the largest");
        Assert.That(result.Attempts[1].MaxRelativeError, Is.LessThan(1e-6));
    }

    [Test]
    public void Evaluate_RefusesWhenEveryCandidateIsWrong_NaNIncluded()
    {
        var result = FirstLayerKernels.Evaluate(_geometries[1], CPU,
        [
            ("nan", (g, w, geo) => full([g.shape[0], 1, geo.Height, geo.Width], float.NaN)),
            ("zero", (g, w, geo) => zeros([g.shape[0], 1, geo.Height, geo.Width])),
        ]);

        Assert.That(result.Passed, Is.False);
        Assert.That(result.Chosen, Is.Null);
        Assert.That(result.Attempts.Select(a => a.MaxRelativeError), Is.EqualTo(new[] { double.PositiveInfinity, 1.0 }).Within(1e-12));
    }

    [Test]
    public void CheckKernels_ReportsAPassingKernelForEveryBuiltInFirstLayer()
    {
        var results = TorchRuntime.CheckKernels("cpu");

        Assert.That(results, Has.Count.EqualTo(2));
        Assert.That(results, Has.All.Matches<KernelCheckResult>(r => r.Passed && r.Attempts[^1].MaxRelativeError <= FirstLayerKernels.Tolerance));
        Assert.That(TorchRuntime.KernelChecks, Is.SupersetOf(results));
    }

    [Test]
    public void CrossEntropyGradient_AgreesWithAFloat64CopyOfTheModel([Values("lenet5", "alexnet8")] string architecture, [Values(1, 2)] int threads)
    {
        TorchRuntime.SetThreads(threads);
        var set = ModelTestData.Synthetic.Subset([.. Enumerable.Range(0, 64)]);
        using var model = ModelTestData.CpuFactory().Create(architecture, 3);
        TorchRuntime.SetThreads(threads);
        var gradients = new float[set.Count * set.PixelsPerImage];
        new ModelGradients(model, batchSize: 32).CrossEntropyGradient(set, gradients);
        double[] reference = Float64Reference.CrossEntropyGradient(model, set);

        double share = Float64Reference.ShareWithin(gradients, reference, set.PixelsPerImage, NetworkTolerance);
        var (strong, agree) = Float64Reference.SignAgreement(gradients, reference, set.PixelsPerImage);
        TestContext.Progress.WriteLine($"{architecture}, {threads} threads: {share:P1} of images within {NetworkTolerance:G} (worst {Float64Reference.WorstRelativeError(gradients, reference, set.PixelsPerImage):E2}); signs {agree}/{strong}");

        // A wrong first-layer kernel (13-87% off) fails every image; a ReLU or max-pool decision at a tie moves one image.
        Assert.That(share, Is.GreaterThanOrEqualTo(0.95));
        Assert.That(agree, Is.GreaterThanOrEqualTo(0.999 * strong));
    }

    [Test]
    public void CrossEntropyGradient_TwiceIsBitwiseEqual_AndBatchSizeAndThreadsChangeItOnlyWithinTolerance([Values("lenet5", "alexnet8")] string architecture)
    {
        var set = ModelTestData.Synthetic.Subset([.. Enumerable.Range(0, 64)]);
        using var model = ModelTestData.CpuFactory().Create(architecture, 4);
        float[] Run(int threads, int batchSize)
        {
            TorchRuntime.SetThreads(threads);
            var g = new float[set.Count * set.PixelsPerImage];
            new ModelGradients(model, batchSize).CrossEntropyGradient(set, g);
            return g;
        }

        float[] a = Run(2, 64);
        float[] b = Run(2, 64);
        float[] smallBatches = Run(2, 5);
        float[] oneThread = Run(1, 64);
        double[] reference = Float64Reference.CrossEntropyGradient(model, set);

        Assert.That(b, Is.EqualTo(a), "the same call twice");
        Assert.That(Float64Reference.WorstRelativeError(smallBatches, Array.ConvertAll(a, v => (double)v), set.PixelsPerImage), Is.LessThanOrEqualTo(1e-4), "batch size");
        Assert.That(Float64Reference.WorstRelativeError(oneThread, Array.ConvertAll(a, v => (double)v), set.PixelsPerImage), Is.LessThanOrEqualTo(1e-4), "thread count");
        Assert.That(Float64Reference.ShareWithin(smallBatches, reference, set.PixelsPerImage, NetworkTolerance), Is.GreaterThanOrEqualTo(0.95));
        Assert.That(Float64Reference.ShareWithin(oneThread, reference, set.PixelsPerImage, NetworkTolerance), Is.GreaterThanOrEqualTo(0.95));
    }
}
