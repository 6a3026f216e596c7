using Robustness.Data;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Robustness.Models;

/// <summary>
/// A network of a named architecture on a device, with its input shape and initialisation seed:
/// what the trainer trains, the attacks attack, checkpoints save and inference scores. Created by an
/// <see cref="IModelFactory"/>, loaded by <see cref="ModelCheckpoint"/>, or wrapped around a TorchSharp module of
/// your own by <see cref="FromModule"/>. Not thread-safe: use one model from one thread at a time. Dispose it to
/// free its native memory (a wrapped module stays yours: disposing the classifier leaves it alone).
/// </summary>
public sealed class ImageClassifier : IDisposable
{
    private readonly bool _ownsModule;
    private bool _gradientsChecked;
    private bool _disposed;

    internal ImageClassifier(string architecture, nn.Module<Tensor, Tensor> module, ImageShape shape, ComputeDevice device, ulong initSeed,
        bool ownsModule = true, bool gradientsTrusted = false)
    {
        _ownsModule = ownsModule;
        _gradientsChecked = gradientsTrusted;
        Architecture = architecture;
        Module = module;
        InputShape = shape;
        Device = device;
        InitSeed = initSeed;
        TorchDevice = device.ToTorch();
    }

    /// <summary>
    /// Wraps a TorchSharp module of your own as a classifier, so that every attack, <see cref="ModelGradients"/>,
    /// <see cref="Predict"/> and <see cref="Evaluate"/> take it (as torchattacks takes any <c>nn.Module</c>). The module
    /// maps float32 images (N, 1, Height, Width) with pixels in [0, 1] to (N, ClassCount) class scores (logits).
    /// </summary>
    /// <remarks>
    /// The module is checked once with two images for the shapes, and, unless <paramref name="checkGradients"/> is false,
    /// its input gradients on 32 seeded probe images are compared with a float64 copy of it: libtorch's input gradient of
    /// a one-input-channel convolution is wrong on AVX-512 CPUs, and an attack on wrong gradients is silently weak. When
    /// they differ the call refuses; build the first convolution as <see cref="FirstLayerConv2d"/>. The module is moved to
    /// <paramref name="device"/> when that is CUDA; the classifier does not dispose it.
    /// </remarks>
    /// <param name="module">The network; its parameters float32.</param>
    /// <param name="shape">Its input size and number of classes.</param>
    /// <param name="name">Its name in results and reports (<see cref="Architecture"/>).</param>
    /// <param name="device">Where it runs; the CPU when null.</param>
    /// <param name="checkGradients">Whether to compare its input gradients with float64 first (default true).</param>
    /// <returns>The classifier.</returns>
    /// <exception cref="ArgumentException">The module's parameters are not float32, or its output is not (N, ClassCount).</exception>
    /// <exception cref="InvalidOperationException">Its float32 input gradients differ from float64 on this machine.</exception>
    public static ImageClassifier FromModule(nn.Module<Tensor, Tensor> module, ImageShape shape, string name = "custom", ComputeDevice? device = null, bool checkGradients = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        shape.Validate();
        var resolved = (device ?? ComputeDevice.Cpu).Resolve();
        var wrong = module.named_parameters().FirstOrDefault(p => p.parameter.dtype != ScalarType.Float32);
        if (wrong.name is not null)
        {
            throw new ArgumentException($"Module '{name}': parameter '{wrong.name}' is {wrong.parameter.dtype}; the attacks feed float32 images, so every parameter must be Float32 (call module.to(ScalarType.Float32)).", nameof(module));
        }

        if (resolved.IsCuda)
        {
            module.to(resolved.ToTorch());
        }

        long[] got;
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        using (var mode = new EvaluationMode(module))
        {
            try
            {
                got = module.forward(zeros(2, 1, shape.Height, shape.Width, device: resolved.ToTorch())).shape;
            }
            catch (ExternalException e)
            {
                throw new ArgumentException($"Module '{name}' fails on a batch of two {shape.Height}x{shape.Width} one-channel images: {e.Message.Split('\n')[0]}", nameof(module), e);
            }
        }

        if (got is not [2, var classes] || classes != shape.ClassCount)
        {
            throw new ArgumentException($"Module '{name}' maps two {shape.Height}x{shape.Width} images to shape [{string.Join(", ", got)}]; a classifier of {shape.ClassCount} classes gives [2, {shape.ClassCount}].", nameof(module));
        }

        var classifier = new ImageClassifier(name, module, shape, resolved, initSeed: 0, ownsModule: false, gradientsTrusted: !checkGradients);
        classifier.EnsureGradientsChecked();
        return classifier;
    }

