using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Robustness.Data;

namespace Robustness.Perturbations.Tests;

public class GaussianNoisePerturbationTests
{
    private static readonly double[] _paperLevels = [.. Enumerable.Range(1, 24).Select(k => k * 0.5)];

    [Test]
    public void MnistC_AllTwentyFourLevels_EveryImageWithin1e4_AndClassCountsKept()
    {
        var test = Mnist.TestSet;
        var gaussian = new GaussianNoisePerturbation(new PerturbationOptions());
        var total = Stopwatch.StartNew();
        long evaluations = 0;
        foreach (var chunk in _paperLevels.Chunk(6))
        {
            var results = gaussian.PerturbToLevels(test, chunk);
            foreach (var result in results)
            {
                int unreachable = result.Count(PerturbationStatus.Unreachable);
                int redrawn = result.Outcomes.Count(o => o.Draws > 1);
                TestContext.Out.WriteLine($"level {result.Target,4:0.0}: {result.Images.Count,6:N0} images, max |d - L| = {result.MaxAbsoluteError:E2}, unreachable {unreachable}, redrawn {redrawn}, sigma {result.Outcomes.Min(o => o.Size):F4}..{result.Outcomes.Max(o => o.Size):F4}");
                Assert.That(result.Count(PerturbationStatus.ToleranceNotMet), Is.Zero);
                Assert.That(result.MaxAbsoluteError, Is.LessThanOrEqualTo(1e-4));
                Assert.That(unreachable + result.Images.Count, Is.EqualTo(test.Count));
                if (unreachable == 0)
                {
                    Assert.That(result.Images.ClassCounts, Is.EqualTo(test.ClassCounts), "per-class counts of a complete level equal the test set's");
                }

                // Independent check of a sample of images: recomputed distance and pixel range.
                for (int k = 0; k < result.Images.Count; k += 97)
                {
                    var image = result.Images.GetImage(k).ToArray();
                    var clean = test.GetImage(result.SourceIndices[k]).ToArray();
                    Assert.That(L2LevelSearchPropertyTests.Distance(image, clean), Is.EqualTo(result.Target).Within(1e-4));
                    Assert.That(result.Images.GetLabel(k), Is.EqualTo(test.GetLabel(result.SourceIndices[k])));
                }
            }
        }

        // Newton evaluations per image on a sample, for the docs.
        var workspace = new L2SearchWorkspace(784);
        var output = new float[784];
        foreach (double level in new[] { 0.5, 4, 8, 12 })
        {
            evaluations = 0;
            for (int i = 0; i < 1000; i++)
            {
                gaussian.FillNoise(i, level, PerturbationTargetKind.Level, 0, workspace.Direction, workspace);
                ExactL2LevelSearch.SolveCore(test.GetImage(i), workspace.Direction, level, output, workspace, 1e-4, out int e);
                evaluations += e;
            }

            TestContext.Out.WriteLine($"level {level}: mean Newton evaluations per image {evaluations / 1000.0:F2}");
        }

        TestContext.Out.WriteLine($"24 levels x {test.Count:N0} images in {total.Elapsed.TotalSeconds:F2} s");
    }

    [Test]
    public void SameSeed_GivesByteIdenticalSets_AtOneTwoAndFourThreads()
    {
        var images = Mnist.First(1500);
        byte[]? reference = null;
        foreach (int threads in new[] { 1, 2, 4 })
        {
            foreach (bool shared in new[] { false, true })
            {
                var gaussian = new GaussianNoisePerturbation(new PerturbationOptions { Seed = 42, MaxDegreeOfParallelism = threads, ShareDrawAcrossLevels = shared });
                var results = gaussian.PerturbToLevels(images, [0.5, 4, 12]);
                byte[] bytes = [.. results.SelectMany(r => Bytes(r.Images)), .. results.SelectMany(r => MemoryMarshal.AsBytes(r.Outcomes.ToArray().AsSpan()).ToArray())];
                if (!shared)
                {
                    if (reference is null)
                    {
                        reference = bytes;
                    }
                    else
                    {
                        Assert.That(bytes, Is.EqualTo(reference), $"{threads} threads differ from 1 thread");
                    }
                }
            }
        }

        var other = new GaussianNoisePerturbation(new PerturbationOptions { Seed = 43 }).PerturbToLevel(images, 0.5);
        Assert.That(Bytes(other.Images), Is.Not.EqualTo(reference!.Take(images.Count * 784 * 4).ToArray()), "another seed gives other noise");
    }

