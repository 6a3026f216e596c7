using Robustness.Evaluation.Benchmarks;
using Robustness.Perturbations;

namespace Robustness.Evaluation;

/// <summary>Settings of the evaluation (bound by <see cref="EvaluationServiceCollectionExtensions.AddRobustnessEvaluation"/>).</summary>
public sealed record class EvaluationOptions
{
    /// <summary>The l2 levels of the perturbed suites; default the paper's 0.5 .. 12.0 step 0.5.</summary>
    public IReadOnlyList<double> Levels { get; set; } = BenchmarkLevels.Default;

    /// <summary>The Gaussian suite's noise seed; default <see cref="PerturbationOptions.DefaultSeed"/>.</summary>
    public ulong Seed { get; set; } = PerturbationOptions.DefaultSeed;

    /// <summary>False (default): MNIST-A is fixed, generated against the reference model. True: FGSM is regenerated against each scored model.</summary>
    public bool WhiteBoxFgsm { get; set; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">The levels are invalid.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Levels);
        BenchmarkLevels.Validate(Levels);
    }
}
