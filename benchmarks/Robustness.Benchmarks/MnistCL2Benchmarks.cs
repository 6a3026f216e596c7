using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Robustness.Data;
using Robustness.Perturbations;

namespace Robustness.Benchmarks;

/// <summary>
/// (b) Building a whole MNIST-C: the 10,000 MNIST test images with Gaussian noise at the 24 levels
/// 0.5, 1.0, ..., 12.0 (240,000 float32 images, 752.6 MB of pixels), on all cores. "exact" places
/// every image within 1e-4 of its level; "paper-grid" uses the paper's search (within 0.125).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class MnistCL2Benchmarks
{
    private static readonly double[] _levels = [.. Enumerable.Range(1, 24).Select(k => k * 0.5)];
    private ImageSet _test = null!;
    private GaussianNoisePerturbation _gaussian = null!;

    /// <summary>The solver.</summary>
    [Params("exact", "paper-grid")]
    public string Solver { get; set; } = "exact";

    [GlobalSetup]
    public void Setup()
    {
        _test = MnistData.TestSet;
        var options = new PerturbationOptions();
        _gaussian = Solver == "exact" ? new GaussianNoisePerturbation(options) : new GaussianNoisePerturbation(options, new PaperGridSearch());
        var check = _gaussian.PerturbToLevels(_test, _levels);
        Console.WriteLine($"// MNIST-C ({Solver}): {check.Sum(r => r.Images.Count):N0} images, max |error| {check.Max(r => r.MaxAbsoluteError):E2}, unreachable {check.Sum(r => r.Count(PerturbationStatus.Unreachable))}");
    }

    /// <summary>Builds the 24 perturbed sets; returns the image count.</summary>
    [Benchmark]
    public int BuildMnistC()
    {
        var results = _gaussian.PerturbToLevels(_test, _levels);
        int count = 0;
        foreach (var r in results)
        {
            count += r.Images.Count;
        }

        return count;
    }
}
