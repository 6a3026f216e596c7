using Robustness.Data;
using Robustness.Tests.Shared;

namespace Robustness.Perturbations.Tests;

/// <summary>The real MNIST test set, loaded once per test run (ignored / failed by TestData when absent).</summary>
internal static class Mnist
{
    private static readonly Lazy<ImageSet> _testSet = new(() => IdxDataset.LoadImageSet(
        TestData.Mnist("t10k-images-idx3-ubyte.gz"), TestData.Mnist("t10k-labels-idx1-ubyte.gz"), "mnist-test"));

    public static ImageSet TestSet
    {
        get
        {
            _ = TestData.MnistFolder; // ignores (or fails under CI) before the lazy load when the data is absent
            return _testSet.Value;
        }
    }

    /// <summary>The first <paramref name="count"/> test images as a subset view.</summary>
    public static ImageSet First(int count) => TestSet.Subset(Enumerable.Range(0, count).ToArray(), "mnist-test-" + count);
}
