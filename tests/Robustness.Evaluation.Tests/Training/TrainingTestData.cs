using Robustness.Data;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Training;
using Robustness.Perturbations;
using Robustness.Tests.Shared;

namespace Robustness.Evaluation.Tests.Training;

/// <summary>Data and checks shared by the training-set tests.</summary>
internal static class TrainingTestData
{
    private static readonly Lazy<ImageSet> _mnist100 = new(() =>
        DatasetBuilders.StratifiedSubset(
            IdxDataset.LoadImageSet(TestData.Mnist("t10k-images-idx3-ubyte.gz"), TestData.Mnist("t10k-labels-idx1-ubyte.gz"), "mnist-test"),
            100,
            5,
            "mnist-test-100pc"));

    /// <summary>100 images per class of the real MNIST test set (1,000 images; ignores or fails the test when absent).</summary>
    public static ImageSet Mnist100 => _mnist100.Value;

    /// <summary>A seeded Gaussian perturbation.</summary>
    public static GaussianNoisePerturbation Gaussian() => new(new PerturbationOptions { Seed = 9 });

    /// <summary>A design point with the given factors (id made up from them).</summary>
    public static DesignPoint Point(double g = 0, int gk = 0, double f = 0, int fk = 0, double? ci = null, double ld = 0, ZeroLevelPolicy zero = ZeroLevelPolicy.AddNothing) =>
        new($"test-g{g}-{gk}-f{f}-{fk}-ci{ci}-ld{ld}", ResearchQuestion.Rq6, 0, g, gk, f, fk, ci, ld, zero);

    /// <summary>The l2 distance between two images, in double.</summary>
    public static double Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = (double)a[i] - b[i];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }

    /// <summary>
    /// Checks a component block: every added image is at its level from the image it was copied from
    /// (its source, in the base part of the set) and carries the source's label and true label.
    /// </summary>
    public static void CheckBlock(TrainingSetResult result, AddedImages block, double tolerance = 1e-4)
    {
        var set = result.Images;
        Assert.That(block.SourceIndices, Is.Ordered.Ascending.And.Unique);
        Assert.That(block.SourceIndices, Is.All.InRange(0, result.Report.BaseCount - 1), "copies come from the base part");
        for (int j = 0; j < block.Count; j++)
        {
            int at = block.Offset + j;
            int source = block.SourceIndices[j];
            double d = Distance(set.GetImage(at), set.GetImage(source));
            Assert.That(d, Is.EqualTo(block.Level).Within(tolerance), $"{block.Kind} image {j} (set index {at}) vs. its source {source}");
            Assert.That(set.GetLabel(at), Is.EqualTo(set.GetLabel(source)), "the copy keeps its source's label");
            Assert.That(result.TrueLabels[at], Is.EqualTo(result.TrueLabels[source]), "and its true label");
        }
    }

    /// <summary>Every pixel and label of a set.</summary>
    public static (float[] Pixels, int[] Labels) Contents(ImageSet set)
    {
        var pixels = new float[set.Count * set.PixelsPerImage];
        set.CopyPixelsTo(pixels);
        return (pixels, set.CopyLabels());
    }
}
