using System.Text.Json;
using Robustness.Data;
using Robustness.Data.Sources;
using Robustness.Evaluation.Benchmarks;
using Robustness.Models;
using Robustness.Tests.Shared;

namespace Robustness.Cli.Tests;

public sealed class BenchCommandTests
{
    private string _temp = "";

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("robustness-cli-bench-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_temp, recursive: true);

    [Test]
    public void BuildGaussian_WritesAVerifiableSuite_AndASummary()
    {
        string output = Path.Combine(_temp, "mnist-c");

        (int exit, string stdout, string stderr) = CliRunner.Run("bench", "build", "--suite", "gaussian", "--dataset", "synthetic", "--per-class", "5",
            "--levels", "0.5:2:0.5", "--seed", "3", "--out", output);

        Assert.That(exit, Is.Zero, stderr);
        Assert.That(stderr, Is.Empty);
        Assert.That(stdout, Does.Contain("levels: 4 (0.5, 1, 1.5, 2)"));
        Assert.That(stdout, Does.Contain("images: 200 written, 0 excluded"));
        Assert.That(stdout, Does.Contain("max |error|:"));
        Assert.That(stdout, Does.Contain(output));
        var suite = BenchmarkSuite.Load(output);
        Assert.That(suite.Kind, Is.EqualTo(BenchmarkKind.Gaussian));
        Assert.That(suite.Seed, Is.EqualTo(3UL));
        Assert.That(suite.TestCount, Is.EqualTo(50));
        Assert.That(suite.LevelSets.Select(l => l.Images.ClassCounts.Distinct().Single()), Is.All.EqualTo(5));

        // The CLI's suite is the library's suite of the same subset and seed, byte for byte.
        var test = DatasetBuilders.StratifiedSubset(new SyntheticDigits(new SyntheticDigitsOptions()).Load(DatasetSplit.Test), 5, 3);
        var expected = BenchmarkBuilder.CreateDefault().BuildGaussian(test, 3, [0.5, 1, 1.5, 2]);
        Assert.That(suite.Identity, Is.EqualTo(expected.Identity));
        Assert.That(DataFingerprint.Compute(suite.LevelSets[3].Images), Is.EqualTo(DataFingerprint.Compute(expected.LevelSets[3].Images)));
    }

    [Test]
    public void BuildClean_OnRealMnist_WritesTheTestSet()
    {
        string output = Path.Combine(_temp, "mnist-test");

        (int exit, string stdout, string stderr) = CliRunner.Run("bench", "build", "--suite", "clean", "--data", TestData.MnistFolder, "--per-class", "20", "--out", output);

        Assert.That(exit, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("levels: 1 (0)"));
        Assert.That(stdout, Does.Contain("images: 200 written"));
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json")));
        Assert.That(manifest.RootElement.GetProperty("kind").GetString(), Is.EqualTo("clean"));
        Assert.That(manifest.RootElement.GetProperty("testSet").GetProperty("count").GetInt32(), Is.EqualTo(200));
    }

    [Test]
    public void BuildFgsm_UsesTheReferenceCheckpoint_AndRecordsItsFingerprint()
    {
        string checkpoint = Path.Combine(_temp, "reference.bin");
        using (var model = ModelFactory.CreateDefault(new ModelOptions { Device = "cpu" }).Create("lenet5", 4))
        {
            ModelCheckpoint.Save(model, checkpoint);
        }

        string output = Path.Combine(_temp, "mnist-a");
        (int exit, string stdout, string stderr) = CliRunner.Run("bench", "build", "--suite", "fgsm", "--dataset", "synthetic", "--per-class", "3",
            "--levels", "1,3", "--reference-checkpoint", checkpoint, "--out", output);

        Assert.That(exit, Is.Zero, stderr);
        var fingerprint = ReferenceModelFingerprint.FromCheckpoint(checkpoint);
        Assert.That(stdout, Does.Contain($"reference: lenet5, weights SHA-256 {fingerprint.WeightsSha256}"));
        var suite = BenchmarkSuite.Load(output);
        Assert.That(suite.ReferenceModel, Is.EqualTo(fingerprint));
        Assert.That(suite.Levels, Is.EqualTo(new[] { 1.0, 3.0 }));
        Assert.That(suite.ImageCount + suite.ExcludedCount, Is.EqualTo(60));
    }

    [Test]
    public void BuildFgsm_FailsWithOneLine_WithoutAReferenceCheckpoint()
    {
        (int exit, string stdout, string stderr) = CliRunner.Run("bench", "build", "--suite", "fgsm", "--dataset", "synthetic", "--out", Path.Combine(_temp, "x"));

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.Contain("--reference-checkpoint"));
        Assert.That(Directory.Exists(Path.Combine(_temp, "x")), Is.False);
    }

    [Test]
    public void Build_IsAUsageError_ForBadLevels()
    {
        (int exit, _, string stderr) = CliRunner.Run("bench", "build", "--suite", "gaussian", "--dataset", "synthetic", "--levels", "2,1", "--out", Path.Combine(_temp, "x"));

        Assert.That(exit, Is.EqualTo(RobustnessCli.UsageError));
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.Contain("strictly increasing"));
    }

    [Test]
    public void Build_FailsWithOneLine_WhenTheOutputFolderIsNotEmpty()
    {
        string output = Path.Combine(_temp, "busy");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "keep.txt"), "x");

        (int exit, _, string stderr) = CliRunner.Run("bench", "build", "--suite", "clean", "--dataset", "synthetic", "--per-class", "2", "--out", output);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stderr, Does.StartWith($"robustness: {output}: expected an absent or empty folder"));
        Assert.That(File.Exists(Path.Combine(output, "keep.txt")), Is.True);
    }

    [Test]
    public void Build_IsAUsageError_WithoutOut()
    {
        (int exit, _, string stderr) = CliRunner.Run("bench", "build", "--suite", "clean");

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--out"));
    }
}
