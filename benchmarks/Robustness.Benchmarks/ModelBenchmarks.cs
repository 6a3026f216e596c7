using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.Logging.Abstractions;
using Robustness.Data;
using Robustness.Models;

namespace Robustness.Benchmarks;

/// <summary>
/// The Models side of the PyTorch comparison (benchmarks/pytorch/lenet5_bench.py does the same work):
/// one LeNet-5 training epoch on the 60,000 Fashion-MNIST training images (Adam lr 1e-3, batch 128)
/// and FGSM directions for the 10,000 test images (batches of 500), CPU, 2 libtorch threads.
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
}
