using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Robustness.Data;
using Robustness.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace Robustness.Models;

/// <summary>
/// Trains a model on an <see cref="ImageSet"/>: cross-entropy loss, Adam, mini-batches in a seeded
/// order (one xoshiro256** permutation per epoch), until the mean training loss has not improved by
/// more than <see cref="TrainingOptions.MinDelta"/> for <see cref="TrainingOptions.Patience"/> epochs,
/// or <see cref="TrainingOptions.MaxEpochs"/>. The set becomes tensors once; on the CPU (and on a GPU
/// when it fits <see cref="ModelOptions.MaxDeviceDataBytes"/>) it lives on the device whole and each
/// batch is gathered there; otherwise each batch is gathered in host memory and copied over.
/// </summary>
public sealed partial class ModelTrainer
{
    private readonly ModelOptions _options;
    private readonly ILogger<ModelTrainer> _logger;

    /// <summary>Creates a trainer.</summary>
    /// <param name="options">Defaults (training options, threads, device data limit).</param>
    /// <param name="logger">Receives one line per epoch and a summary.</param>
    public ModelTrainer(ModelOptions options, ILogger<ModelTrainer> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _options = options with { };
        _logger = logger;
    }

    /// <summary>The training defaults used when <see cref="Train"/> gets no options.</summary>
    public TrainingOptions DefaultTrainingOptions => _options.Training;

    /// <summary>Trains <paramref name="model"/> in place.</summary>
    /// <param name="model">The model (its weights change).</param>
    /// <param name="trainingSet">The images and labels; shape must match the model's.</param>
    /// <param name="options">The training options; <see cref="ModelOptions.Training"/> when null.</param>
    /// <param name="progress">Receives every finished epoch.</param>
    /// <param name="cancellationToken">Cancels between mini-batches (throws <see cref="OperationCanceledException"/>; the weights are then partly trained).</param>
    /// <returns>The report.</returns>
    public TrainingReport Train(ImageClassifier model, ImageSet trainingSet, TrainingOptions? options = null, IProgress<EpochSummary>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(trainingSet);
        options ??= _options.Training;
        options.Validate();
        model.InputShape.CheckSet(trainingSet, nameof(trainingSet));
        if (trainingSet.Count == 0)
        {
            throw new ArgumentException($"Training set '{trainingSet.Name}' is empty.", nameof(trainingSet));
        }

        TorchRuntime.ApplyThreads(_options.Threads);
        var total = Stopwatch.StartNew();
        int count = trainingSet.Count;
        var device = model.TorchDevice;
        long bytes = (long)count * trainingSet.PixelsPerImage * sizeof(float) + ((long)count * sizeof(long));
        var dataDevice = device.type == DeviceType.CPU || bytes <= _options.MaxDeviceDataBytes ? device : CPU;
        LogStart(model.Architecture, trainingSet.Name, count, model.Device.ToString(), dataDevice.type == device.type, torch.get_num_threads());

        // Dropout draws from libtorch's global generator: seed it from the training seed.
        torch.manual_seed(unchecked((long)Xoshiro256StarStar.Derive(options.Seed, 0xD80u)));
        if (model.Device.IsCuda)
        {
            torch.cuda.manual_seed_all(unchecked((long)Xoshiro256StarStar.Derive(options.Seed, 0xD80u)));
        }

        var history = new List<EpochSummary>();
        var stopReason = TrainingStopReason.MaxEpochs;
        using var x = ImageTensors.Images(trainingSet, 0, count, dataDevice);
        using var y = ImageTensors.Labels(trainingSet, 0, count, dataDevice);
        using var optimizer = optim.Adam(model.Module.parameters(), options.LearningRate);
        var order = new long[count];
        var shuffler = new Xoshiro256StarStar(options.Seed);
        double best = double.PositiveInfinity;
        int sinceBest = 0;
        model.Module.train();
        try
        {
            for (int epoch = 1; epoch <= options.MaxEpochs; epoch++)
            {
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < count; i++)
                {
                    order[i] = i;
                }

                shuffler.Shuffle(order.AsSpan());
                var (loss, accuracy) = RunEpoch(model.Module, optimizer, x, y, order, options.BatchSize, device, cancellationToken);
                var summary = new EpochSummary(epoch, options.MaxEpochs, loss, accuracy, watch.Elapsed);
                history.Add(summary);
                LogEpoch(model.Architecture, epoch, options.MaxEpochs, loss, accuracy, watch.Elapsed.TotalSeconds);
                progress?.Report(summary);
                if (loss < best - options.MinDelta)
                {
                    best = loss;
                    sinceBest = 0;
                }
                else if (++sinceBest >= options.Patience)
                {
                    stopReason = TrainingStopReason.Converged;
                    break;
                }
            }
        }
        finally
        {
            model.Module.eval();
        }

        double trainingAccuracy = history[^1].TrainingAccuracy;
        if (options.EvaluateTrainingSetAtEnd)
        {
            trainingAccuracy = model.Evaluate(trainingSet, _options.InferenceBatchSize, cancellationToken).Accuracy;
        }

        var report = new TrainingReport(model.Architecture, model.Device.ToString(), torch.get_num_threads(), count, history.Count,
            history[^1].Loss, trainingAccuracy, stopReason, total.Elapsed, history);
        LogDone(report.ToString());
        return report;
    }

    private static (double Loss, double Accuracy) RunEpoch(nn.Module<Tensor, Tensor> module, optim.Optimizer optimizer, Tensor x, Tensor y, long[] order, int batchSize, Device device, CancellationToken cancellationToken)
    {
        int count = order.Length;
        var dataDevice = x.device;
        using var lossSum = zeros(1, ScalarType.Float64, device);
        using var correct = zeros(1, ScalarType.Int64, device);
        using var orderTensor = tensor(order, dtype: ScalarType.Int64, device: dataDevice);
        for (int start = 0; start < count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(batchSize, count - start);
            using var scope = NewDisposeScope();
            var index = orderTensor.narrow(0, start, n);
            var xb = x.index_select(0, index);
            var yb = y.index_select(0, index);
            if (xb.device.type != device.type)
            {
                xb = xb.to(device);
                yb = yb.to(device);
            }

            var logits = module.forward(xb);
            var loss = nn.functional.cross_entropy(logits, yb);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            lossSum.add_(loss.detach().to_type(ScalarType.Float64) * n);
            correct.add_(logits.detach().argmax(1).eq(yb).sum());
        }

        return (lossSum.item<double>() / count, (double)correct.item<long>() / count);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Training {Architecture} on {SetName} ({Count} images) on {Device}, whole set on the device: {WholeSetOnDevice}, {Threads} CPU threads")]
    private partial void LogStart(string architecture, string setName, int count, string device, bool wholeSetOnDevice, int threads);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "{Architecture} epoch {Epoch}/{MaxEpochs}: loss {Loss:F4}, training accuracy {Accuracy:P2}, {Seconds:F1} s")]
    private partial void LogEpoch(string architecture, int epoch, int maxEpochs, double loss, double accuracy, double seconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Trained {Report}")]
    private partial void LogDone(string report);
}
