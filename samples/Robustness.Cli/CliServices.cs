using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Robustness.Data;
using Robustness.Evaluation;
using Robustness.Models;
using Robustness.Perturbations;
using Robustness.Statistics;

namespace Robustness.Cli;

/// <summary>
/// The CLI's one composition root: every command resolves the library's services from a provider built here with the
/// <c>AddRobustness*</c> extensions (docs/architecture.md, "Composition"). A command passes the settings it takes from its
/// options (device, threads); nothing else in the CLI constructs a service graph.
/// </summary>
internal static class CliServices
{
    /// <summary>Builds the provider (validated on build); dispose it when the command ends.</summary>
    /// <param name="context">Where the library's warnings go (stderr; information and debug too with --verbose).</param>
    /// <param name="models">Device and threads of libtorch, or null for the defaults.</param>
    /// <returns>The provider.</returns>
    public static ServiceProvider Create(CliContext context, Action<ModelOptions>? models = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = new ServiceCollection()
            .AddLogging(b => b.ClearProviders()
                .SetMinimumLevel(context.Verbose ? LogLevel.Debug : LogLevel.Warning)
                .AddProvider(new CliLoggerProvider(context.Error, context.Verbose ? LogLevel.Debug : LogLevel.Warning)))
            .AddRobustnessData()
            .AddRobustnessPerturbations()
            .AddRobustnessModels(models)
            .AddRobustnessStatistics()
            .AddRobustnessEvaluation();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>The provider for a command that computes on the CPU with a fixed thread count (reproducible results).</summary>
    /// <param name="context">Where the library's warnings go.</param>
    /// <param name="device">The device text (auto, cpu, cuda, cuda:N).</param>
    /// <param name="threads">libtorch's CPU threads.</param>
    /// <returns>The provider.</returns>
    public static ServiceProvider Create(CliContext context, string device, int threads) => Create(context, o =>
    {
        o.Device = device;
        o.Threads = threads;
    });
}
