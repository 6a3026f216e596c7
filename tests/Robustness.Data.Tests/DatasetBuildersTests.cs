using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Robustness.Data.Tests;

public sealed class DatasetBuildersTests
{
    private static readonly int[] _wrongAtLd03 = [294, 341, 310, 303, 295, 268, 287, 308, 292, 303];

    [Test]
    public void WithClassImbalance_At04_OnRealMnistTest_Keeps1135OfDigit1And681OfEveryOther()
    {
        var mnist = MnistTestSet.Load();

        var imbalanced = DatasetBuilders.WithClassImbalance(mnist, 0.4, seed: 7);

        Assert.That(imbalanced.ClassCounts, Is.EqualTo(new[] { 681, 1135, 681, 681, 681, 681, 681, 681, 681, 681 }));
        Assert.That(imbalanced.Count, Is.EqualTo(1135 + (9 * 681)));
        Assert.That(imbalanced.ImbalanceDegree(), Is.EqualTo(0.4).Within(1e-12));
        Assert.That(imbalanced.Storage, Is.SameAs(mnist.Storage));
        var origin = OriginalIndices(imbalanced, mnist);
        Assert.That(origin, Is.Ordered.Ascending);
        Assert.That(origin.Distinct().Count(), Is.EqualTo(origin.Length));
        Assert.That(origin.Select(mnist.GetLabel), Is.EqualTo(imbalanced.Labels.ToArray()));
        Assert.That(imbalanced.Name, Is.EqualTo("mnist/test-ci0.4"));
    }

