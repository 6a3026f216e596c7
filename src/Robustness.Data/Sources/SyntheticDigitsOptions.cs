namespace Robustness.Data.Sources;

/// <summary>Settings of <see cref="SyntheticDigits"/>.</summary>
public sealed record SyntheticDigitsOptions
{
    /// <summary>Images per class in the train split (default 1,000, so 10,000 images).</summary>
    public int TrainCountPerClass { get; init; } = 1000;

    /// <summary>Images per class in the test split (default 200, so 2,000 images).</summary>
    public int TestCountPerClass { get; init; } = 200;

    /// <summary>
    /// The seed of the train split; the test split uses <see cref="SyntheticDigits.TestSeed"/> of it, so the two
    /// splits never share an image.
    /// </summary>
    public ulong Seed { get; init; } = 20260101;

    /// <summary>Amplitude of the uniform pixel noise added before clipping to [0, 1] (default 0.05; 0 for none).</summary>
    public double NoiseAmplitude { get; init; } = 0.05;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive or the noise is outside [0, 1].</exception>
    public void Validate()
    {
        if (TrainCountPerClass <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TrainCountPerClass), TrainCountPerClass, "Train images per class must be positive.");
        }

        if (TestCountPerClass <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TestCountPerClass), TestCountPerClass, "Test images per class must be positive.");
        }

        if (!(NoiseAmplitude >= 0 && NoiseAmplitude <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(NoiseAmplitude), NoiseAmplitude, "Noise amplitude must be in [0, 1].");
        }
    }
}
