using Robustness.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robustness.Models.Tests;

/// <summary>
/// A user's own TorchSharp network wrapped with <see cref="ImageClassifier.FromModule"/>: its first convolution is either a
/// plain <c>nn.Conv2d</c>, whose libtorch input gradient is wrong on AVX-512 CPUs, or a <see cref="FirstLayerConv2d"/>.
/// Checked against a float64 copy of the network and against libtorch's own kernel probed on this machine, so that the
/// tests hold on any x86-64 CPU (and under the AVX2 and default-ISA reruns of .ci/run).
/// </summary>
[TestFixture]
[NonParallelizable]
[Category("Gradients")]
public sealed class WrappedModuleTests
{
    private static readonly ImageShape _shape = ImageShape.Mnist;

    [Test]
    public void FirstLayerConv2d_HasNnConv2dsNamesShapesAndForwardValues_SoItsWeightsLoadIntoEitherNetwork()
    {
        torch.manual_seed(21);
        using var plain = new SmallNet(useFirstLayer: false);
        torch.manual_seed(21);
        using var checkedNet = new SmallNet(useFirstLayer: true);

        var plainState = plain.state_dict();
        var checkedState = checkedNet.state_dict();
        Assert.That(checkedState.Keys, Is.EqualTo(plainState.Keys), "conv1.weight, conv1.bias, ... as nn.Conv2d names them");
        foreach (var (name, tensor) in plainState)
        {
            Assert.That(checkedState[name].shape, Is.EqualTo(tensor.shape), name);
            Assert.That(checkedState[name].eq(tensor).all().item<bool>(), Is.True, $"{name}: the same initialisation under the same seed");
        }

        var images = ModelTestData.Synthetic.Subset([.. Enumerable.Range(0, 16)]);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = ImageTensors.Images(images, 0, images.Count, CPU);
        Assert.That(checkedNet.forward(x).eq(plain.forward(x)).all().item<bool>(), Is.True, "the forward values are libtorch's convolution's");
    }

    [Test]
    public void FromModule_RefusesAPlainConv2dFirstLayer_ExactlyWhenLibtorchsOwnKernelIsWrongHere([Values(1, 2)] int threads)
    {
        TorchRuntime.SetThreads(threads);
        double libtorchError = FirstLayerKernels.ProbeLibtorch(new FirstLayerGeometry(SmallNet.Channels, SmallNet.Kernel, 0, _shape.Height, _shape.Width), CPU).MaxRelativeError;
        TestContext.Progress.WriteLine($"{threads} threads: libtorch's own first-layer input gradient is {libtorchError:G3} of the largest value off the closed form");
        torch.manual_seed(3);
        using var plain = new SmallNet(useFirstLayer: false);

        if (libtorchError > 1e-2 || double.IsNaN(libtorchError))
        {
            var refused = Assert.Throws<InvalidOperationException>(() => ImageClassifier.FromModule(plain, _shape, "plain"));
            Assert.That(refused!.Message, Does.Contain("module 'plain'").And.Contain("FirstLayerConv2d").And.Contain("docs/models.md"));
            using var unchecked_ = ImageClassifier.FromModule(plain, _shape, "plain", checkGradients: false);
            Assert.That(unchecked_.Architecture, Is.EqualTo("plain"), "the check can be declined");
        }
        else if (libtorchError < 1e-5)
        {
            using var accepted = ImageClassifier.FromModule(plain, _shape, "plain");
            Assert.That(accepted.Architecture, Is.EqualTo("plain"), "libtorch's kernel is right on this CPU, so the plain network is accepted");
        }
        else
        {
            Assert.Inconclusive($"libtorch's kernel is {libtorchError:G3} off here: neither clearly right nor clearly wrong.");
        }
    }

    /// <summary>A network registered as an architecture of the user's is checked the same way, before its first attack (creating and training it need no input gradient).</summary>
    [Test]
    public void ARegisteredArchitecture_IsCheckedAgainstFloat64_BeforeItsFirstAttack()
    {
        double libtorchError = FirstLayerKernels.ProbeLibtorch(new FirstLayerGeometry(SmallNet.Channels, SmallNet.Kernel, 0, _shape.Height, _shape.Width), CPU).MaxRelativeError;
        var factory = new ModelFactory([new SmallArchitecture("small-plain", false), new SmallArchitecture("small-checked", true)], new ModelOptions { Device = "cpu", Threads = ModelTestData.Threads });
        var images = ModelTestData.Synthetic.Subset([.. Enumerable.Range(0, 20)]);
        using var plain = factory.Create("small-plain", 5);
        using var checkedNet = factory.Create("small-checked", 5);

        Assert.That(plain.Predict(images), Has.Length.EqualTo(20), "inference needs no input gradient and is never refused");
        Assert.That(new FgsmPerturbation(checkedNet).Attack(images, 1.0).Images.Count, Is.EqualTo(20));
        if (libtorchError > 1e-2 || double.IsNaN(libtorchError))
        {
            var refused = Assert.Throws<InvalidOperationException>(() => new FgsmPerturbation(plain));
            Assert.That(refused!.Message, Does.Contain("architecture 'small-plain'").And.Contain("FirstLayerConv2d"));
        }
        else if (libtorchError < 1e-5)
        {
            Assert.That(new FgsmPerturbation(plain).Attack(images, 1.0).Images.Count, Is.EqualTo(20));
        }
        else
        {
            Assert.Inconclusive($"libtorch's kernel is {libtorchError:G3} off here: neither clearly right nor clearly wrong.");
        }
    }

