using System.Globalization;

namespace Robustness.Models;

/// <summary>
/// How a model is trained: cross-entropy loss, Adam, mini-batches in a seeded order, until the
/// training loss stops improving. Every value is recorded in checkpoints.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>The default seed.</summary>
    public const ulong DefaultSeed = 20_240_501;

    /// <summary>Images per mini-batch; default 128.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam's learning rate; default 1e-3 (betas 0.9 / 0.999, eps 1e-8, no weight decay).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>The most epochs; default 30.</summary>
    public int MaxEpochs { get; init; } = 30;

    /// <summary>
    /// Convergence: an epoch improves when its mean training loss is below the best so far by more than
    /// this; default 1e-3.
    /// </summary>
    public double MinDelta { get; init; } = 1e-3;

    /// <summary>Convergence: training stops after this many epochs in a row without improvement; default 3.</summary>
    public int Patience { get; init; } = 3;

    /// <summary>Seeds the batch order (xoshiro256**, one permutation per epoch) and dropout.</summary>
    public ulong Seed { get; init; } = DefaultSeed;

    /// <summary>
    /// After training, measure the accuracy on the whole training set in evaluation mode (default true);
    /// otherwise the report carries the last epoch's running accuracy.
    /// </summary>
    public bool EvaluateTrainingSetAtEnd { get; init; } = true;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        ModelOptions.CheckPositive(BatchSize, nameof(BatchSize));
        ModelOptions.CheckPositive(MaxEpochs, nameof(MaxEpochs));
        ModelOptions.CheckPositive(Patience, nameof(Patience));
        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be finite and positive.");
        }

        if (!(MinDelta >= 0 && double.IsFinite(MinDelta)))
        {
            throw new ArgumentOutOfRangeException(nameof(MinDelta), MinDelta, string.Create(CultureInfo.InvariantCulture, $"MinDelta must be finite and >= 0; {MinDelta} was given."));
        }
    }
}
