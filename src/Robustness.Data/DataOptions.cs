namespace Robustness.Data;

/// <summary>Options of the data layer, configured through <see cref="DataServiceCollectionExtensions.AddRobustnessData"/>.</summary>
public sealed record class DataOptions
{
    /// <summary>The folder holding data sets (and where downloads go); null means the caller's choice or default.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Settings of the generated <c>synthetic</c> dataset (counts per class, seed, noise).</summary>
    public Sources.SyntheticDigitsOptions Synthetic { get; set; } = new();
}