    [Test]
    public void ExactSearch_BeatsThePaperBaseline_OnTheSameMnistImagesAndNoise()
    {
        var images = Mnist.First(400);
        var gaussian = new GaussianNoisePerturbation(new PerturbationOptions { ShareDrawAcrossLevels = true });
        var directions = new float[images.Count * 784];
        var workspace = new L2SearchWorkspace(784);
        for (int i = 0; i < images.Count; i++)
        {
            gaussian.FillNoise(i, 0, PerturbationTargetKind.Level, 0, directions.AsSpan(i * 784, 784), workspace);
        }

        foreach (double level in new[] { 0.5, 4, 8, 12 })
        {
            var exact = DirectionalPerturbation.ToLevel(images, directions, level, ExactL2LevelSearch.Default, "gaussian");
            var paper = DirectionalPerturbation.ToLevel(images, directions, level, new PaperGridSearch(), "gaussian");
            var guess = DirectionalPerturbation.ToLevel(images, directions, level, new PaperGridSearch(startFromUnclippedGuess: true), "gaussian");
            TestContext.Out.WriteLine($"level {level,4}: exact max |error| {exact.MaxAbsoluteError:E2} ({exact.Images.Count} images), paper {paper.MaxAbsoluteError:E3} ({paper.Images.Count} images), paper+guess {guess.MaxAbsoluteError:E3}");
            Assert.That(exact.IsComplete && paper.IsComplete && guess.IsComplete, Is.True);
            Assert.That(exact.MaxAbsoluteError, Is.LessThanOrEqualTo(1e-4));
            Assert.That(paper.MaxAbsoluteError, Is.LessThanOrEqualTo(0.125));
            Assert.That(guess.MaxAbsoluteError, Is.LessThanOrEqualTo(0.125));
            Assert.That(paper.MaxAbsoluteError, Is.GreaterThan(exact.MaxAbsoluteError));
        }
    }

    [Test]
    public void SharedDraw_ScalesOneNoiseAcrossLevels_AndSizeFormUsesIt()
    {
        var images = Mnist.First(50);
        var gaussian = new GaussianNoisePerturbation(new PerturbationOptions { ShareDrawAcrossLevels = true, Seed = 3 });
        var results = gaussian.PerturbToLevels(images, [2, 6]);
        var sized = gaussian.PerturbWithSize(images, 0.3);
        var z = new float[784];
        var workspace = new L2SearchWorkspace(784);
        for (int i = 0; i < images.Count; i++)
        {
            gaussian.FillNoise(i, 123, PerturbationTargetKind.Level, 0, z, workspace);
            var x = images.GetImage(i);
            foreach (var (result, set) in new[] { (results[0].Outcomes[i], results[0].Images), (results[1].Outcomes[i], results[1].Images), (sized.Outcomes[i], sized.Images) })
            {
                Assert.That(result.Draws, Is.EqualTo(1));
                var image = set.GetImage(i);
                float t = (float)result.Size;
                for (int p = 0; p < 784; p += 7)
                {
                    Assert.That(image[p], Is.EqualTo(Math.Clamp(x[p] + (t * z[p]), 0f, 1f)));
                }
            }

            Assert.That(sized.Outcomes[i].Status, Is.EqualTo(PerturbationStatus.Applied));
            Assert.That(sized.Outcomes[i].Distance, Is.EqualTo(L2LevelSearchPropertyTests.Distance(sized.Images.GetImage(i).ToArray(), x.ToArray())).Within(1e-9));
        }
    }

    [Test]
    public void IndependentDraws_DifferBetweenLevels()
    {
        var gaussian = new GaussianNoisePerturbation(new PerturbationOptions());
        var workspace = new L2SearchWorkspace(784);
        var a = new float[784];
        var b = new float[784];
        gaussian.FillNoise(0, 2, PerturbationTargetKind.Level, 0, a, workspace);
        gaussian.FillNoise(0, 2.5, PerturbationTargetKind.Level, 0, b, workspace);
        Assert.That(a, Is.Not.EqualTo(b));
    }

