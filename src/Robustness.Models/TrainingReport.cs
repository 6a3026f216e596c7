using System.Globalization;

namespace Robustness.Models;

/// <summary>Why training ended.</summary>
public enum TrainingStopReason
{
    /// <summary>The training loss did not improve by more than MinDelta for Patience epochs in a row.</summary>
    Converged = 0,

    /// <summary>MaxEpochs were run before convergence.</summary>
    MaxEpochs = 1,
}

/// <summary>One finished epoch (reported through <see cref="IProgress{T}"/> and the logger, kept in the report).</summary>
/// <param name="Epoch">The epoch number, from 1.</param>
/// <param name="MaxEpochs">The most epochs this training runs.</param>
/// <param name="Loss">The mean cross-entropy over the epoch's mini-batches, weighted by batch size.</param>
/// <param name="TrainingAccuracy">The fraction of training images classified correctly during the epoch (running, training mode).</param>
/// <param name="Duration">Wall time of the epoch.</param>
public sealed record EpochSummary(int Epoch, int MaxEpochs, double Loss, double TrainingAccuracy, TimeSpan Duration)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"epoch {Epoch}/{MaxEpochs}: loss {Loss:F4}, training accuracy {TrainingAccuracy:P2}, {Duration.TotalSeconds:F1} s");
}

/// <summary>The outcome of a training run.</summary>
/// <param name="Architecture">The architecture trained.</param>
/// <param name="Device">The device it trained on.</param>
/// <param name="Threads">libtorch's CPU thread count during training.</param>
/// <param name="TrainingImages">Images in the training set.</param>
/// <param name="Epochs">Epochs run.</param>
/// <param name="FinalLoss">The last epoch's mean training loss.</param>
/// <param name="TrainingAccuracy">
/// Accuracy on the training set: measured after training in evaluation mode when
/// <see cref="TrainingOptions.EvaluateTrainingSetAtEnd"/> is set, else the last epoch's running accuracy.
/// </param>
/// <param name="StopReason">Why training ended.</param>
/// <param name="Duration">Total wall time, including the final evaluation.</param>
/// <param name="History">Every epoch, in order.</param>
public sealed record TrainingReport(
    string Architecture,
    string Device,
    int Threads,
    int TrainingImages,
    int Epochs,
    double FinalLoss,
    double TrainingAccuracy,
    TrainingStopReason StopReason,
    TimeSpan Duration,
    IReadOnlyList<EpochSummary> History)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Architecture} on {Device}: {Epochs} epochs ({StopReason}), loss {FinalLoss:F4}, training accuracy {TrainingAccuracy:P2}, {Duration.TotalSeconds:F1} s");
}
