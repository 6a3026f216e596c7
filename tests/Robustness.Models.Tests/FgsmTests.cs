using Robustness.Perturbations;
using TorchSharp;
using static TorchSharp.torch;

namespace Robustness.Models.Tests;

public sealed class FgsmTests
{
    [Test]
    public void Directions_AreReproducible_AndIndependentOfTheBatchSize([Values("lenet5", "alexnet8")] string architecture)
    {
        var set = ModelTestData.Synthetic;
        using var model = ModelTestData.CpuFactory().Create(architecture, 3);
        TorchRuntime.SetThreads(ModelTestData.Threads);

        float[] a = new FgsmPerturbation(model, new FgsmOptions { BatchSize = 200 }).ComputeDirections(set).Values.ToArray();
        float[] b = new FgsmPerturbation(model, new FgsmOptions { BatchSize = 200 }).ComputeDirections(set).Values.ToArray();
        float[] c = new FgsmPerturbation(model, new FgsmOptions { BatchSize = 7 }).ComputeDirections(set).Values.ToArray();

        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.EqualTo(a));
        Assert.That(a.Distinct(), Is.SubsetOf(new[] { -1f, 0f, 1f }));
    }

    [Test]
    public void Directions_AreTheSignOfTheLossGradient_WithoutParameterGradients()
    {
        var set = ModelTestData.Synthetic.Subset([.. Enumerable.Range(0, 10)]);
        using var model = ModelTestData.CpuFactory().Create("lenet5", 4);
        var directions = new FgsmPerturbation(model).ComputeDirections(set);

        Assert.That(model.Module.parameters().Select(p => p.grad), Is.All.Null, "FGSM leaves no parameter gradients");
        // Reference: the gradient of each image's own loss, one image at a time, through the plain convolution path.
        for (int i = 0; i < set.Count; i++)
        {
            using var scope = NewDisposeScope();
            var x = ImageTensors.Images(set, i, 1, CPU).requires_grad_(true);
            var y = ImageTensors.Labels(set, i, 1, CPU);
            var loss = nn.functional.cross_entropy(model.Module.forward(x), y);
            var gradient = autograd.grad([loss], [x])[0].data<float>().ToArray();
            var direction = directions.Get(i);
            int agree = 0;
            int strong = 0;
            float max = gradient.Max(Math.Abs);
            for (int p = 0; p < gradient.Length; p++)
            {
                if (Math.Abs(gradient[p]) > 1e-3f * max)
                {
                    strong++;
                    agree += Math.Sign(gradient[p]) == (int)direction[p] ? 1 : 0;
                }
            }

            Assert.That(agree, Is.EqualTo(strong), $"image {i}: the sign of every clearly non-zero gradient value matches");
        }
    }

    [Test]
    public void FirstLayer_UnfoldPath_MatchesTheConvolution()
    {
        using var model = ModelTestData.CpuFactory().Create("lenet5", 9);
        using var scope = NewDisposeScope();
        var x = ImageTensors.Images(ModelTestData.Synthetic, 0, 16, CPU);
        model.Module.eval();
        using var noGrad = no_grad();
        var plain = model.Module.forward(x).data<float>().ToArray();
        using var grad = enable_grad();
        var viaUnfold = model.Module.forward(x.requires_grad_(true)).detach().data<float>().ToArray();

        Assert.That(viaUnfold, Is.EqualTo(plain).Within(1e-4));
    }

    [Test]
    public void ZeroGradient_IsReported_AndTheRawFormAppliesNothing()
    {
        var set = ModelTestData.Synthetic.Subset([.. Enumerable.Range(0, 12)]);
        var factory = new ModelFactory([new ConstantArchitecture()], new ModelOptions { Device = "cpu" });
        using var model = factory.Create("constant", 1);
        var fgsm = new FgsmPerturbation(model);

        var directions = fgsm.ComputeDirections(set);
        var atLevel = fgsm.PerturbToLevel(set, directions, 1.0);
        var raw = fgsm.PerturbWithSize(set, 0.3);

        Assert.That(directions.ZeroGradientIndices, Is.EqualTo(Enumerable.Range(0, 12)));
        Assert.That(atLevel.Images.Count, Is.Zero);
        Assert.That(atLevel.Outcomes.Select(o => o.Status), Is.All.EqualTo(PerturbationStatus.ZeroDirection));
        Assert.That(raw.Outcomes.Select(o => o.Distance), Is.All.EqualTo(0.0));
    }

    [Test]
    public void PerturbToLevels_PlacesEveryImageAtEachLevel()
    {
        var set = ModelTestData.Synthetic.Subset([.. Enumerable.Range(0, 40)]);
        using var model = ModelTestData.CpuFactory().Create("lenet5", 2);
        var results = new FgsmPerturbation(model).PerturbToLevels(set, [0.5, 1.5]);

        Assert.That(results, Has.Count.EqualTo(2));
        Assert.That(results[0].Target, Is.EqualTo(0.5));
        Assert.That(results[1].MaxAbsoluteError, Is.LessThanOrEqualTo(1e-4));
        Assert.That(results.Select(r => r.Images.Count), Is.All.EqualTo(40));
    }

    /// <summary>A network whose scores ignore the input: the loss gradient is zero at every pixel.</summary>
    private sealed class ConstantArchitecture : IModelArchitecture
    {
        public string Name => "constant";

        public string Description => "scores = bias, whatever the input";

        public nn.Module<Tensor, Tensor> Create(ImageShape shape) => new ConstantModule(shape.ClassCount);
    }

    private sealed class ConstantModule : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear _scores;

        public ConstantModule(int classes)
            : base("constant")
        {
            _scores = nn.Linear(1, classes);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var zeroFeature = input.flatten(1).sum(1, keepdim: true) * 0;
            return _scores.forward(zeroFeature).MoveToOuterDisposeScope();
        }
    }
}
