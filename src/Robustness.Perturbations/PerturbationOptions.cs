namespace Robustness.Perturbations;

/// <summary>Settings of the perturbations (bound by <c>AddRobustnessPerturbations</c>).</summary>
public sealed record PerturbationOptions
{
    /// <summary>The default seed of Gaussian noise.</summary>
    public const ulong DefaultSeed = 20_240_501;

    /// <summary>
    /// The seed of Gaussian noise. Together with the image index (its position in the input set),
    /// the level and the draw number it fixes every noise value, whatever the thread count or machine.
    /// </summary>
    public ulong Seed { get; set; } = DefaultSeed;

    /// <summary>
    /// Gaussian draws tried per image and level before the image is reported
    /// <see cref="PerturbationStatus.Unreachable"/> (a draw that cannot reach the level is redrawn). 1..1000, default 8.
    /// </summary>
    public int MaxDraws { get; set; } = 8;

    /// <summary>
    /// False (default): every level of an image draws its own noise. True: one draw per image, scaled
    /// to every level (and every raw size); a redraw, when needed, still draws anew for that level.
    /// </summary>
    public bool ShareDrawAcrossLevels { get; set; }

    /// <summary>The exact search's tolerance on |achieved distance - level|, within (0, 1]; default 1e-4.</summary>
    public double Tolerance { get; set; } = ExactL2LevelSearch.DefaultTolerance;

    /// <summary>The most threads a batch uses; -1 (default) for all cores.</summary>
    public int MaxDegreeOfParallelism { get; set; } = -1;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        if (MaxDraws is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDraws), MaxDraws, "MaxDraws must be within 1..1000.");
        }

        if (!(Tolerance > 0 && Tolerance <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "Tolerance must be within (0, 1].");
        }

        Composition.OptionChecks.Parallelism(MaxDegreeOfParallelism, nameof(MaxDegreeOfParallelism));
    }
}
