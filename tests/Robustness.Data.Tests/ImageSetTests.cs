using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Robustness.Data.Tests;

public sealed class ImageSetTests
{
    [Test]
    public void Create_ExposesImagesLabelsAndCounts()
    {
        var set = Small();

        Assert.That(set.Count, Is.EqualTo(4));
        Assert.That(set.PixelsPerImage, Is.EqualTo(6));
        Assert.That(set.GetImage(2).ToArray(), Is.EqualTo(Enumerable.Range(12, 6).Select(Pixel).ToArray()));
        Assert.That(set.GetLabel(3), Is.EqualTo(2));
        Assert.That(set.ClassCounts, Is.EqualTo(new[] { 1, 2, 1 }));
        var cached = set.ClassCounts;
        Assert.That(set.ClassCounts, Is.SameAs(cached));
        Assert.That(set.ToString(), Is.EqualTo("small: 4 images of 2 x 3, 3 classes"));
    }

    [Test]
    public void Create_TakesOwnershipOfTheArrays_WithoutCopying()
    {
        var pixels = new float[12];
        var set = ImageSet.Create("own", pixels, [0, 1], 2, 3, 2);

        Assert.That(set.Storage, Is.SameAs(pixels));
    }

    [Test]
    public void Create_Throws_WhenLengthsLabelsOrPixelsAreInvalid()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => ImageSet.Create("x", new float[11], [0, 1], 2, 3, 2),
                Throws.ArgumentException.With.Message.Contains("12").And.Message.Contains("11"));
            Assert.That(() => ImageSet.Create("x", new float[12], [0, 2], 2, 3, 2),
                Throws.ArgumentException.With.Message.Contains("Label 2 at index 1 is outside 0..1"));
            Assert.That(() => ImageSet.Create("x", [0, 0, 0, float.NaN], [0], 2, 2, 2),
                Throws.ArgumentException.With.Message.Contains("Pixel 3").And.Message.Contains("NaN"));
            Assert.That(() => ImageSet.Create("x", [0, 0, -0.01f, 0], [0], 2, 2, 2),
                Throws.ArgumentException.With.Message.Contains("-0.01"));
            Assert.That(() => ImageSet.Create("x", [0, 0, 1.0001f, 0], [0], 2, 2, 2),
                Throws.ArgumentException.With.Message.Contains("within [0, 1]"));
            Assert.That(() => ImageSet.Create(" ", new float[4], [0], 2, 2, 2), Throws.ArgumentException);
            Assert.That(() => ImageSet.Create("x", new float[4], [0], 0, 2, 2), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void Subset_SharesStorage_AndIndexesCorrectly()
    {
        var set = Small();

        var sub = set.Subset([3, 1, 1], "sub");
        var subOfSub = sub.Subset([2, 0]);

        Assert.That(sub.Name, Is.EqualTo("sub"));
        Assert.That(sub.Storage, Is.SameAs(set.Storage));
        Assert.That(subOfSub.Storage, Is.SameAs(set.Storage));
        Assert.That(sub.IsContiguous, Is.False);
        Assert.That(SameMemory(sub.GetImage(0), set.GetImage(3)), Is.True);
        Assert.That(SameMemory(subOfSub.GetImage(0), set.GetImage(1)), Is.True);
        Assert.That(SameMemory(subOfSub.GetImage(1), set.GetImage(3)), Is.True);
        Assert.That(sub.Labels.ToArray(), Is.EqualTo(new[] { 2, 1, 1 }));
        Assert.That(subOfSub.Labels.ToArray(), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(sub.ClassCounts, Is.EqualTo(new[] { 0, 2, 1 }));
        Assert.That(() => set.Subset([4]), Throws.ArgumentException.With.Message.Contains("Index 4 at position 0 is outside 0..3"));
    }

    [Test]
    public void CompactAndCopyPixelsTo_GiveTheImagesContiguouslyInOrder()
    {
        var set = Small();
        var sub = set.Subset([3, 0]);

        var compact = sub.Compact("compact");
        var buffer = new float[2 * 6];
        sub.CopyPixelsTo(buffer);

        var expected = set.GetImage(3).ToArray().Concat(set.GetImage(0).ToArray()).ToArray();
        Assert.That(buffer, Is.EqualTo(expected));
        Assert.That(compact.IsContiguous, Is.True);
        Assert.That(compact.Storage, Is.Not.SameAs(set.Storage));
        Assert.That(compact.Storage, Is.EqualTo(expected));
        Assert.That(compact.Labels.ToArray(), Is.EqualTo(new[] { 2, 0 }));
        Assert.That(set.Compact(), Is.SameAs(set));
        Assert.That(() => sub.CopyPixelsTo(new float[11]), Throws.ArgumentException);
    }

    [Test]
    public void WithLabels_KeepsPixels_AndValidatesLabels()
    {
        var set = Small();
        var sub = set.Subset([1, 2]);

        var relabelled = sub.WithLabels([2, 2], "relabelled");

        Assert.That(relabelled.Storage, Is.SameAs(set.Storage));
        Assert.That(SameMemory(relabelled.GetImage(1), set.GetImage(2)), Is.True);
        Assert.That(relabelled.Labels.ToArray(), Is.EqualTo(new[] { 2, 2 }));
        Assert.That(sub.Labels.ToArray(), Is.EqualTo(new[] { 1, 1 }));
        Assert.That(relabelled.LabelDisturbance(sub.Labels), Is.EqualTo(1.0));
        Assert.That(() => sub.WithLabels([0]), Throws.ArgumentException);
        Assert.That(() => sub.WithLabels([0, 3]), Throws.ArgumentException.With.Message.Contains("Label 3 at index 1"));
    }

    [Test]
    public void Merge_Concatenates_AndChecksShapes()
    {
        var set = Small();
        var merged = ImageSet.Merge("merged", set.Subset([3]), set, set.Subset([0]));

        Assert.That(merged.Count, Is.EqualTo(6));
        Assert.That(merged.IsContiguous, Is.True);
        Assert.That(merged.GetImage(0).ToArray(), Is.EqualTo(set.GetImage(3).ToArray()));
        Assert.That(merged.GetImage(4).ToArray(), Is.EqualTo(set.GetImage(3).ToArray()));
        Assert.That(merged.GetImage(5).ToArray(), Is.EqualTo(set.GetImage(0).ToArray()));
        Assert.That(merged.Labels.ToArray(), Is.EqualTo(new[] { 2, 0, 1, 1, 2, 0 }));

        var other = ImageSet.Create("other", new float[4], [0], 2, 2, 3);
        Assert.That(() => ImageSet.Merge("bad", set, other), Throws.ArgumentException.With.Message.Contains("2 x 3").And.Message.Contains("2 x 2"));
        Assert.That(() => ImageSet.Merge("none"), Throws.ArgumentException);
    }

    [Test]
    public void ImbalanceDegree_OfRealMnistTestSet_Is1Minus892Over1135()
    {
        var set = MnistTestSet.Load();

        Assert.That(set.ImbalanceDegree(), Is.EqualTo(1 - (892.0 / 1135.0)).Within(1e-12));
        Assert.That(set.ImbalanceDegree(), Is.EqualTo(0.2141).Within(5e-5));
        Assert.That(set.ImbalanceDegree(1), Is.Zero);
        Assert.That(set.ImbalanceDegree(0), Is.EqualTo(1 - (980.0 / 1135.0)).Within(1e-12));
    }

    [Test]
    public void LabelDisturbance_IsTheFractionOfChangedLabels_OverallAndPerClass()
    {
        var set = ImageSet.Create("ld", new float[5], [0, 0, 1, 1, 1], 1, 1, 2);
        var disturbed = set.WithLabels([1, 0, 0, 1, 1]);

        Assert.That(disturbed.LabelDisturbance(set.Labels), Is.EqualTo(0.4).Within(1e-12));
        Assert.That(disturbed.LabelDisturbanceByClass(set.Labels), Is.EqualTo(new[] { 0.5, 1.0 / 3 }).Within(1e-12));
        Assert.That(() => disturbed.LabelDisturbance([0, 1]), Throws.ArgumentException);
    }

    private static float Pixel(int i) => i / 23f;

    private static ImageSet Small() =>
        ImageSet.Create("small", Enumerable.Range(0, 24).Select(Pixel).ToArray(), [0, 1, 1, 2], 2, 3, 3);

    private static bool SameMemory(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        a.Length == b.Length && Unsafe.AreSame(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b));
}
