using System.Globalization;

namespace Robustness.Models;

/// <summary>Settings of the Models assembly (bound by <see cref="ModelServiceCollectionExtensions.AddRobustnessModels"/>).</summary>
public sealed record ModelOptions
{
    /// <summary>The device models and data live on: <c>auto</c> (default), <c>cpu</c>, <c>cuda</c> or <c>cuda:n</c>.</summary>
    public string Device { get; set; } = "auto";

    /// <summary>
    /// libtorch's CPU thread count, set when a trainer or FGSM is created; 0 (default) keeps libtorch's
    /// own choice. Bitwise-reproducible CPU training needs the same value on every run.
    /// </summary>
    public int Threads { get; set; }

    /// <summary>The training defaults (optimizer, batch size, stopping rule, seed).</summary>
    public TrainingOptions Training { get; set; } = new();

    /// <summary>
    /// The default images per forward pass of a prediction (<see cref="ImageClassifier.Predict"/>, <see cref="ImageClassifier.Evaluate"/>):
    /// 256. On the CPU a LeNet-5 forward pass over 10,000 images took 0.30 s in batches of 256 and 1.5 s in batches of 1,000
    /// (libtorch 2.10, 2 threads; docs/models.md).
    /// </summary>
    public const int DefaultInferenceBatchSize = 256;

    /// <summary>Images per forward pass for predictions; default <see cref="DefaultInferenceBatchSize"/>.</summary>
    public int InferenceBatchSize { get; set; } = DefaultInferenceBatchSize;

    /// <summary>Images per forward and backward pass for FGSM directions; default 500.</summary>
    public int FgsmBatchSize { get; set; } = 500;

    /// <summary>
    /// The largest training set (pixels and labels, in bytes) moved to a CUDA device as a whole; a larger
    /// set stays in host memory and each batch is copied over. Default 2 GiB. The CPU always holds the whole set.
    /// </summary>
    public long MaxDeviceDataBytes { get; set; } = 2L << 30;

    /// <summary>The parsed <see cref="Device"/>.</summary>
    /// <returns>The request (not yet resolved).</returns>
    public ComputeDevice GetDevice() => ComputeDevice.Parse(Device);

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">The device is not a device.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A number is out of range.</exception>
    public void Validate()
    {
        if (!ComputeDevice.TryParse(Device, out _))
        {
            throw new ArgumentException($"Device '{Device}' is not one of auto, cpu, cuda, cuda:N (N >= 0).", nameof(Device));
        }

        if (Threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Threads must be 0 (libtorch's choice) or positive.");
        }

        ArgumentNullException.ThrowIfNull(Training);
        Training.Validate();
        CheckPositive(InferenceBatchSize, nameof(InferenceBatchSize));
        CheckPositive(FgsmBatchSize, nameof(FgsmBatchSize));
        if (MaxDeviceDataBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDeviceDataBytes), MaxDeviceDataBytes, "MaxDeviceDataBytes must be >= 0.");
        }
    }

    internal static void CheckPositive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} must be positive; {value} was given."));
        }
    }
}
