using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robustness.Data;
using Robustness.Evaluation.Benchmarks;
using Robustness.Evaluation.Training;
using Robustness.Models;
using Robustness.Perturbations;
using Robustness.Statistics;

namespace Robustness.Evaluation;

/// <summary>Registers the evaluation assembly and everything it builds on.</summary>
public static class EvaluationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the data, perturbation, model and statistics services (their own <c>AddRobustness*</c> with
    /// default settings; call those first to configure them), then <see cref="EvaluationOptions"/>,
    /// <see cref="BenchmarkBuilder"/>, <see cref="ITrainingSetFactory"/> and <see cref="Runner.StudyRunner"/>
    /// (logging through <c>ILogger&lt;T&gt;</c> when the application registered logging). Services are added once (TryAdd);
    /// every call's <paramref name="configure"/> applies to the one <see cref="EvaluationOptions"/> instance, in call order.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the evaluation options; validated here.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddRobustnessEvaluation(this IServiceCollection services, Action<EvaluationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRobustnessData();
        services.AddRobustnessModels();
        services.AddRobustnessStatistics();
        Composition.OptionsRegistration.Configure(services, configure, o => o.Validate());
        services.TryAddSingleton(sp => new BenchmarkBuilder(
            sp.GetRequiredService<PerturbationOptions>(), sp.GetRequiredService<IL2LevelSolver>(), sp.GetRequiredService<FgsmOptions>(),
            sp.GetRequiredService<EvaluationOptions>(), sp.GetRequiredService<PgdOptions>(), sp.GetRequiredService<MinimalL2Options>()));
        services.TryAddSingleton<ITrainingSetFactory, TrainingSetFactory>();
        services.TryAddSingleton(sp => new Runner.StudyRunner(
            sp.GetRequiredService<IModelFactory>(), sp.GetRequiredService<ModelTrainer>(), sp.GetRequiredService<BenchmarkBuilder>(),
            sp.GetRequiredService<ITrainingSetFactory>(), sp.GetRequiredService<PerturbationOptions>(), sp.GetRequiredService<IL2LevelSolver>(),
            sp.GetRequiredService<FgsmOptions>(), sp.GetRequiredService<EvaluationOptions>(),
            sp.GetService<ILogger<Runner.StudyRunner>>() ?? NullLogger<Runner.StudyRunner>.Instance));
        services.TryAddSingleton(sp => new Paper.PaperCheck(sp.GetRequiredService<Runner.StudyRunner>()));
        return services;
    }
}