    /// <summary>The architecture's name ("lenet5", "alexnet8", ..., or the name given to <see cref="FromModule"/>).</summary>
    public string Architecture { get; }

    /// <summary>The input size and number of classes.</summary>
    public ImageShape InputShape { get; }

    /// <summary>The (resolved) device the weights live on.</summary>
    public ComputeDevice Device { get; }

    /// <summary>The seed the weights were initialised with.</summary>
    public ulong InitSeed { get; }

    /// <summary>Number of trainable values.</summary>
    public long ParameterCount => Module.parameters().Sum(p => p.numel());

    internal nn.Module<Tensor, Tensor> Module { get; }

    internal Device TorchDevice { get; }

    /// <summary>Predicted class of every image, in batches on the model's device (evaluation mode, restored afterwards; no gradients).</summary>
    /// <param name="images">The images; their shape must match <see cref="InputShape"/>.</param>
    /// <param name="batchSize">Images per forward pass, positive.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>One class per image.</returns>
    public int[] Predict(ImageSet images, int batchSize = ModelOptions.DefaultInferenceBatchSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ModelOptions.CheckPositive(batchSize, nameof(batchSize));
        ObjectDisposedException.ThrowIf(_disposed, this);
        InputShape.CheckSet(images, nameof(images));
        var predictions = new int[images.Count];
        using var mode = new EvaluationMode(Module);
        using var noGrad = no_grad();
        for (int start = 0; start < images.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(batchSize, images.Count - start);
            using var scope = NewDisposeScope();
            var x = ImageTensors.Images(images, start, n, TorchDevice);
            var predicted = Module.forward(x).argmax(1).to_type(ScalarType.Int32).cpu();
            using var access = predicted.data<int>();
            access.CopyTo(predictions.AsSpan(start, n));
        }

        return predictions;
    }

    /// <summary>Accuracy on a set, overall and per class.</summary>
    /// <param name="images">The images with their labels.</param>
    /// <param name="batchSize">Images per forward pass, positive.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The report.</returns>
    public AccuracyReport Evaluate(ImageSet images, int batchSize = ModelOptions.DefaultInferenceBatchSize, CancellationToken cancellationToken = default)
    {
        int[] predictions = Predict(images, batchSize, cancellationToken);
        return AccuracyReport.FromPredictions(images.Name, images.Labels, predictions, images.ClassCount);
    }

    /// <summary>
    /// Before the first input gradient of a network the library did not build (a wrapped module, a registered user
    /// architecture): compares its float32 input gradients with a float64 copy once and refuses when they differ
    /// (<see cref="Float64Gradients.Check"/>). The built-in networks route their first layer through the checked kernel.
    /// </summary>
    internal void EnsureGradientsChecked()
    {
        if (_gradientsChecked)
        {
            return;
        }

        _gradientsChecked = true; // the check itself takes gradients; a refusal below resets it
        try
        {
            Float64Gradients.Check(this, $"{(_ownsModule ? "architecture" : "module")} '{Architecture}'");
        }
        catch
        {
            _gradientsChecked = false;
            throw;
        }
    }

    /// <summary>Every parameter and buffer value, in state-dict order, copied to the CPU (for comparisons in tests).</summary>
    internal float[] CopyWeights()
    {
        using var scope = NewDisposeScope();
        var values = new List<float>();
        foreach (var (_, tensor) in Module.state_dict())
        {
            if (tensor.dtype == ScalarType.Float32)
            {
                values.AddRange(tensor.detach().cpu().data<float>().ToArray());
            }
        }

        return [.. values];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (_ownsModule)
            {
                Module.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Architecture} ({InputShape}) on {Device}";
}
