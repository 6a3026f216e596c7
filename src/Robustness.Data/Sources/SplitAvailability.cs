namespace Robustness.Data.Sources;

/// <summary>Whether a split of a dataset can be loaded, and why (or why not).</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="Split">The split.</param>
/// <param name="IsPresent">Whether the split can be loaded.</param>
/// <param name="ImagesPath">The images file that would be read; null when missing or for generated data.</param>
/// <param name="LabelsPath">The labels file that would be read; null when missing or for generated data.</param>
/// <param name="Reason">
/// One line for the user: the files used when present, or what is missing with every full path tried.
/// </param>
public sealed record SplitAvailability(
    DatasetId Dataset,
    DatasetSplit Split,
    bool IsPresent,
    string? ImagesPath,
    string? LabelsPath,
    string Reason)
{
    /// <summary>The <c>dataset/split</c> name, e.g. <c>mnist/train</c>.</summary>
    public string Name => DatasetSplits.ImageSetName(Dataset, Split);

    /// <summary>Inspects a folder for the IDX files of one split.</summary>
    /// <param name="dataset">The dataset the folder is meant to hold.</param>
    /// <param name="split">The split.</param>
    /// <param name="folder">The folder holding the files directly.</param>
    /// <returns>The availability, naming the missing file(s) and every path tried.</returns>
    public static SplitAvailability InFolder(DatasetId dataset, DatasetSplit split, string folder)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(folder);
        string imagesName = IdxFileNames.Images(split);
        string labelsName = IdxFileNames.Labels(split);
        string? images = IdxFileNames.Find(folder, imagesName);
        string? labels = IdxFileNames.Find(folder, labelsName);
        string name = DatasetSplits.ImageSetName(dataset, split);
        if (images is not null && labels is not null)
        {
            return new SplitAvailability(dataset, split, true, images, labels, $"{name}: {images} and {labels}");
        }

        var missing = new List<string>(2);
        if (images is null)
        {
            missing.Add($"images file {imagesName} (tried {string.Join(", ", IdxFileNames.Candidates(folder, imagesName))})");
        }

        if (labels is null)
        {
            missing.Add($"labels file {labelsName} (tried {string.Join(", ", IdxFileNames.Candidates(folder, labelsName))})");
        }

        return new SplitAvailability(dataset, split, false, images, labels, $"{name} is missing its {string.Join(" and its ", missing)}");
    }
}