    [Test]
    public void AWrappedNetworkWithFirstLayerConv2d_IsAccepted_AndEveryAttackGradientAgreesWithFloat64([Values(1, 2)] int threads)
    {
        TorchRuntime.SetThreads(threads);
        torch.manual_seed(3);
        using var module = new SmallNet(useFirstLayer: true);
        using var model = ImageClassifier.FromModule(module, _shape, "small");
        var set = ModelTestData.Synthetic.Subset([.. Enumerable.Range(0, 64)]);
        var gradients = new float[set.Count * set.PixelsPerImage];
        new ModelGradients(model, batchSize: 32).CrossEntropyGradient(set, gradients);
        double[] reference = Float64Reference.CrossEntropyGradient(model, set);

        double share = Float64Reference.ShareWithin(gradients, reference, set.PixelsPerImage, Float64Gradients.Tolerance);
        var (strong, agree) = Float64Reference.SignAgreement(gradients, reference, set.PixelsPerImage);
        TestContext.Progress.WriteLine($"{threads} threads: {share:P1} of images within {Float64Gradients.Tolerance:G}; signs {agree}/{strong}");
        Assert.That(share, Is.GreaterThanOrEqualTo(0.95));
        Assert.That(agree, Is.GreaterThanOrEqualTo(0.999 * strong));
        Assert.That(model.ParameterCount, Is.EqualTo(module.parameters().Sum(p => p.numel())));
    }

    [Test]
    public void FirstLayerConv2d_RefusesImagesOfSeveralChannels_AndImpossibleSizes()
    {
        using var layer = new FirstLayerConv2d(4, 3, padding: 1);
        using var scope = NewDisposeScope();
        Assert.That(() => layer.forward(zeros(2, 3, 8, 8)), Throws.ArgumentException.With.Message.Contains("(N, 1, H, W)").And.Message.Contains("[2, 3, 8, 8]"));
        Assert.That(() => new FirstLayerConv2d(0, 3), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(layer.forward(zeros(2, 1, 8, 8)).shape, Is.EqualTo(new long[] { 2, 4, 8, 8 }));
        Assert.That(layer.Bias, Is.Not.Null);
        using var noBias = new FirstLayerConv2d(4, 3, bias: false);
        Assert.That(noBias.Bias, Is.Null);
        Assert.That(noBias.state_dict().Keys, Is.EqualTo(new[] { "weight" }));
    }

    private sealed class SmallArchitecture(string name, bool useFirstLayer) : IModelArchitecture
    {
        public string Name => name;

        public string Description => "conv 8@5x5, max pool, conv 16@5x5, fc 10 (test)";

        public nn.Module<Tensor, Tensor> Create(ImageShape shape) => new SmallNet(useFirstLayer);
    }

    /// <summary>conv 8@5x5 (plain or checked), ReLU, 2x2 max pool, conv 16@5x5, ReLU, flatten, fc 10: a user's network.</summary>
    private sealed class SmallNet : nn.Module<Tensor, Tensor>
    {
        public const int Channels = 8;
        public const int Kernel = 5;

        private readonly nn.Module<Tensor, Tensor> _conv1;
        private readonly Conv2d _conv2;
        private readonly MaxPool2d _pool;
        private readonly Linear _fc;

        public SmallNet(bool useFirstLayer)
            : base("small")
        {
            _conv1 = useFirstLayer ? new FirstLayerConv2d(Channels, Kernel) : nn.Conv2d(1, Channels, Kernel);
            _pool = nn.MaxPool2d(2);
            _conv2 = nn.Conv2d(Channels, 16, Kernel);
            _fc = nn.Linear(16 * 8 * 8, 10);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var x = _pool.forward(nn.functional.relu(_conv1.forward(input)));
            x = nn.functional.relu(_conv2.forward(x));
            return _fc.forward(x.flatten(1)).MoveToOuterDisposeScope();
        }
    }
}
