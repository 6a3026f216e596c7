using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robustness.Perturbations;

namespace Robustness.Models;

/// <summary>Registers the Models assembly with a service collection.</summary>
public static class ModelServiceCollectionExtensions
{
    /// <summary>
    /// Adds the perturbations it builds on (<see cref="PerturbationServiceCollectionExtensions.AddRobustnessPerturbations"/>, which
    /// registers the <see cref="IL2LevelSolver"/>), then <see cref="ModelOptions"/>, the built-in architectures (LeNet-5, AlexNet-8) as
    /// <see cref="IModelArchitecture"/>s, <see cref="IModelFactory"/>, <see cref="ModelTrainer"/>, <see cref="FgsmOptions"/>,
    /// <see cref="PgdOptions"/> and <see cref="MinimalL2Options"/>. Services are added once (TryAdd); every call's
    /// <paramref name="configure"/> applies to the one <see cref="ModelOptions"/> instance, in call order.
    /// </summary>
    /// <param name="services">The collection.</param>
    /// <param name="configure">Optional settings; validated here.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddRobustnessModels(this IServiceCollection services, Action<ModelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRobustnessPerturbations();
        Composition.OptionsRegistration.Configure(services, configure, o => o.Validate());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelArchitecture, LeNet5Architecture>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelArchitecture, AlexNet8Architecture>());
        services.TryAddSingleton<IModelFactory>(sp =>
        {
            FirstLayerKernels.UseLogger(sp.GetService<ILoggerFactory>()?.CreateLogger("Robustness.Models.KernelChecks"));
            return new ModelFactory(sp.GetServices<IModelArchitecture>(), sp.GetRequiredService<ModelOptions>());
        });
        services.TryAddSingleton(sp => new ModelTrainer(sp.GetRequiredService<ModelOptions>(),
            sp.GetService<ILogger<ModelTrainer>>() ?? NullLogger<ModelTrainer>.Instance));
        services.TryAddSingleton(sp => new FgsmOptions { BatchSize = sp.GetRequiredService<ModelOptions>().FgsmBatchSize });
        services.TryAddSingleton(sp => new PgdOptions { BatchSize = sp.GetRequiredService<ModelOptions>().FgsmBatchSize });
        services.TryAddSingleton(_ => new MinimalL2Options());
        return services;
    }

    /// <summary>Registers a user architecture (a class with a public constructor the container can call).</summary>
    /// <typeparam name="TArchitecture">The architecture type.</typeparam>
    /// <param name="services">The collection.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddModelArchitecture<TArchitecture>(this IServiceCollection services)
        where TArchitecture : class, IModelArchitecture
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelArchitecture, TArchitecture>());
        return services;
    }

    /// <summary>Registers a user architecture instance.</summary>
    /// <param name="services">The collection.</param>
    /// <param name="architecture">The architecture.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddModelArchitecture(this IServiceCollection services, IModelArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(architecture);
        services.AddSingleton(architecture);
        return services;
    }
}
