using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Robustness.Data;

/// <summary>Registers the data layer in a service collection.</summary>
public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Adds the data layer's services: a <see cref="DataOptions"/> singleton (configured by
    /// <paramref name="configure"/>), a <see cref="Sources.DatasetLocator"/> and an
    /// <see cref="Sources.IDatasetCatalog"/> that gives dataset sources by name. The options are one instance: every call's
    /// <paramref name="configure"/> applies to it, in call order; services are added once (TryAdd), so calling this twice is harmless
    /// (docs/architecture.md, "Composition").
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options; null keeps the defaults.</param>
    /// <returns>The same service collection, for chaining.</returns>
    public static IServiceCollection AddRobustnessData(this IServiceCollection services, Action<DataOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        Composition.OptionsRegistration.Configure(services, configure);
        services.TryAddSingleton<Sources.DatasetLocator>();
        services.TryAddSingleton<Sources.IDatasetCatalog, Sources.DatasetCatalog>();
        return services;
    }
}