    [Test]
    public void UnreachableImages_AreReportedAndLeftOut_WithLabelsKeptInOrder()
    {
        // Image 1 is all white and its direction pushes up: nothing can move. Image 2 is all zero, the direction pushes down.
        const int Pixels = 16;
        var pixels = new float[4 * Pixels];
        for (int p = 0; p < Pixels; p++)
        {
            pixels[p] = 0.5f;
            pixels[Pixels + p] = 1f;
            pixels[(3 * Pixels) + p] = p / 16f;
        }

        var set = ImageSet.Create("tiny", pixels, [3, 1, 4, 1], 4, 4, 5);
        var directions = new float[4 * Pixels];
        Array.Fill(directions, 1f, 0, Pixels);
        Array.Fill(directions, 1f, Pixels, Pixels);
        Array.Fill(directions, -1f, 2 * Pixels, Pixels);
        Array.Fill(directions, 1f, 3 * Pixels, Pixels);
        var result = DirectionalPerturbation.ToLevel(set, directions, 1.0, ExactL2LevelSearch.Default, "sign");
        Assert.That(result.FailedIndices, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(result.Outcomes[1].Status, Is.EqualTo(PerturbationStatus.Unreachable));
        Assert.That(result.Outcomes[1].Distance, Is.Zero);
        Assert.That(result.SourceIndices, Is.EqualTo(new[] { 0, 3 }));
        Assert.That(result.Images.Count, Is.EqualTo(2));
        Assert.That(result.Images.Labels.ToArray(), Is.EqualTo(new[] { 3, 1 }));
        Assert.That(result.IsComplete, Is.False);
        Assert.That(L2LevelSearchPropertyTests.Distance(result.Images.GetImage(1).ToArray(), set.GetImage(3).ToArray()), Is.EqualTo(1.0).Within(1e-4));

        var zero = DirectionalPerturbation.ToLevel(set, new float[4 * Pixels], 1.0, ExactL2LevelSearch.Default, "none");
        Assert.That(zero.Outcomes.Select(o => o.Status), Has.All.EqualTo(PerturbationStatus.ZeroDirection));
        Assert.That(zero.Images.Count, Is.Zero);
    }

    [Test]
    public void Batch_ReportsProgress_AndHonoursCancellation()
    {
        var images = Mnist.First(300);
        var gaussian = new GaussianNoisePerturbation(new PerturbationOptions());
        var reports = new List<PerturbationProgress>();
        var progress = new SynchronousProgress(reports);
        gaussian.PerturbToLevel(images, 3, progress);
        Assert.That(reports, Is.Not.Empty);
        Assert.That(reports.Max(r => r.Completed), Is.EqualTo(300));
        Assert.That(reports.All(r => r.Total == 300), Is.True);

        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.That(() => gaussian.PerturbToLevel(images, 3, cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Arguments_AreChecked()
    {
        var gaussian = new GaussianNoisePerturbation(new PerturbationOptions());
        var images = ImageSet.Create("one", new float[4], [0], 2, 2, 1);
        Assert.That(() => gaussian.PerturbToLevel(images, -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => gaussian.PerturbToLevels(images, [1, double.NaN]), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => gaussian.PerturbWithSize(images, double.PositiveInfinity), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new GaussianNoisePerturbation(new PerturbationOptions { MaxDraws = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => ExactL2LevelSearch.Default.Solve([0.5f, 2f], [1f, 1f], 0.1, new float[2], new L2SearchWorkspace(2)), Throws.ArgumentException);
        Assert.That(() => ExactL2LevelSearch.Default.Solve([0.5f, 0.5f], [1f, float.NaN], 0.1, new float[2], new L2SearchWorkspace(2)), Throws.ArgumentException);
        Assert.That(() => ExactL2LevelSearch.Default.Solve([0.5f, 0.5f], [1f, 1f], 0.1, new float[3], new L2SearchWorkspace(2)), Throws.ArgumentException);
        Assert.That(() => ExactL2LevelSearch.Default.Solve([0.5f, 0.5f], [1f, 1f], 0.1, new float[2], new L2SearchWorkspace(3)), Throws.ArgumentException);
        Assert.That(() => DirectionalPerturbation.ToLevel(images, new float[3], 1, ExactL2LevelSearch.Default, "x"), Throws.ArgumentException);
    }

    [Test]
    public void AddRobustnessPerturbations_RegistersConfiguredServices()
    {
        var services = new ServiceCollection();
        Assert.That(services.AddRobustnessPerturbations(o => o.Seed = 77), Is.SameAs(services));
        services.AddRobustnessPerturbations(o => o.MaxDraws = 3); // a second configure applies to the same options
        using var provider = services.BuildServiceProvider();
        var gaussian = provider.GetRequiredService<GaussianNoisePerturbation>();
        Assert.That(gaussian.Seed, Is.EqualTo(77UL));
        Assert.That(provider.GetRequiredService<PerturbationOptions>().MaxDraws, Is.EqualTo(3));
        Assert.That(services.Count(d => d.ServiceType == typeof(PerturbationOptions)), Is.EqualTo(1));
        Assert.That(provider.GetRequiredService<IL2LevelSolver>(), Is.InstanceOf<ExactL2LevelSearch>());
        Assert.That(provider.GetServices<IPerturbation>().Single(), Is.SameAs(gaussian));
        Assert.That(() => new ServiceCollection().AddRobustnessPerturbations(o => o.Tolerance = 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    private static byte[] Bytes(ImageSet set)
    {
        var pixels = new float[set.Count * set.PixelsPerImage];
        set.CopyPixelsTo(pixels);
        return MemoryMarshal.AsBytes(pixels.AsSpan()).ToArray();
    }

    private sealed class SynchronousProgress(List<PerturbationProgress> reports) : IProgress<PerturbationProgress>
    {
        public void Report(PerturbationProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
