using Microsoft.Extensions.DependencyInjection;

namespace Robustness.Composition;

/// <summary>
/// The registration rule of every <c>AddRobustness*</c> extension (docs/architecture.md, "Composition"): an options
/// type is registered once, as one instance; every call's <c>configure</c> is applied to that instance in call order
/// (a later call never drops an earlier one's settings, nor is it dropped), and the options are validated after each.
/// Services are registered with TryAdd, so calling an extension twice registers nothing twice.
/// </summary>
internal static class OptionsRegistration
{
    /// <summary>The registered options instance (registered now when absent), with <paramref name="configure"/> applied and validated.</summary>
    public static T Configure<T>(IServiceCollection services, Action<T>? configure, Action<T>? validate = null)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        T? options = null;
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(T))
            {
                options = descriptor.ImplementationInstance as T
                    ?? throw new InvalidOperationException($"{typeof(T).Name} is registered by a factory or type; register it as one instance (or through its AddRobustness* extension) so that configure actions can apply to it.");
                break;
            }
        }

        if (options is null)
        {
            options = new T();
            services.AddSingleton(options);
        }

        configure?.Invoke(options);
        validate?.Invoke(options);
        return options;
    }
}
