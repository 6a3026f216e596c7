using Robustness.Evaluation.Benchmarks;
using Robustness.Perturbations;

namespace Robustness.Evaluation;

/// <summary>Settings of the evaluation (bound by <see cref="EvaluationServiceCollectionExtensions.AddRobustnessEvaluation"/>).</summary>
public sealed record class EvaluationOptions
{
    /// <summary>
    /// The folder of the <see cref="SuiteCache"/>; null (default) for
    /// <c>{LocalApplicationData or temp}/robustness/suites</c>.
    /// </summary>
    public string? CacheDirectory { get; set; }

    /// <summary>The l2 levels of the perturbed suites; default the paper's 0.5 .. 12.0 step 0.5.</summary>
    public IReadOnlyList<double> Levels { get; set; } = BenchmarkLevels.Default;

    /// <summary>The Gaussian suite's noise seed; default <see cref="PerturbationOptions.DefaultSeed"/>.</summary>
    public ulong Seed { get; set; } = PerturbationOptions.DefaultSeed;

    /// <summary>False (default): MNIST-A is fixed, generated against the reference model. True: FGSM is regenerated against each scored model.</summary>
    public bool WhiteBoxFgsm { get; set; }

    /// <summary>The cache folder to use: <see cref="CacheDirectory"/> or the default.</summary>
    /// <returns>A full path.</returns>
    public string GetCacheDirectory()
    {
        if (!string.IsNullOrWhiteSpace(CacheDirectory))
        {
            return Path.GetFullPath(CacheDirectory);
        }

        string root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        if (string.IsNullOrEmpty(root))
        {
            root = Path.GetTempPath();
        }

        return Path.Combine(root, "robustness", "suites");
    }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">The levels are invalid.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Levels);
        BenchmarkLevels.Validate(Levels);
    }
}
