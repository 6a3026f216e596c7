using Robustness.Evaluation.Benchmarks;
using Robustness.Tests.Shared;

namespace Robustness.Evaluation.Tests;

public sealed class SuiteCacheTests
{
    [Test]
    public void SecondRequest_LoadsFromDisk_WithoutRebuilding()
    {
        using var temp = new TempFolder();
        var test = EvaluationTestData.SyntheticTest;
        var builder = BenchmarkBuilder.CreateDefault();
        var cache = new SuiteCache(temp.Path);

        var first = cache.GetOrBuildGaussian(builder, test, 3, [1, 4]);
        string folder = cache.GetFolder(first.Key);
        var stamps = Directory.GetFiles(folder).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var second = cache.GetOrBuildGaussian(builder, test, 3, [1, 4]);
        var fresh = new SuiteCache(temp.Path).GetOrBuildGaussian(builder, test, 3, [1, 4]);

        Assert.That(cache.BuildCount, Is.EqualTo(1));
        Assert.That(cache.LoadCount, Is.EqualTo(1));
        Assert.That(second.Manifest, Is.Not.Null);
        Assert.That(second.Key, Is.EqualTo(first.Key));
        Assert.That(Directory.GetFiles(folder).ToDictionary(f => f, File.GetLastWriteTimeUtc), Is.EqualTo(stamps));
        Assert.That(fresh.ImageCount, Is.EqualTo(first.ImageCount));
        Assert.That(Directory.GetDirectories(temp.Path), Has.Length.EqualTo(1));
    }

    [Test]
    public void DifferentSeedOrLevels_BuildsAnotherSuite()
    {
        using var temp = new TempFolder();
        var test = EvaluationTestData.SyntheticTest;
        var builder = BenchmarkBuilder.CreateDefault();
        var cache = new SuiteCache(temp.Path);

        var a = cache.GetOrBuildGaussian(builder, test, 3, [1]);
        var b = cache.GetOrBuildGaussian(builder, test, 4, [1]);
        var c = cache.GetOrBuildGaussian(builder, test, 3, [1, 2]);
        var d = cache.GetOrBuildClean(builder, test);

        Assert.That(cache.BuildCount, Is.EqualTo(4));
        Assert.That(new[] { a.Key, b.Key, c.Key, d.Key }.Distinct().Count(), Is.EqualTo(4));
        Assert.That(Directory.GetDirectories(temp.Path), Has.Length.EqualTo(4));
    }

    [Test]
    public void FgsmSuite_IsCachedPerReferenceModel()
    {
        using var temp = new TempFolder();
        var test = EvaluationTestData.SyntheticTest;
        var builder = BenchmarkBuilder.CreateDefault();
        var cache = new SuiteCache(temp.Path);
        var model = EvaluationTestData.TrainedLeNet;
        using var untrained = EvaluationTestData.CpuFactory().Create("lenet5", 42);

        cache.GetOrBuildFgsm(builder, test, model, levels: [2]);
        var again = cache.GetOrBuildFgsm(builder, test, model, levels: [2]);
        cache.GetOrBuildFgsm(builder, test, untrained, levels: [2]);

        Assert.That(cache.BuildCount, Is.EqualTo(2));
        Assert.That(cache.LoadCount, Is.EqualTo(1));
        Assert.That(again.ReferenceModel!.Architecture, Is.EqualTo("lenet5"));
    }

    [Test]
    public void ATamperedCachedSuite_IsAnError_NotASilentRebuild()
    {
        using var temp = new TempFolder();
        var test = EvaluationTestData.SyntheticTest;
        var builder = BenchmarkBuilder.CreateDefault();
        var cache = new SuiteCache(temp.Path);
        var suite = cache.GetOrBuildGaussian(builder, test, 3, [1]);
        string victim = Path.Combine(cache.GetFolder(suite.Key), "level-00-labels-idx1-ubyte");
        var bytes = File.ReadAllBytes(victim);
        bytes[^1] = (byte)((bytes[^1] + 1) % 10);
        File.WriteAllBytes(victim, bytes);

        var e = Assert.Throws<InvalidDataException>(() => cache.GetOrBuildGaussian(builder, test, 3, [1]));

        Assert.That(e!.Message, Does.StartWith(victim));
        Assert.That(cache.BuildCount, Is.EqualTo(1));
    }

    [Test]
    public void Key_IsStable_AndNamesTheKind()
    {
        var a = new SuiteKey(BenchmarkKind.Gaussian, BenchmarkLevels.Default, 1, "abc", null);
        var b = new SuiteKey(BenchmarkKind.Gaussian, BenchmarkLevels.Range(0.5, 12, 0.5), 1, "abc", null);

        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.FolderName, Does.StartWith("gaussian-"));
        Assert.That(a.CanonicalText, Does.StartWith("kind=gaussian;levels=0.5,1,1.5,"));
        Assert.That(a.Hash, Has.Length.EqualTo(64));
    }
}
