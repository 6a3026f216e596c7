using Microsoft.Extensions.DependencyInjection;
using Robustness.Perturbations;
using TorchSharp;
using static TorchSharp.torch;

namespace Robustness.Models.Tests;

public sealed class ModelFactoryTests
{
    [TestCase("lenet5", 28, 28)]
    [TestCase("lenet5", 32, 32)]
    [TestCase("alexnet8", 28, 28)]
    [TestCase("alexnet8", 16, 20)]
    public void Architectures_MapABatchToOneScorePerClass(string architecture, int height, int width)
    {
        using var model = ModelTestData.CpuFactory().Create(architecture, 1, new ImageShape(height, width, 10));
        using var scope = NewDisposeScope();
        var output = model.Module.forward(torch.rand(7, 1, height, width));

        Assert.That(output.shape, Is.EqualTo(new long[] { 7, 10 }));
    }

    [Test]
    public void Create_WithOneSeed_GivesIdenticalWeights_AndTheTableParameterCounts()
    {
        var factory = ModelTestData.CpuFactory();
        using var a = factory.Create("LeNet5", 7);
        using var b = factory.Create("lenet5", 7);
        using var c = factory.Create("lenet5", 8);
        using var alex = factory.Create("alexnet8", 7);

        Assert.That(b.CopyWeights(), Is.EqualTo(a.CopyWeights()));
        Assert.That(c.CopyWeights(), Is.Not.EqualTo(a.CopyWeights()));
        // docs/models.md: LeNet-5 156 + 2,416 + 48,120 + 10,164 + 850; AlexNet-8 320 + 27,744 + 166,080 + 221,312 + 147,584 + 590,336 + 131,328 + 2,570.
        Assert.That(a.ParameterCount, Is.EqualTo(61_706));
        Assert.That(alex.ParameterCount, Is.EqualTo(1_287_274));
        Assert.That(factory.Architectures, Is.EqualTo(new[] { "lenet5", "alexnet8" }));
    }

    [Test]
    public void Create_Throws_ForAnUnknownArchitecture()
    {
        Assert.That(() => ModelTestData.CpuFactory().Create("resnet", 1), Throws.ArgumentException.With.Message.Contains("resnet").And.Message.Contains("lenet5"));
    }

    [Test]
    public void AddRobustnessModels_RegistersEverything_AndKeepsUserArchitectures()
    {
        var services = new ServiceCollection();
        services.AddRobustnessModels(o => o.Device = "cpu");
        services.AddRobustnessModels(o => o.FgsmBatchSize = 64);
        services.AddModelArchitecture(new TinyArchitecture());
        using var provider = services.BuildServiceProvider();

        var factory = provider.GetRequiredService<IModelFactory>();
        Assert.That(provider.GetRequiredService<ModelOptions>().Device, Is.EqualTo("cpu"), "a second call keeps the first call's settings");
        Assert.That(provider.GetRequiredService<ModelOptions>().FgsmBatchSize, Is.EqualTo(64), "and applies its own");
        Assert.That(services.Count(d => d.ServiceType == typeof(IL2LevelSolver)), Is.EqualTo(1), "the solver is registered once, by the perturbations");
        Assert.That(() => new ServiceCollection().AddRobustnessModels().AddRobustnessModels(o => o.FgsmBatchSize = 0), Throws.InstanceOf<ArgumentException>(), "every configure is validated");
        Assert.That(factory.Architectures, Is.EqualTo(new[] { "lenet5", "alexnet8", "tiny" }));
        Assert.That(provider.GetRequiredService<IL2LevelSolver>(), Is.InstanceOf<ExactL2LevelSearch>());
        Assert.That(provider.GetRequiredService<ModelTrainer>(), Is.Not.Null);
        using var tiny = factory.Create("tiny", 1);
        Assert.That(tiny.Predict(ModelTestData.Synthetic), Has.Length.EqualTo(200));
        Assert.That(new FgsmPerturbation(tiny, provider.GetRequiredService<FgsmOptions>(), provider.GetRequiredService<IL2LevelSolver>()).ComputeDirections(ModelTestData.Synthetic).Count, Is.EqualTo(200));
    }

    [TestCase("auto", ComputeDeviceKind.Auto, 0, "auto")]
    [TestCase("CPU", ComputeDeviceKind.Cpu, 0, "cpu")]
    [TestCase("cuda", ComputeDeviceKind.Cuda, 0, "cuda:0")]
    [TestCase(" cuda:2 ", ComputeDeviceKind.Cuda, 2, "cuda:2")]
    public void ComputeDevice_Parses(string text, ComputeDeviceKind kind, int index, string canonical)
    {
        var device = ComputeDevice.Parse(text);

        Assert.That(device.Kind, Is.EqualTo(kind));
        Assert.That(device.Index, Is.EqualTo(index));
        Assert.That(device.ToString(), Is.EqualTo(canonical));
    }

    [TestCase("gpu")]
    [TestCase("cuda:")]
    [TestCase("cuda:-1")]
    [TestCase("cuda:x")]
    [TestCase("")]
    public void ComputeDevice_Rejects(string text)
    {
        Assert.That(ComputeDevice.TryParse(text, out _), Is.False);
        Assert.That(() => ComputeDevice.Parse(text), Throws.ArgumentException.With.Message.Contains("auto, cpu, cuda"));
    }

    [Test]
    public void ComputeDevice_Auto_ResolvesToCudaOnlyWhenAvailable()
    {
        bool cuda = torch.cuda.is_available();

        Assert.That(ComputeDevice.Auto.Resolve().IsCuda, Is.EqualTo(cuda));
        if (!cuda)
        {
            Assert.That(() => ComputeDevice.Parse("cuda").Resolve(), Throws.InvalidOperationException.With.Message.Contains("CUDA is not available"));
        }
    }

    private sealed class TinyArchitecture : IModelArchitecture
    {
        public string Name => "tiny";

        public string Description => "flatten, linear";

        public nn.Module<Tensor, Tensor> Create(ImageShape shape) => new TinyModule(shape);
    }

    private sealed class TinyModule : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear _linear;

        public TinyModule(ImageShape shape)
            : base("tiny")
        {
            _linear = nn.Linear(shape.PixelsPerImage, shape.ClassCount);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            return _linear.forward(input.flatten(1)).MoveToOuterDisposeScope();
        }
    }
}
