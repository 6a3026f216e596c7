using System.Security.Cryptography;
using System.Text.Json;
using Robustness.Data;
using Robustness.Evaluation.Benchmarks;
using Robustness.Models;
using Robustness.Tests.Shared;

namespace Robustness.Evaluation.Tests;

public sealed class GaussianSuiteTests
{
    [Test]
    public void ExportedGaussianSuite_ReadByAnIndependentReader_HasEveryImageAtItsLevelAndMatchingHashes()
    {
        var mnist = EvaluationTestData.MnistTest();
        var test = DatasetBuilders.StratifiedSubset(mnist, 100, 3);
        using var temp = new TempFolder();
        string folder = temp.Combine("mnist-c");

        var suite = BenchmarkBuilder.CreateDefault().BuildGaussian(test, 77);
        suite.Save(folder);

        using var manifestDoc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
        var root = manifestDoc.RootElement;
        Assert.That(root.GetProperty("kind").GetString(), Is.EqualTo("gaussian"));
        Assert.That(root.GetProperty("seed").GetUInt64(), Is.EqualTo(77UL));
        Assert.That(root.GetProperty("testSet").GetProperty("fingerprint").GetString(), Is.EqualTo(DataFingerprint.Compute(test)));
        Assert.That(root.GetProperty("generator").GetProperty("name").GetString(), Is.EqualTo("gaussian-philox4x32-10"));
        Assert.That(root.GetProperty("createdBy").GetString(), Does.StartWith("Robustness.Evaluation "));
        var levels = root.GetProperty("levels").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.That(levels, Is.EqualTo(Enumerable.Range(1, 24).Select(i => i * 0.5).ToArray()));

        var clean = new float[test.Count * test.PixelsPerImage];
        test.CopyPixelsTo(clean);
        int checkedImages = 0, outOfRange = 0, wrongLabels = 0, offLevel = 0;
        double worst = 0;
        var files = root.GetProperty("levelFiles").EnumerateArray().ToArray();
        Assert.That(files, Has.Length.EqualTo(24));
        foreach (var entry in files)
        {
            double level = entry.GetProperty("level").GetDouble();
            string imagesPath = Path.Combine(folder, entry.GetProperty("imagesFile").GetString()!);
            string labelsPath = Path.Combine(folder, entry.GetProperty("labelsFile").GetString()!);
            Assert.That(Sha256(imagesPath), Is.EqualTo(entry.GetProperty("imagesSha256").GetString()), imagesPath);
            Assert.That(Sha256(labelsPath), Is.EqualTo(entry.GetProperty("labelsSha256").GetString()), labelsPath);

            var excluded = entry.GetProperty("excludedSourceIndices").EnumerateArray().Select(e => e.GetInt32()).ToHashSet();
            int[] sources = Enumerable.Range(0, test.Count).Where(i => !excluded.Contains(i)).ToArray();
            var (dims, pixels) = EvaluationTestData.ReadFloat32Idx(imagesPath);
            var (labelDims, labels) = EvaluationTestData.ReadByteIdx(labelsPath);
            Assert.That(dims, Is.EqualTo(new[] { sources.Length, 28, 28 }));
            Assert.That(labelDims, Is.EqualTo(new[] { sources.Length }));
            Assert.That(entry.GetProperty("count").GetInt32(), Is.EqualTo(sources.Length));

            var classCounts = new int[10];
            for (int k = 0; k < sources.Length; k++)
            {
                int src = sources[k];
                if (labels[k] != test.GetLabel(src))
                {
                    wrongLabels++;
                }

                classCounts[labels[k]]++;
                double sum = 0;
                for (int p = 0; p < 784; p++)
                {
                    float x = pixels[(k * 784) + p];
                    if (!(x >= 0f && x <= 1f))
                    {
                        outOfRange++;
                    }

                    double d = x - (double)clean[(src * 784) + p];
                    sum += d * d;
                }

                double error = Math.Abs(Math.Sqrt(sum) - level);
                worst = Math.Max(worst, error);
                if (!(error <= 1e-4))
                {
                    offLevel++;
                }

                checkedImages++;
            }

            Assert.That(entry.GetProperty("classCounts").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(classCounts));
        }

        // On MNIST no image is unreachable at 0.5..12 (docs/perturbations.md), so all 24,000 are there.
        Assert.That(checkedImages, Is.EqualTo(24 * 1000));
        Assert.That(outOfRange, Is.Zero, "pixels outside [0, 1]");
        Assert.That(wrongLabels, Is.Zero, "labels differing from the clean test set's");
        Assert.That(offLevel, Is.Zero, $"images farther than 1e-4 from their level (worst {worst:E2})");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4));
        Assert.That(worst, Is.LessThanOrEqualTo(suite.MaxAbsoluteError + 1e-6));
    }

    [Test]
    public void Load_GivesBackTheSameImagesAndCounts_AfterSave()
    {
        var test = EvaluationTestData.SyntheticTest;
        using var temp = new TempFolder();
        var suite = BenchmarkBuilder.CreateDefault().BuildGaussian(test, 5, [0.5, 3, 6]);
        suite.Save(temp.Combine("s"));

        var loaded = BenchmarkSuite.Load(temp.Combine("s"));

        Assert.That(loaded.Kind, Is.EqualTo(BenchmarkKind.Gaussian));
        Assert.That(loaded.Levels, Is.EqualTo(new[] { 0.5, 3.0, 6.0 }));
        Assert.That(loaded.Seed, Is.EqualTo(5UL));
        Assert.That(loaded.Key, Is.EqualTo(suite.Key));
        for (int l = 0; l < 3; l++)
        {
            var a = suite.LevelSets[l].Images;
            var b = loaded.LevelSets[l].Images;
            Assert.That(b.Count, Is.EqualTo(a.Count));
            Assert.That(b.Labels.ToArray(), Is.EqualTo(a.Labels.ToArray()));
            for (int i = 0; i < a.Count; i++)
            {
                Assert.That(b.GetImage(i).SequenceEqual(a.GetImage(i)), Is.True, $"level {l}, image {i}");
            }
        }
    }

    /// <summary>A killed 'bench build' leaves a hidden temporary folder (and a killed overwrite an .old one); the next save of the same suite removes them, and only them.</summary>
    [Test]
    public void Save_RemovesTheLeftoversOfAnInterruptedSaveOfTheSameSuite_Only()
    {
        using var temp = new TempFolder();
        string hex = new('a', 32);
        string leftover = temp.Combine($".s.{hex}.tmp");
        string old = temp.Combine($".s.{new string('b', 32)}.old");
        string other = temp.Combine($".t.{hex}.tmp");
        string notOurs = temp.Combine(".s.notes.tmp");
        foreach (string folder in new[] { leftover, old, other })
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "level-00-images-idx3-float32"), "partial");
        }

        File.WriteAllText(notOurs, "a user's file");
        BenchmarkBuilder.CreateDefault().BuildGaussian(EvaluationTestData.SyntheticTest, 5, [1]).Save(temp.Combine("s"));

        Assert.That(Directory.Exists(leftover), Is.False, "the interrupted save's temporary");
        Assert.That(Directory.Exists(old), Is.False, "the interrupted overwrite's old folder");
        Assert.That(Directory.Exists(other), Is.True, "another suite's temporary is not this save's to remove");
        Assert.That(File.Exists(notOurs), Is.True, "a name without the 32-hex-digit id is not a temporary");
        Assert.That(BenchmarkSuite.Load(temp.Combine("s")).Levels, Is.EqualTo(new[] { 1.0 }));
    }

    [Test]
    public void Load_Throws_NamingTheFile_WhenALevelFileHasAChangedByte()
    {
        using var temp = new TempFolder();
        string folder = temp.Combine("s");
        BenchmarkBuilder.CreateDefault().BuildGaussian(EvaluationTestData.SyntheticTest, 5, [1, 2]).Save(folder);
        string victim = Path.Combine(folder, "level-01-images-idx3-float32");
        var bytes = File.ReadAllBytes(victim);
        bytes[5000] ^= 0x01;
        File.WriteAllBytes(victim, bytes);

        var e = Assert.Throws<InvalidDataException>(() => BenchmarkSuite.Load(folder));

        Assert.That(e!.Message, Does.StartWith(victim + ":"));
        Assert.That(e.Message, Does.Contain("SHA-256"));
    }

    [Test]
    public void Load_Throws_NamingTheFile_WhenALabelsFileIsMissing()
    {
        using var temp = new TempFolder();
        string folder = temp.Combine("s");
        BenchmarkBuilder.CreateDefault().BuildGaussian(EvaluationTestData.SyntheticTest, 5, [1, 2]).Save(folder);
        string victim = Path.Combine(folder, "level-00-labels-idx1-ubyte");
        File.Delete(victim);

        var e = Assert.Throws<FileNotFoundException>(() => BenchmarkSuite.Load(folder));

        Assert.That(e!.Message, Does.StartWith(victim + ":"));
        Assert.That(e.Message, Does.Contain("missing"));
    }

    [Test]
    public void Load_Throws_WhenTheManifestCountsDisagreeWithTheFiles()
    {
        using var temp = new TempFolder();
        string folder = temp.Combine("s");
        BenchmarkBuilder.CreateDefault().BuildGaussian(EvaluationTestData.SyntheticTest, 5, [1]).Save(folder);
        string manifest = Path.Combine(folder, "manifest.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"count\": 200", "\"count\": 199", StringComparison.Ordinal));

        var e = Assert.Throws<InvalidDataException>(() => BenchmarkSuite.Load(folder));

        Assert.That(e!.Message, Does.Contain("level-00-images-idx3-float32: expected 199 images"));
        Assert.That(e.Message, Does.Contain("found 200"));
    }

    [Test]
    public void Save_Refuses_ANonEmptyFolder_AndLeavesNoTemporaryFolder()
    {
        using var temp = new TempFolder();
        string folder = temp.Combine("s");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "other.txt"), "x");
        var suite = BenchmarkBuilder.CreateDefault().BuildClean(EvaluationTestData.SyntheticTest);

        var e = Assert.Throws<IOException>(() => suite.Save(folder));

        Assert.That(e!.Message, Does.StartWith(folder));
        Assert.That(Directory.GetFileSystemEntries(temp.Path), Is.EqualTo(new[] { folder }));
        suite.Save(folder, overwrite: true);
        Assert.That(File.Exists(Path.Combine(folder, "other.txt")), Is.False);
        Assert.That(Directory.GetFileSystemEntries(temp.Path), Is.EqualTo(new[] { folder }));
        Assert.That(BenchmarkSuite.Load(folder).ImageCount, Is.EqualTo(200));
    }

    [Test]
    public void GaussianSuite_IsByteIdentical_ForTheSameSeed_AndDiffers_ForAnother()
    {
        var test = EvaluationTestData.SyntheticTest;
        var builder = BenchmarkBuilder.CreateDefault();
        var a = builder.BuildGaussian(test, 9, [2]);
        var b = builder.BuildGaussian(test, 9, [2]);
        var c = builder.BuildGaussian(test, 10, [2]);

        Assert.That(DataFingerprint.Compute(b.LevelSets[0].Images), Is.EqualTo(DataFingerprint.Compute(a.LevelSets[0].Images)));
        Assert.That(DataFingerprint.Compute(c.LevelSets[0].Images), Is.Not.EqualTo(DataFingerprint.Compute(a.LevelSets[0].Images)));
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
