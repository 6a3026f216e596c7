namespace Robustness.Data.Sources;

/// <summary>A dataset whose splits can be loaded as <see cref="ImageSet"/>s.</summary>
public interface IDatasetSource
{
    /// <summary>The dataset.</summary>
    DatasetId Dataset { get; }

    /// <summary>One line for the user saying where the data comes from (folder and origin, or generator settings).</summary>
    string Description { get; }

    /// <summary>Whether a split can be loaded and, when it cannot, what is missing (with full paths).</summary>
    /// <param name="split">The split.</param>
    /// <returns>The availability.</returns>
    SplitAvailability GetAvailability(DatasetSplit split);

    /// <summary>Loads a split; the set is named <c>dataset/split</c> (e.g. <c>mnist/test</c>, <c>synthetic/train</c>).</summary>
    /// <param name="split">The split.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The images, pixels in [0, 1], and labels.</returns>
    /// <exception cref="DatasetNotAvailableException">The split's files are missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed (the message starts with its path).</exception>
    ImageSet Load(DatasetSplit split, CancellationToken cancellationToken = default);
}
