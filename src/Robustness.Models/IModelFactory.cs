using TorchSharp;

namespace Robustness.Models;

/// <summary>Builds models of named architectures: the built-in <c>lenet5</c> and <c>alexnet8</c> and any registered through DI.</summary>
public interface IModelFactory
{
    /// <summary>The known architecture names, in registration order.</summary>
    IReadOnlyList<string> Architectures { get; }

    /// <summary>The architecture of a name (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The architecture.</returns>
    /// <exception cref="ArgumentException">No architecture has that name.</exception>
    IModelArchitecture GetArchitecture(string name);

    /// <summary>
    /// Builds a model with weights initialised from <paramref name="seed"/> (the same seed gives the same
    /// weights on every device) and moves it to the device.
    /// </summary>
    /// <param name="architecture">The architecture's name.</param>
    /// <param name="seed">The initialisation seed.</param>
    /// <param name="shape">Input size and classes; MNIST's 28 x 28, 10 classes when null.</param>
    /// <param name="device">The device; the options' device when null.</param>
    /// <returns>The model (dispose it).</returns>
    ImageClassifier Create(string architecture, ulong seed, ImageShape? shape = null, ComputeDevice? device = null);
}

/// <summary>The standard <see cref="IModelFactory"/>.</summary>
public sealed class ModelFactory : IModelFactory
{
    private static readonly Lock _seedLock = new();
    private readonly IModelArchitecture[] _architectures;
    private readonly ComputeDevice _device;

    /// <summary>Creates a factory over the given architectures (the DI container passes every registered one).</summary>
    /// <param name="architectures">The architectures; names must be unique (case-insensitive).</param>
    /// <param name="options">The default device.</param>
    public ModelFactory(IEnumerable<IModelArchitecture> architectures, ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(architectures);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _architectures = [.. architectures];
        _device = options.GetDevice();
        var duplicate = _architectures.GroupBy(a => a.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Architecture '{duplicate.Key}' is registered {duplicate.Count()} times; names must be unique.", nameof(architectures));
        }
    }

    /// <summary>A factory with the built-in architectures (LeNet-5, AlexNet-8).</summary>
    /// <param name="options">Settings; defaults when null.</param>
    /// <returns>The factory.</returns>
    public static ModelFactory CreateDefault(ModelOptions? options = null) => new(BuiltInArchitectures(), options ?? new ModelOptions());

    /// <summary>The built-in architectures.</summary>
    /// <returns>LeNet-5 and AlexNet-8.</returns>
    public static IReadOnlyList<IModelArchitecture> BuiltInArchitectures() => [new LeNet5Architecture(), new AlexNet8Architecture()];

    /// <summary>The name of the built-in LeNet-5.</summary>
    public static string LeNet5 => LeNet5Architecture.ArchitectureName;

    /// <summary>The name of the built-in AlexNet-8.</summary>
    public static string AlexNet8 => AlexNet8Architecture.ArchitectureName;

    /// <inheritdoc />
    public IReadOnlyList<string> Architectures => [.. _architectures.Select(a => a.Name)];

    /// <inheritdoc />
    public IModelArchitecture GetArchitecture(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _architectures.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Architecture '{name}' is unknown; known: {string.Join(", ", Architectures)}.", nameof(name));
    }

    /// <inheritdoc />
    public ImageClassifier Create(string architecture, ulong seed, ImageShape? shape = null, ComputeDevice? device = null)
    {
        var arch = GetArchitecture(architecture);
        shape ??= ImageShape.Mnist;
        shape.Validate();
        var resolved = (device ?? _device).Resolve();
        torch.nn.Module<torch.Tensor, torch.Tensor> module;
        lock (_seedLock)
        {
            // libtorch initialises weights from its global generator: seed it and build under one lock.
            torch.manual_seed(unchecked((long)seed));
            module = arch.Create(shape);
        }

        if (resolved.IsCuda)
        {
            module.to(resolved.ToTorch());
        }

        // The built-in networks take their first layer through the checked kernel; a user's architecture is checked
        // against float64 before its first input gradient (ImageClassifier.EnsureGradientsChecked).
        bool builtIn = arch is LeNet5Architecture or AlexNet8Architecture;
        return new ImageClassifier(arch.Name, module, shape, resolved, seed, gradientsTrusted: builtIn);
    }
}
