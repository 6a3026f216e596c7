namespace Robustness.Data.Sources;

/// <summary>
/// Finds the folder of a file-based dataset (MNIST, Fashion-MNIST).
/// </summary>
/// <remarks>
/// <para>Candidates, in order of priority:</para>
/// <list type="number">
/// <item>an explicit folder (the CLI's <c>--data DIR</c>); when given it is the only candidate, so a wrong
/// <c>--data</c> is reported instead of silently replaced by another folder;</item>
/// <item>the environment variable <c>ROBUSTNESS_DATA</c>;</item>
/// <item>the user cache folder: <c>$XDG_CACHE_HOME/robustness/datasets/&lt;name&gt;</c> or
/// <c>~/.cache/robustness/datasets/&lt;name&gt;</c> on Linux and macOS, <c>%LOCALAPPDATA%\robustness\datasets\&lt;name&gt;</c>
/// on Windows;</item>
/// <item>for Fashion-MNIST only, <c>/usr/share/datasets/fashion-mnist</c> (Debian package <c>dataset-fashion-mnist</c>).</item>
/// </list>
/// <para>Without an explicit folder the first candidate that holds at least one complete split wins; when none
/// does, the first candidate is reported with what it lacks. Each candidate folder may hold the IDX files directly
/// or in a subfolder named after the dataset (<c>DIR/mnist/</c>, <c>DIR/fashion-mnist/</c>); the subfolder is
/// preferred when it holds a split.</para>
/// </remarks>
public sealed class DatasetLocator
{
    /// <summary>The environment variable naming a data folder: <c>ROBUSTNESS_DATA</c>.</summary>
    public const string EnvironmentVariable = "ROBUSTNESS_DATA";

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs Fashion-MNIST.</summary>
    public const string DebianFashionMnistFolder = "/usr/share/datasets/fashion-mnist";

    private readonly Func<string, string?> _getEnvironmentVariable;
    private readonly string _cacheRoot;
    private readonly string _debianFashionMnistFolder;

    /// <summary>Creates a locator reading the process environment and the real user cache folder.</summary>
    public DatasetLocator()
        : this(Environment.GetEnvironmentVariable, cacheRoot: null, debianFashionMnistFolder: null)
    {
    }

