namespace Robustness.Data.Sources;

/// <summary>Where a dataset folder came from.</summary>
public enum DatasetFolderOrigin
{
    /// <summary>Given explicitly (the CLI's <c>--data DIR</c> or <c>DataOptions.DataDirectory</c>).</summary>
    Explicit = 0,

    /// <summary>The environment variable <c>ROBUSTNESS_DATA</c>.</summary>
    Environment = 1,

    /// <summary>The per-user cache folder (where the downloader writes).</summary>
    UserCache = 2,

    /// <summary>The Debian package folder (<c>/usr/share/datasets/fashion-mnist</c>; Fashion-MNIST only).</summary>
    Debian = 3,
}

/// <summary>A folder that was considered for a dataset.</summary>
/// <param name="Folder">The folder as given (a dataset folder, or a parent holding <c>&lt;name&gt;/</c>).</param>
/// <param name="Origin">Why it was considered.</param>
public sealed record DatasetFolderCandidate(string Folder, DatasetFolderOrigin Origin)
{
    /// <summary>Says where the folder came from, e.g. <c>--data</c> or <c>ROBUSTNESS_DATA</c>.</summary>
    public string OriginDescription => Origin switch
    {
        DatasetFolderOrigin.Explicit => "given with --data",
        DatasetFolderOrigin.Environment => $"from the environment variable {DatasetLocator.EnvironmentVariable}",
        DatasetFolderOrigin.UserCache => "the user cache folder",
        DatasetFolderOrigin.Debian => "installed by the Debian package dataset-fashion-mnist",
        _ => Origin.ToString(),
    };

    /// <summary><c>FOLDER (origin)</c>.</summary>
    /// <returns>The folder and its origin.</returns>
    public override string ToString() => $"{Folder} ({OriginDescription})";
}

/// <summary>
/// The result of locating a file-based dataset: the folder chosen, why, and which splits it holds. Built by
/// <see cref="DatasetLocator.Locate"/>.
/// </summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="Folder">The folder that holds (or should hold) the IDX files directly.</param>
/// <param name="Origin">Why this folder was chosen.</param>
/// <param name="Splits">The availability of each split, train first.</param>
/// <param name="Candidates">Every folder considered, in order of priority.</param>
public sealed record DatasetLocation(
    DatasetId Dataset,
    string Folder,
    DatasetFolderOrigin Origin,
    IReadOnlyList<SplitAvailability> Splits,
    IReadOnlyList<DatasetFolderCandidate> Candidates)
{
    /// <summary>Whether at least one split can be loaded.</summary>
    public bool HasAnySplit => Splits.Any(s => s.IsPresent);

    /// <summary>The availability of one split.</summary>
    /// <param name="split">The split.</param>
    /// <returns>Its availability.</returns>
    public SplitAvailability GetSplit(DatasetSplit split) => Splits.First(s => s.Split == split);

    /// <summary>One line for the user, e.g. <c>mnist: /data/mnist (given with --data)</c>.</summary>
    /// <returns>The dataset, folder and origin.</returns>
    public string Describe() => $"{Dataset.Name}: {Folder} ({new DatasetFolderCandidate(Folder, Origin).OriginDescription})";

    /// <summary>
    /// The full message for a split that cannot be loaded: what is missing, the folders searched and what to do.
    /// </summary>
    /// <param name="split">The split.</param>
    /// <returns>A message that stands alone.</returns>
    public string DescribeMissing(DatasetSplit split)
    {
        SplitAvailability availability = GetSplit(split);
        string searched = string.Join("; ", Candidates.Select(c => c.ToString()));
        string hint = Dataset.Equals(DatasetId.Mnist)
            ? "place the MNIST files there, run the MNIST download, or pass --data DIR"
            : $"place the {Dataset.DisplayName} files there or pass --data DIR";
        return $"{availability.Reason}; folders searched: {searched}; {hint}";
    }
}
