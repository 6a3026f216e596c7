namespace Robustness.Data.Sources;

/// <summary>Gives the source of a dataset by name; registered by <c>AddRobustnessData</c>.</summary>
public interface IDatasetCatalog
{
    /// <summary>Locates a file-based dataset (see <see cref="DatasetLocator"/>).</summary>
    /// <param name="dataset">A file-based dataset.</param>
    /// <param name="dataDirectory">An explicit folder (<c>--data</c>); null for <see cref="DataOptions.DataDirectory"/>, then the environment and caches.</param>
    /// <returns>The chosen folder, its origin and the splits present.</returns>
    DatasetLocation Locate(DatasetId dataset, string? dataDirectory = null);

    /// <summary>The source of a dataset: a <see cref="FolderDatasetSource"/> over the located folder, or <see cref="SyntheticDigits"/>.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="dataDirectory">An explicit folder (<c>--data</c>); null for <see cref="DataOptions.DataDirectory"/>, then the environment and caches. Ignored for synthetic.</param>
    /// <returns>The source; check <see cref="IDatasetSource.GetAvailability"/> before loading.</returns>
    IDatasetSource GetSource(DatasetId dataset, string? dataDirectory = null);

    /// <summary>The source of a dataset given by name (<c>mnist</c>, <c>fashion-mnist</c>, <c>synthetic</c>).</summary>
    /// <param name="name">The dataset name.</param>
    /// <param name="dataDirectory">An explicit folder (<c>--data</c>), or null.</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid names.</exception>
    IDatasetSource GetSource(string name, string? dataDirectory = null);

    /// <summary>The source of a dataset when its test split is present; null when it is absent or cannot be located.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="dataDirectory">An explicit folder, or null.</param>
    /// <returns>The source, or null.</returns>
    IDatasetSource? FindAvailable(DatasetId dataset, string? dataDirectory = null);

    /// <summary>
    /// The default data of the library, offline: MNIST when its test split is found, else Fashion-MNIST (the Debian package
    /// <c>dataset-fashion-mnist</c>), else the synthetic digits (always present). Check <see cref="IDatasetSource.Dataset"/> for the one chosen.
    /// </summary>
    /// <param name="mnistDirectory">A folder that must hold MNIST (then there is no fallback), or null to search the usual places.</param>
    /// <returns>The source.</returns>
    /// <exception cref="DatasetNotAvailableException"><paramref name="mnistDirectory"/> is given and holds no MNIST test split.</exception>
    IDatasetSource FirstAvailable(string? mnistDirectory = null);
}

/// <summary>The default <see cref="IDatasetCatalog"/>: locates folders with a <see cref="DatasetLocator"/>.</summary>
internal sealed class DatasetCatalog : IDatasetCatalog
{
    private readonly DataOptions _options;
    private readonly DatasetLocator _locator;

    /// <summary>Creates the catalog.</summary>
    /// <param name="options">The data options (<see cref="DataOptions.DataDirectory"/>, <see cref="DataOptions.Synthetic"/>).</param>
    /// <param name="locator">Finds dataset folders.</param>
    public DatasetCatalog(DataOptions options, DatasetLocator locator)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(locator);
        _options = options;
        _locator = locator;
    }

    /// <inheritdoc />
    public DatasetLocation Locate(DatasetId dataset, string? dataDirectory = null) =>
        _locator.Locate(dataset, string.IsNullOrWhiteSpace(dataDirectory) ? _options.DataDirectory : dataDirectory);

    /// <inheritdoc />
    public IDatasetSource GetSource(DatasetId dataset, string? dataDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return dataset.IsFileBased
            ? new FolderDatasetSource(Locate(dataset, dataDirectory))
            : new SyntheticDigits(_options.Synthetic);
    }

    /// <inheritdoc />
    public IDatasetSource GetSource(string name, string? dataDirectory = null) => GetSource(DatasetId.Parse(name), dataDirectory);

    /// <inheritdoc />
    public IDatasetSource? FindAvailable(DatasetId dataset, string? dataDirectory = null)
    {
        try
        {
            var source = GetSource(dataset, dataDirectory);
            return source.GetAvailability(DatasetSplit.Test).IsPresent ? source : null;
        }
        catch (DatasetNotAvailableException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public IDatasetSource FirstAvailable(string? mnistDirectory = null)
    {
        if (FindAvailable(DatasetId.Mnist, mnistDirectory) is { } mnist)
        {
            return mnist;
        }

        if (!string.IsNullOrWhiteSpace(mnistDirectory))
        {
            throw new DatasetNotAvailableException($"{Path.GetFullPath(mnistDirectory)}: no MNIST test split (t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]) found there.");
        }

        return FindAvailable(DatasetId.FashionMnist) ?? GetSource(DatasetId.Synthetic);
    }
}