    /// <summary>Creates a locator with a replaced environment, cache root or Debian folder (for tests).</summary>
    /// <param name="getEnvironmentVariable">Reads an environment variable.</param>
    /// <param name="cacheRoot">The folder holding one subfolder per dataset; null for <see cref="DefaultCacheRoot"/>.</param>
    /// <param name="debianFashionMnistFolder">The Debian Fashion-MNIST folder; null for <see cref="DebianFashionMnistFolder"/>.</param>
    internal DatasetLocator(Func<string, string?> getEnvironmentVariable, string? cacheRoot, string? debianFashionMnistFolder)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        _getEnvironmentVariable = getEnvironmentVariable;
        _cacheRoot = cacheRoot ?? DefaultCacheRoot(getEnvironmentVariable);
        _debianFashionMnistFolder = debianFashionMnistFolder ?? DebianFashionMnistFolder;
    }

    /// <summary>The folder holding one cache subfolder per dataset (<c>.../robustness/datasets</c>).</summary>
    public string CacheRoot => _cacheRoot;

    /// <summary>The user cache folder of a dataset, where <see cref="MnistDownloader"/> writes by default.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <returns><c>CacheRoot/&lt;name&gt;</c>.</returns>
    public string GetCacheFolder(DatasetId dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Path.Combine(_cacheRoot, dataset.Name);
    }

    /// <summary>The folders considered for a dataset, in order of priority.</summary>
    /// <param name="dataset">A file-based dataset.</param>
    /// <param name="explicitFolder">The explicit folder (<c>--data</c>), or null.</param>
    /// <returns>The candidates; only the explicit folder when one is given.</returns>
    public IReadOnlyList<DatasetFolderCandidate> GetCandidates(DatasetId dataset, string? explicitFolder = null)
    {
        RequireFileBased(dataset);
        if (!string.IsNullOrWhiteSpace(explicitFolder))
        {
            return [new DatasetFolderCandidate(Path.GetFullPath(explicitFolder), DatasetFolderOrigin.Explicit)];
        }

        var candidates = new List<DatasetFolderCandidate>(3);
        string? fromEnvironment = _getEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            candidates.Add(new DatasetFolderCandidate(Path.GetFullPath(fromEnvironment), DatasetFolderOrigin.Environment));
        }

        candidates.Add(new DatasetFolderCandidate(GetCacheFolder(dataset), DatasetFolderOrigin.UserCache));
        if (dataset.Equals(DatasetId.FashionMnist))
        {
            candidates.Add(new DatasetFolderCandidate(_debianFashionMnistFolder, DatasetFolderOrigin.Debian));
        }

        return candidates;
    }

    /// <summary>Finds the folder of a dataset and which of its splits are present.</summary>
    /// <param name="dataset">A file-based dataset (not <see cref="DatasetId.Synthetic"/>).</param>
    /// <param name="explicitFolder">The explicit folder (<c>--data</c>), or null to search the environment and caches.</param>
    /// <returns>The location; check <see cref="DatasetLocation.Splits"/> for what is present.</returns>
    /// <exception cref="ArgumentException">The dataset is generated, not read from files.</exception>
    public DatasetLocation Locate(DatasetId dataset, string? explicitFolder = null)
    {
        IReadOnlyList<DatasetFolderCandidate> candidates = GetCandidates(dataset, explicitFolder);
        DatasetLocation? first = null;
        foreach (DatasetFolderCandidate candidate in candidates)
        {
            DatasetLocation location = Inspect(dataset, candidate, candidates);
            if (location.HasAnySplit)
            {
                return location;
            }

            first ??= location;
        }

        return first!;
    }

    /// <summary>Inspects one folder (files directly or in <c>&lt;name&gt;/</c>) for a dataset's splits.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="folder">The folder.</param>
    /// <param name="origin">Why the folder is inspected.</param>
    /// <returns>The location of the dataset in that folder.</returns>
    public static DatasetLocation InspectFolder(DatasetId dataset, string folder, DatasetFolderOrigin origin = DatasetFolderOrigin.Explicit)
    {
        RequireFileBased(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var candidate = new DatasetFolderCandidate(Path.GetFullPath(folder), origin);
        return Inspect(dataset, candidate, [candidate]);
    }

    /// <summary>The default cache root for the current platform and environment.</summary>
    /// <param name="getEnvironmentVariable">Reads an environment variable (XDG_CACHE_HOME, HOME).</param>
    /// <returns>The folder holding one subfolder per dataset.</returns>
    internal static string DefaultCacheRoot(Func<string, string?> getEnvironmentVariable)
    {
        string baseFolder;
        if (OperatingSystem.IsWindows())
        {
            baseFolder = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        }
        else
        {
            string? xdg = getEnvironmentVariable("XDG_CACHE_HOME");
            if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg))
            {
                baseFolder = xdg;
            }
            else
            {
                string? home = getEnvironmentVariable("HOME");
                if (string.IsNullOrWhiteSpace(home))
                {
                    home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                }

                baseFolder = Path.Combine(home, ".cache");
            }
        }

        return Path.Combine(baseFolder, "robustness", "datasets");
    }

    private static DatasetLocation Inspect(DatasetId dataset, DatasetFolderCandidate candidate, IReadOnlyList<DatasetFolderCandidate> candidates)
    {
        string direct = candidate.Folder;
        string nested = Path.Combine(direct, dataset.Name);
        bool nestedExists = Directory.Exists(nested);
        if (nestedExists)
        {
            SplitAvailability[] nestedSplits = InspectSplits(dataset, nested);
            if (nestedSplits.Any(s => s.IsPresent))
            {
                return new DatasetLocation(dataset, nested, candidate.Origin, nestedSplits, candidates);
            }
        }

        SplitAvailability[] directSplits = InspectSplits(dataset, direct);
        if (directSplits.Any(s => s.IsPresent) || !nestedExists)
        {
            return new DatasetLocation(dataset, direct, candidate.Origin, directSplits, candidates);
        }

        return new DatasetLocation(dataset, nested, candidate.Origin, InspectSplits(dataset, nested), candidates);
    }

    private static SplitAvailability[] InspectSplits(DatasetId dataset, string folder) =>
        [.. DatasetSplits.All.Select(split => SplitAvailability.InFolder(dataset, split, folder))];

    private static void RequireFileBased(DatasetId dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!dataset.IsFileBased)
        {
            throw new ArgumentException($"Dataset '{dataset.Name}' is generated, not read from a folder.", nameof(dataset));
        }
    }
}
