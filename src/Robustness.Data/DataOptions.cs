namespace Robustness.Data;

/// <summary>Options of the data layer, configured through <see cref="DataServiceCollectionExtensions.AddRobustnessData"/>.</summary>
public sealed record class DataOptions
{
    /// <summary>The folder holding data sets (and where downloads go); null means the caller's choice or default.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The seed used when a caller gives none (every random choice in the library takes a seed).</summary>
    public ulong DefaultSeed { get; set; } = 20260101UL;

    /// <summary>The number of classes of the data sets (10 for MNIST and Fashion-MNIST).</summary>
    public int ClassCount { get; set; } = 10;

    /// <summary>Settings of the generated <c>synthetic</c> dataset (counts per class, seed, noise).</summary>
    public Sources.SyntheticDigitsOptions Synthetic { get; set; } = new();
}
