using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Robustness.Data.Sources;

namespace Robustness.Data.Tests.Sources;

public sealed class SyntheticDigitsTests
{
    private static string PixelHash(ImageSet set)
    {
        float[] pixels = new float[set.Count * set.PixelsPerImage];
        set.CopyPixelsTo(pixels);
        return Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(pixels.AsSpan())));
    }

    private static double[][] ClassMeans(ImageSet set)
    {
        var means = new double[10][];
        for (int c = 0; c < 10; c++)
        {
            means[c] = new double[set.PixelsPerImage];
        }

        for (int i = 0; i < set.Count; i++)
        {
            double[] mean = means[set.GetLabel(i)];
            ReadOnlySpan<float> image = set.GetImage(i);
            for (int p = 0; p < image.Length; p++)
            {
                mean[p] += image[p];
            }
        }

        for (int c = 0; c < 10; c++)
        {
            for (int p = 0; p < set.PixelsPerImage; p++)
            {
                means[c][p] /= set.ClassCounts[c];
            }
        }

        return means;
    }

    private static double Distance(ReadOnlySpan<float> image, double[] mean)
    {
        double sum = 0;
        for (int p = 0; p < image.Length; p++)
        {
            double d = image[p] - mean[p];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }

    private static double Distance(double[] a, double[] b)
    {
        double sum = 0;
        for (int p = 0; p < a.Length; p++)
        {
            sum += (a[p] - b[p]) * (a[p] - b[p]);
        }

        return Math.Sqrt(sum);
    }

    [Test]
    public void Generate_IsDeterministic_ForTheSameSeed()
    {
        string first = PixelHash(SyntheticDigits.Generate(50, seed: 7));
        string second = PixelHash(SyntheticDigits.Generate(50, seed: 7));

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void Generate_MatchesPinnedBytes_OnEveryMachine()
    {
        // Pins the generator: integer-only randomness and IEEE-exact geometry must give these bytes everywhere.
        // A change to the glyphs or the jitter legitimately changes this value; update it deliberately.
        Assert.That(PixelHash(SyntheticDigits.Generate(3, seed: 1)), Is.EqualTo(PinnedHash));
    }

    private const string PinnedHash = "c33c3001b2afd2aaca11a413b38cdd0a68be14dd03a10b2a6025a13a12a344dc";

    [Test]
    public void Generate_Differs_ForDifferentSeeds()
    {
        ImageSet a = SyntheticDigits.Generate(20, seed: 1);
        ImageSet b = SyntheticDigits.Generate(20, seed: 2);

        Assert.That(PixelHash(b), Is.Not.EqualTo(PixelHash(a)));
        Assert.That(b.CopyLabels(), Is.EqualTo(a.CopyLabels()));
        int identical = Enumerable.Range(0, a.Count).Count(i => a.GetImage(i).SequenceEqual(b.GetImage(i)));
        Assert.That(identical, Is.Zero);
    }

    [Test]
    public void Source_NamesSetsSynthetic_AndUsesDifferentSeedsPerSplit()
    {
        var source = new SyntheticDigits(new SyntheticDigitsOptions { TrainCountPerClass = 30, TestCountPerClass = 30, Seed = 5 });

        ImageSet train = source.Load(DatasetSplit.Train);
        ImageSet test = source.Load(DatasetSplit.Test);

        Assert.That(train.Name, Is.EqualTo("synthetic/train"));
        Assert.That(test.Name, Is.EqualTo("synthetic/test"));
        Assert.That(train.Count, Is.EqualTo(300));
        Assert.That(PixelHash(test), Is.Not.EqualTo(PixelHash(train)));
        Assert.That(PixelHash(train), Is.EqualTo(PixelHash(SyntheticDigits.Generate(30, 5, "synthetic/train"))));
        Assert.That(PixelHash(test), Is.EqualTo(PixelHash(SyntheticDigits.Generate(30, SyntheticDigits.TestSeed(5), "synthetic/test"))));
        Assert.That(source.GetAvailability(DatasetSplit.Test).IsPresent, Is.True);
        Assert.That(source.Description, Does.StartWith("synthetic"));
    }

    [Test]
    public void Generate_GivesBalancedClasses_AndPixelsInUnitRange()
    {
        ImageSet set = SyntheticDigits.Generate(100, seed: 3);

        Assert.That(set.Count, Is.EqualTo(1000));
        Assert.That(set.Height, Is.EqualTo(28));
        Assert.That(set.Width, Is.EqualTo(28));
        Assert.That(set.ClassCounts, Is.All.EqualTo(100));
        Assert.That(set.ImbalanceDegree(), Is.EqualTo(0.0));
        for (int i = 0; i < set.Count; i++)
        {
            ReadOnlySpan<float> image = set.GetImage(i);
            float min = float.MaxValue;
            float max = float.MinValue;
            int ink = 0;
            foreach (float p in image)
            {
                min = Math.Min(min, p);
                max = Math.Max(max, p);
                ink += p > 0.5f ? 1 : 0;
            }

            Assert.That(min, Is.GreaterThanOrEqualTo(0f), $"image {i}");
            Assert.That(max, Is.LessThanOrEqualTo(1f).And.GreaterThan(0.9f), $"image {i}");
            Assert.That(ink, Is.InRange(20, 300), $"image {i}: stroke pixels");
        }
    }

    [Test]
    public void Generate_GivesDistinctClasses_ThatANearestMeanClassifierSeparates()
    {
        ImageSet train = SyntheticDigits.Generate(200, seed: 11);
        ImageSet test = SyntheticDigits.Generate(100, seed: 12);
        double[][] means = ClassMeans(train);

        double spread = Enumerable.Range(0, train.Count).Average(i => Distance(train.GetImage(i), means[train.GetLabel(i)]));
        double closestMeans = double.MaxValue;
        for (int a = 0; a < 10; a++)
        {
            for (int b = a + 1; b < 10; b++)
            {
                closestMeans = Math.Min(closestMeans, Distance(means[a], means[b]));
            }
        }

        int correct = 0;
        for (int i = 0; i < test.Count; i++)
        {
            ReadOnlySpan<float> image = test.GetImage(i);
            int best = 0;
            double bestDistance = double.MaxValue;
            for (int c = 0; c < 10; c++)
            {
                double d = Distance(image, means[c]);
                if (d < bestDistance)
                {
                    bestDistance = d;
                    best = c;
                }
            }

            correct += best == test.GetLabel(i) ? 1 : 0;
        }

        double accuracy = correct / (double)test.Count;
        TestContext.Out.WriteLine($"closest class means {closestMeans:F3}, mean within-class spread {spread:F3}, nearest-mean accuracy {accuracy:F3}");
        Assert.That(closestMeans, Is.GreaterThan(0.3 * spread));
        Assert.That(accuracy, Is.GreaterThan(0.8));
    }

    [Test]
    public void Generate_Throws_ForBadArguments()
    {
        Assert.That(() => SyntheticDigits.Generate(0, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => SyntheticDigits.Generate(1, 1, noiseAmplitude: 2), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new SyntheticDigits(new SyntheticDigitsOptions { TestCountPerClass = -1 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.That(() => SyntheticDigits.Generate(10, 1, cancellationToken: cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
    }
}
