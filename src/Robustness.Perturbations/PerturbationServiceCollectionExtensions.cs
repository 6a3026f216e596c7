using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Robustness.Perturbations;

/// <summary>Registers the perturbations with a service collection.</summary>
public static class PerturbationServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="PerturbationOptions"/>, the exact search as <see cref="IL2LevelSolver"/>,
    /// <see cref="GaussianNoisePerturbation"/> (also as an <see cref="IPerturbation"/>). Existing
    /// registrations are kept (TryAdd); every call's <paramref name="configure"/> applies to the one options instance, in call order.
    /// </summary>
    /// <param name="services">The collection.</param>
    /// <param name="configure">Optional settings (seed, draws, tolerance, parallelism); validated here.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddRobustnessPerturbations(this IServiceCollection services, Action<PerturbationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        Composition.OptionsRegistration.Configure(services, configure, o => o.Validate());
        services.TryAddSingleton<IL2LevelSolver>(sp => new ExactL2LevelSearch(sp.GetRequiredService<PerturbationOptions>().Tolerance));
        services.TryAddSingleton(sp => new GaussianNoisePerturbation(sp.GetRequiredService<PerturbationOptions>(), sp.GetRequiredService<IL2LevelSolver>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPerturbation, GaussianNoisePerturbation>(sp => sp.GetRequiredService<GaussianNoisePerturbation>()));
        return services;
    }
}
