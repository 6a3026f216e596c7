using Robustness.Data;
using Robustness.Data.Sources;
using Robustness.Tests.Shared;
using TorchSharp;

namespace Robustness.Models.Tests;

/// <summary>Small sets and settings shared by the Models tests.</summary>
internal static class ModelTestData
{
    /// <summary>Thread count of every test that trains (bitwise determinism needs a fixed count).</summary>
    public const int Threads = 2;

    private static readonly Lazy<ImageSet> _synthetic = new(() => SyntheticDigits.Generate(20, 7, "synthetic-200"));

    /// <summary>200 deterministic synthetic digits (20 per class), 28 x 28.</summary>
    public static ImageSet Synthetic => _synthetic.Value;

    /// <summary>A factory on the CPU.</summary>
    public static ModelFactory CpuFactory() => ModelFactory.CreateDefault(new ModelOptions { Device = "cpu", Threads = Threads });

    /// <summary>A trainer on the CPU with the test thread count.</summary>
    public static ModelTrainer CpuTrainer() => new(new ModelOptions { Device = "cpu", Threads = Threads }, Microsoft.Extensions.Logging.Abstractions.NullLogger<ModelTrainer>.Instance);

    /// <summary>The real MNIST test set (ignores or fails the test when absent).</summary>
    public static ImageSet MnistTest() => IdxDataset.LoadImageSet(TestData.Mnist("t10k-images-idx3-ubyte.gz"), TestData.Mnist("t10k-labels-idx1-ubyte.gz"), "mnist-test");

    /// <summary>Live tensors on this thread (TorchSharp's dispose-scope statistics).</summary>
    public static long LiveTensors() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;
}
