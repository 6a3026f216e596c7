namespace Robustness.Models;

/// <summary>
/// What every attack's settings share (<see cref="FgsmOptions"/>, <see cref="PgdOptions"/>, <see cref="MinimalL2Options"/>,
/// or a user's own attack options): the batch of the forward and backward passes. Each attack adds its own settings in
/// a derived record and extends <see cref="Validate"/>.
/// </summary>
public abstract record AttackOptions
{
    /// <summary>Creates the settings with an attack's own default batch size.</summary>
    /// <param name="defaultBatchSize">The batch size unless the caller sets <see cref="BatchSize"/>.</param>
    protected AttackOptions(int defaultBatchSize) => BatchSize = defaultBatchSize;

    /// <summary>Images per forward and backward pass, positive (FGSM and PGD 500, minimal-l2 200 unless set).</summary>
    public int BatchSize { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public virtual void Validate() => ModelOptions.CheckPositive(BatchSize, nameof(BatchSize));
}