    [Test]
    public void WithClassImbalance_IsDeterministicPerSeed_AndDiffersBetweenSeeds()
    {
        var mnist = MnistTestSet.Load();

        var a = OriginalIndices(DatasetBuilders.WithClassImbalance(mnist, 0.3, seed: 1), mnist);
        var b = OriginalIndices(DatasetBuilders.WithClassImbalance(mnist, 0.3, seed: 1), mnist);
        var c = OriginalIndices(DatasetBuilders.WithClassImbalance(mnist, 0.3, seed: 2), mnist);

        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Has.Length.EqualTo(a.Length));
        Assert.That(c, Is.Not.EqualTo(a));
    }

    [TestCase(0.1)]
    [TestCase(0.0)]
    public void WithClassImbalance_Throws_WhenBelowTheSetsOwnImbalance(double ci)
    {
        var mnist = MnistTestSet.Load();

        var ex = Assert.Throws<ArgumentException>(() => DatasetBuilders.WithClassImbalance(mnist, ci, seed: 1));

        Assert.That(ex.Message, Does.Contain($"CI = {ci}").And.Contain("[0.2141").And.Contain("has only"));
        Assert.That(ex.ParamName, Is.EqualTo("ci"));
    }

    [TestCase(1.0)]
    [TestCase(1.5)]
    [TestCase(-0.1)]
    [TestCase(double.NaN)]
    public void WithClassImbalance_Throws_WhenOutsideZeroToOne(double ci)
    {
        var set = Balanced(3, 10);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => DatasetBuilders.WithClassImbalance(set, ci, seed: 1));

        Assert.That(ex.Message, Does.Contain("[0, 1)").And.Contain(ci.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void WithClassImbalance_AtItsOwnDegree_KeepsTheSmallestClassWhole()
    {
        var mnist = MnistTestSet.Load();

        var same = DatasetBuilders.WithClassImbalance(mnist, 1 - (892.0 / 1135), seed: 3);

        Assert.That(same.ClassCounts, Is.All.EqualTo(892).Or.EqualTo(1135));
        Assert.That(same.ClassCounts[5], Is.EqualTo(892));
    }

    [Test]
    public void WithClassImbalance_RoundsHalvesAwayFromZero()
    {
        // n_max = 10, CI = 0.35: (1 - 0.35) x 10 = 6.5 -> 7 (to-even rounding would give 6).
        var set = ImageSet.Create("half", new float[19], [.. Enumerable.Repeat(0, 10), .. Enumerable.Repeat(1, 9)], 1, 1, 2);

        var reduced = DatasetBuilders.WithClassImbalance(set, 0.35, seed: 5);

        Assert.That(reduced.ClassCounts, Is.EqualTo(new[] { 10, 7 }));
        Assert.That(DatasetBuilders.RoundCount(0.75m, 6742), Is.EqualTo(5057));
        Assert.That(DatasetBuilders.RoundCount(1m - DatasetBuilders.ToDecimal(0.45), 2), Is.EqualTo(1));
    }

    [Test]
    public void WithLabelErrors_At03_OnRealMnistTest_RelabelsExactlyRoundedShareOfEveryClass()
    {
        var mnist = MnistTestSet.Load();

        var noisy = DatasetBuilders.WithLabelErrors(mnist, 0.3, seed: 11);

        var perClassWrong = new int[10];
        var sent = new int[10, 10];
        for (int i = 0; i < mnist.Count; i++)
        {
            int truth = mnist.GetLabel(i), label = noisy.GetLabel(i);
            if (truth != label)
            {
                perClassWrong[truth]++;
                sent[truth, label]++;
            }
        }

        Assert.That(perClassWrong, Is.EqualTo(_wrongAtLd03));
        Assert.That(noisy.LabelDisturbance(mnist.Labels), Is.EqualTo(0.3).Within(0.0005));
        Assert.That(noisy.LabelDisturbanceByClass(mnist.Labels), Is.All.EqualTo(0.3).Within(0.0006));
        for (int c = 0; c < 10; c++)
        {
            var targets = Enumerable.Range(0, 10).Where(t => t != c).Select(t => sent[c, t]).ToArray();
            Assert.That(targets.Max() - targets.Min(), Is.LessThanOrEqualTo(1), $"class {c} spreads its wrong labels evenly");
            Assert.That(targets.Min(), Is.EqualTo(_wrongAtLd03[c] / 9), $"class {c}");
        }

        // Relabelled, not added: the same images, the same true class sizes.
        Assert.That(noisy.Count, Is.EqualTo(mnist.Count));
        Assert.That(noisy.Storage, Is.SameAs(mnist.Storage));
        Assert.That(OriginalIndices(noisy, mnist), Is.EqualTo(Enumerable.Range(0, mnist.Count)));
        Assert.That(mnist.ClassCounts, Is.EqualTo(MnistTestSet.ClassCounts));
        Assert.That(noisy.ClassCounts.Sum(), Is.EqualTo(10_000));
    }

    [Test]
    public void WithLabelErrors_KeepsObservedLabelCountsExactly_WhenClassesAreEqual()
    {
        var set = Balanced(10, 100);

        var noisy = DatasetBuilders.WithLabelErrors(set, 0.25, seed: 4);

        Assert.That(noisy.LabelDisturbance(set.Labels), Is.EqualTo(0.25));
        Assert.That(noisy.ClassCounts, Is.All.EqualTo(100));
    }

    [Test]
    public void WithLabelErrors_SendsRemaindersWhereTheyKeepObservedCounts_ForEverySeed()
    {
        // Classes 0 and 1 each relabel round(0.1 x 10) = 1 image; class 2 none. Sending each to the other
        // keeps every observed count; sending either to class 2 would not, so no seed may do that.
        int[] labels = [.. Enumerable.Repeat(0, 10), .. Enumerable.Repeat(1, 10), 2];
        var set = ImageSet.Create("three", new float[labels.Length], labels, 1, 1, 3);

        for (ulong seed = 0; seed < 20; seed++)
        {
            var noisy = DatasetBuilders.WithLabelErrors(set, 0.1, seed);

            Assert.That(noisy.ClassCounts, Is.EqualTo(new[] { 10, 10, 1 }), $"seed {seed}");
            Assert.That(noisy.LabelDisturbanceByClass(set.Labels), Is.EqualTo(new[] { 0.1, 0.1, 0.0 }).Within(1e-12));
        }
    }

    [Test]
    public void WithLabelErrors_IsDeterministicPerSeed_AndDiffersBetweenSeeds()
    {
        var mnist = MnistTestSet.Load();

        var a = DatasetBuilders.WithLabelErrors(mnist, 0.1, seed: 99).Labels.ToArray();
        var b = DatasetBuilders.WithLabelErrors(mnist, 0.1, seed: 99).Labels.ToArray();
        var c = DatasetBuilders.WithLabelErrors(mnist, 0.1, seed: 100).Labels.ToArray();

        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.Not.EqualTo(a));
    }

    [Test]
    public void WithLabelErrors_AtZero_ChangesNothing()
    {
        var mnist = MnistTestSet.Load();

        var same = DatasetBuilders.WithLabelErrors(mnist, 0, seed: 1);

        Assert.That(same.Labels.ToArray(), Is.EqualTo(mnist.Labels.ToArray()));
    }

    [TestCase(0.91)]
    [TestCase(-0.05)]
    [TestCase(double.NaN)]
    public void WithLabelErrors_Throws_WhenOutsideAllowedRange(double ld)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => DatasetBuilders.WithLabelErrors(Balanced(3, 10), ld, seed: 1));

        Assert.That(ex.Message, Does.Contain("[0, 0.9]"));
        Assert.That(ex.ParamName, Is.EqualTo("ld"));
    }

    [Test]
    public void StratifiedSubset_TakesNPerClass_InOriginalOrder()
    {
        var mnist = MnistTestSet.Load();

        var sub = DatasetBuilders.StratifiedSubset(mnist, 100, seed: 3);
        var again = DatasetBuilders.StratifiedSubset(mnist, 100, seed: 3);
        var other = DatasetBuilders.StratifiedSubset(mnist, 100, seed: 4);

        Assert.That(sub.ClassCounts, Is.All.EqualTo(100));
        Assert.That(sub.Storage, Is.SameAs(mnist.Storage));
        var origin = OriginalIndices(sub, mnist);
        Assert.That(origin, Is.Ordered.Ascending);
        Assert.That(origin.Select(mnist.GetLabel), Is.EqualTo(sub.Labels.ToArray()));
        Assert.That(OriginalIndices(again, mnist), Is.EqualTo(origin));
        Assert.That(OriginalIndices(other, mnist), Is.Not.EqualTo(origin));
    }

    [Test]
    public void StratifiedSubset_WithCountsPerClass_TakesThoseCounts()
    {
        var mnist = MnistTestSet.Load();
        int[] want = [0, 1, 2, 3, 4, 892, 6, 7, 8, 9];

        var sub = DatasetBuilders.StratifiedSubset(mnist, want, seed: 3);

        Assert.That(sub.ClassCounts, Is.EqualTo(want));
    }

    [Test]
    public void StratifiedSubset_Throws_WhenAClassHasTooFewImages()
    {
        var mnist = MnistTestSet.Load();

        var ex = Assert.Throws<ArgumentException>(() => DatasetBuilders.StratifiedSubset(mnist, 893, seed: 1));

        Assert.That(ex.Message, Does.Contain("893 images of class 5").And.Contain("has 892 of class 5"));
    }

    [Test]
    public void Merge_OfImbalancedAndNoisyParts_AddsTheCounts()
    {
        var mnist = MnistTestSet.Load();
        var part = DatasetBuilders.StratifiedSubset(mnist, 10, seed: 1);

        var merged = DatasetBuilders.Merge("merged", mnist, part);

        Assert.That(merged.Count, Is.EqualTo(10_100));
        Assert.That(merged.ClassCounts, Is.EqualTo(MnistTestSet.ClassCounts.Select(n => n + 10)));
        Assert.That(merged.GetImage(10_000).ToArray(), Is.EqualTo(part.GetImage(0).ToArray()));
    }

    private static ImageSet Balanced(int classes, int perClass)
    {
        int n = classes * perClass;
        return ImageSet.Create("balanced", new float[n], Enumerable.Range(0, n).Select(i => i % classes).ToArray(), 1, 1, classes);
    }

    /// <summary>For every image of a view, its index in the contiguous parent (from the memory address).</summary>
    private static int[] OriginalIndices(ImageSet view, ImageSet parent)
    {
        ref float start = ref MemoryMarshal.GetArrayDataReference(parent.Storage);
        var result = new int[view.Count];
        for (int i = 0; i < result.Length; i++)
        {
            nint bytes = Unsafe.ByteOffset(ref start, ref MemoryMarshal.GetReference(view.GetImage(i)));
            result[i] = (int)(bytes / sizeof(float) / parent.PixelsPerImage);
        }

        return result;
    }
}
