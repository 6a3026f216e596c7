using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.Logging.Abstractions;
using Robustness.Data;
using Robustness.Models;

namespace Robustness.Benchmarks;

/// <summary>
/// The Models side of the PyTorch comparison (benchmarks/pytorch/lenet5_bench.py does the same work):
/// one LeNet-5 training epoch on the 60,000 Fashion-MNIST training images (Adam lr 1e-3, batch 128),
/// FGSM directions and one PGD-20 pass (l2 = 2, the 20 gradient steps and projections) for the 10,000
/// test images (batches of 500), and inference over them (batches of 1,000), CPU, 2 libtorch threads.
/// Needs Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
/// Run: dotnet run -c Release --project benchmarks/Robustness.Benchmarks -- --filter '*ModelBenchmarks*'
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class ModelBenchmarks
{
    private const string Folder = "/usr/share/datasets/fashion-mnist";
    private ImageSet _train = null!;
    private ImageSet _test = null!;
    private ImageClassifier _model = null!;
    private ModelTrainer _trainer = null!;
    private FgsmPerturbation _fgsm = null!;
    private PgdPerturbation _pgd = null!;
    private int _epoch;

    [GlobalSetup]
    public void Setup()
    {
        if (!File.Exists(Path.Combine(Folder, "train-images-idx3-ubyte.gz")))
        {
            throw new FileNotFoundException($"{Folder}: Fashion-MNIST is missing; apt-get install -y dataset-fashion-mnist.");
        }

        TorchRuntime.SetThreads(2);
        _train = IdxDataset.LoadImageSet(Path.Combine(Folder, "train-images-idx3-ubyte.gz"), Path.Combine(Folder, "train-labels-idx1-ubyte.gz"), "fashion-train");
        _test = IdxDataset.LoadImageSet(Path.Combine(Folder, "t10k-images-idx3-ubyte.gz"), Path.Combine(Folder, "t10k-labels-idx1-ubyte.gz"), "fashion-test");
        var options = new ModelOptions { Device = "cpu", Threads = 2 };
        _model = ModelFactory.CreateDefault(options).Create(ModelFactory.LeNet5, 1);
        _trainer = new ModelTrainer(options, NullLogger<ModelTrainer>.Instance);
        _fgsm = new FgsmPerturbation(_model, new FgsmOptions { BatchSize = 500 });
        _pgd = new PgdPerturbation(_model, new PgdOptions { BatchSize = 500 });
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    /// <summary>One epoch over 60,000 images (the set becomes tensors inside, as in every training).</summary>
    [Benchmark]
    public TrainingReport LeNet5Epoch60k() =>
        _trainer.Train(_model, _train, new TrainingOptions { MaxEpochs = 1, Seed = (ulong)++_epoch, EvaluateTrainingSetAtEnd = false });

    /// <summary>FGSM directions, sign(grad_x CE), for 10,000 images.</summary>
    [Benchmark]
    public FgsmDirections FgsmDirections10k() => _fgsm.ComputeDirections(_test);

    /// <summary>One PGD-20 pass at l2 = 2 over 10,000 images: 20 input gradients and projections per image (the iterates, before the level placement).</summary>
    [Benchmark]
    public float[] Pgd20Pass10k() => _pgd.Iterate(_test, 2.0);

    /// <summary>Predicted classes of 10,000 images.</summary>
    [Benchmark]
    public int[] Inference10k() => _model.Predict(_test);
}

/// <summary>
/// One AlexNet-8 training epoch on the 60,000 Fashion-MNIST training images, once (an epoch takes minutes on 2 cores);
/// benchmarks/pytorch/lenet5_bench.py --alexnet does the same. Run: --filter '*AlexNetBenchmarks*'.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1)]
public class AlexNetBenchmarks
{
    private const string Folder = "/usr/share/datasets/fashion-mnist";
    private ImageSet _train = null!;
    private ImageClassifier _model = null!;
    private ModelTrainer _trainer = null!;

    [GlobalSetup]
    public void Setup()
    {
        TorchRuntime.SetThreads(2);
        _train = IdxDataset.LoadImageSet(Path.Combine(Folder, "train-images-idx3-ubyte.gz"), Path.Combine(Folder, "train-labels-idx1-ubyte.gz"), "fashion-train");
        var options = new ModelOptions { Device = "cpu", Threads = 2 };
        _model = ModelFactory.CreateDefault(options).Create(ModelFactory.AlexNet8, 1);
        _trainer = new ModelTrainer(options, NullLogger<ModelTrainer>.Instance);
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    /// <summary>One epoch over 60,000 images.</summary>
    [Benchmark]
    public TrainingReport AlexNet8Epoch60k() =>
        _trainer.Train(_model, _train, new TrainingOptions { MaxEpochs = 1, Seed = 1, EvaluateTrainingSetAtEnd = false });
}
