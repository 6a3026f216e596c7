namespace Robustness.Data.Sources;

/// <summary>
/// A dataset read from IDX files in one folder (MNIST and Fashion-MNIST). Availability is re-checked on every call,
/// so files added after construction are seen.
/// </summary>
internal sealed class FolderDatasetSource : IDatasetSource
{
    private readonly DatasetLocation _location;

    /// <summary>Creates a source over a located folder.</summary>
    /// <param name="location">The result of <see cref="DatasetLocator.Locate"/> or <see cref="DatasetLocator.InspectFolder"/>.</param>
    public FolderDatasetSource(DatasetLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        _location = location;
    }

    /// <inheritdoc />
    public DatasetId Dataset => _location.Dataset;

    /// <summary>The location this source reads from.</summary>
    public DatasetLocation Location => _location;

    /// <inheritdoc />
    public string Description => _location.Describe();

    /// <inheritdoc />
    public SplitAvailability GetAvailability(DatasetSplit split) => SplitAvailability.InFolder(_location.Dataset, split, _location.Folder);

    /// <inheritdoc />
    public ImageSet Load(DatasetSplit split, CancellationToken cancellationToken = default)
    {
        SplitAvailability availability = GetAvailability(split);
        if (!availability.IsPresent)
        {
            DatasetLocation current = _location with { Splits = [.. DatasetSplits.All.Select(GetAvailability)] };
            throw new DatasetNotAvailableException(current.DescribeMissing(split)) { SplitName = availability.Name };
        }

        return IdxDataset.LoadImageSet(
            availability.ImagesPath!,
            availability.LabelsPath!,
            availability.Name,
            classCount: 10,
            cancellationToken);
    }
}
