using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Robustness.Statistics;

/// <summary>Registers the statistics services.</summary>
public static class StatisticsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ICorrelationAnalyzer"/> as a singleton <see cref="CorrelationAnalyzer"/> unless one is already registered.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddRobustnessStatistics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ICorrelationAnalyzer, CorrelationAnalyzer>();
        return services;
    }
}
