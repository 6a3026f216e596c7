using Robustness.Tests.Shared;

namespace Robustness.Data.Tests;

/// <summary>The real MNIST test set, loaded once for all tests (ignored or failed through TestData when absent).</summary>
internal static class MnistTestSet
{
    private static ImageSet? _set;

    public static readonly int[] ClassCounts = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

    public static string ImagesPath => TestData.Mnist("t10k-images-idx3-ubyte.gz");

    public static string LabelsPath => TestData.Mnist("t10k-labels-idx1-ubyte.gz");

    public static ImageSet Load()
    {
        string images = ImagesPath;
        string labels = LabelsPath;
        return _set ??= IdxDataset.LoadImageSet(images, labels, "mnist/test");
    }
}
