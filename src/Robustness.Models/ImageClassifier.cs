using Robustness.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Robustness.Models;

/// <summary>
/// A network of a named architecture on a device, with its input shape and initialisation seed:
/// what the trainer trains, FGSM attacks, checkpoints save and inference scores. Created by an
/// <see cref="IModelFactory"/> or loaded by <see cref="ModelCheckpoint"/>. Not thread-safe: use one
/// model from one thread at a time. Dispose it to free its native memory.
/// </summary>
public sealed class ImageClassifier : IDisposable
{
    private bool _disposed;

    internal ImageClassifier(string architecture, nn.Module<Tensor, Tensor> module, ImageShape shape, ComputeDevice device, ulong initSeed)
    {
        Architecture = architecture;
        Module = module;
        InputShape = shape;
        Device = device;
        InitSeed = initSeed;
        TorchDevice = device.ToTorch();
    }

    /// <summary>The architecture's name ("lenet5", "alexnet8", ...).</summary>
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
            Module.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Architecture} ({InputShape}) on {Device}";
}
