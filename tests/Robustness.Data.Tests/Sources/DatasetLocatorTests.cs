using Robustness.Data.Sources;

namespace Robustness.Data.Tests.Sources;

public sealed class DatasetLocatorTests
{
    private static readonly string[] _testFiles = ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];
    private static readonly string[] _allFiles =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    private static DatasetLocator Locator(string? environmentFolder, string cacheRoot, string? debian = null) =>
        new(name => name == DatasetLocator.EnvironmentVariable ? environmentFolder : null, cacheRoot, debian ?? "/nonexistent/debian-fashion-mnist");

    [Test]
    public void Locate_PrefersExplicit_OverEnvironmentAndCache()
    {
        using var temp = new SourcesTempFolder();
        SourcesTempFolder.Touch(temp.Sub("explicit"), _testFiles);
        SourcesTempFolder.Touch(temp.Sub("env"), _allFiles);
        SourcesTempFolder.Touch(temp.Sub("cache", "mnist"), _allFiles);

        DatasetLocation location = Locator(temp.Sub("env"), temp.Sub("cache")).Locate(DatasetId.Mnist, temp.Sub("explicit"));

        Assert.That(location.Folder, Is.EqualTo(temp.Sub("explicit")));
        Assert.That(location.Origin, Is.EqualTo(DatasetFolderOrigin.Explicit));
        Assert.That(location.Candidates, Has.Count.EqualTo(1));
        Assert.That(location.GetSplit(DatasetSplit.Test).IsPresent, Is.True);
        Assert.That(location.GetSplit(DatasetSplit.Train).IsPresent, Is.False);
    }

    [Test]
    public void Locate_ReportsExplicitFolder_EvenWhenItIsEmpty()
    {
        using var temp = new SourcesTempFolder();
        Directory.CreateDirectory(temp.Sub("explicit"));
        SourcesTempFolder.Touch(temp.Sub("cache", "mnist"), _allFiles);

        DatasetLocation location = Locator(null, temp.Sub("cache")).Locate(DatasetId.Mnist, temp.Sub("explicit"));

        Assert.That(location.Folder, Is.EqualTo(temp.Sub("explicit")));
        Assert.That(location.HasAnySplit, Is.False);
    }

    [Test]
    public void Locate_PrefersEnvironment_OverCache()
    {
        using var temp = new SourcesTempFolder();
        SourcesTempFolder.Touch(temp.Sub("env"), _testFiles);
        SourcesTempFolder.Touch(temp.Sub("cache", "mnist"), _allFiles);

        DatasetLocation location = Locator(temp.Sub("env"), temp.Sub("cache")).Locate(DatasetId.Mnist);

        Assert.That(location.Folder, Is.EqualTo(temp.Sub("env")));
        Assert.That(location.Origin, Is.EqualTo(DatasetFolderOrigin.Environment));
        Assert.That(location.Candidates.Select(c => c.Origin), Is.EqualTo(new[] { DatasetFolderOrigin.Environment, DatasetFolderOrigin.UserCache }));
    }

    [Test]
    public void Locate_FallsBackToCache_WhenEnvironmentFolderHasNoSplit()
    {
        using var temp = new SourcesTempFolder();
        Directory.CreateDirectory(temp.Sub("env"));
        SourcesTempFolder.Touch(temp.Sub("cache", "mnist"), _allFiles);

        DatasetLocation location = Locator(temp.Sub("env"), temp.Sub("cache")).Locate(DatasetId.Mnist);

        Assert.That(location.Folder, Is.EqualTo(temp.Sub("cache", "mnist")));
        Assert.That(location.Origin, Is.EqualTo(DatasetFolderOrigin.UserCache));
        Assert.That(location.Splits.All(s => s.IsPresent), Is.True);
        Assert.That(location.GetSplit(DatasetSplit.Test).ImagesPath, Is.EqualTo(temp.Sub("cache", "mnist", "t10k-images-idx3-ubyte")));
    }

    [Test]
    public void Locate_AcceptsDatasetSubfolder_AndPrefersItOverFilesDirectly()
    {
        using var temp = new SourcesTempFolder();
        SourcesTempFolder.Touch(temp.Sub("data", "mnist"), _testFiles);
        SourcesTempFolder.Touch(temp.Sub("data", "fashion-mnist"), _allFiles);
        SourcesTempFolder.Touch(temp.Sub("data"), _allFiles);

        DatasetLocator locator = Locator(null, temp.Sub("cache"));
        DatasetLocation mnist = locator.Locate(DatasetId.Mnist, temp.Sub("data"));
        DatasetLocation fashion = locator.Locate(DatasetId.FashionMnist, temp.Sub("data"));

        Assert.That(mnist.Folder, Is.EqualTo(temp.Sub("data", "mnist")));
        Assert.That(mnist.GetSplit(DatasetSplit.Train).IsPresent, Is.False);
        Assert.That(fashion.Folder, Is.EqualTo(temp.Sub("data", "fashion-mnist")));
        Assert.That(fashion.Describe(), Is.EqualTo($"fashion-mnist: {temp.Sub("data", "fashion-mnist")} (given with --data)"));
    }

    [Test]
    public void Locate_UsesFilesDirectly_WhenSubfolderHoldsNoSplit()
    {
        using var temp = new SourcesTempFolder();
        Directory.CreateDirectory(temp.Sub("data", "mnist"));
        SourcesTempFolder.Touch(temp.Sub("data"), _testFiles);

        DatasetLocation location = Locator(null, temp.Sub("cache")).Locate(DatasetId.Mnist, temp.Sub("data"));

        Assert.That(location.Folder, Is.EqualTo(temp.Sub("data")));
        Assert.That(location.GetSplit(DatasetSplit.Test).IsPresent, Is.True);
    }

    [Test]
    public void Locate_ReportsMissingFiles_WithEveryPathTried()
    {
        using var temp = new SourcesTempFolder();
        SourcesTempFolder.Touch(temp.Sub("data"), "train-labels-idx1-ubyte.gz");

        DatasetLocation location = Locator(null, temp.Sub("cache")).Locate(DatasetId.Mnist, temp.Sub("data"));
        SplitAvailability train = location.GetSplit(DatasetSplit.Train);
        SplitAvailability test = location.GetSplit(DatasetSplit.Test);

        Assert.That(train.IsPresent, Is.False);
        Assert.That(train.LabelsPath, Is.EqualTo(temp.Sub("data", "train-labels-idx1-ubyte.gz")));
        Assert.That(train.Reason, Does.StartWith("mnist/train is missing its images file train-images-idx3-ubyte (tried "));
        Assert.That(train.Reason, Does.Contain(temp.Sub("data", "train-images-idx3-ubyte.gz")).And.Contain(temp.Sub("data", "train-images-idx3-ubyte)")));
        Assert.That(train.Reason, Does.Not.Contain("labels file"));
        Assert.That(test.Reason, Does.Contain("images file t10k-images-idx3-ubyte").And.Contain("labels file t10k-labels-idx1-ubyte"));
        Assert.That(location.DescribeMissing(DatasetSplit.Train), Does.Contain("folders searched: " + temp.Sub("data") + " (given with --data)"));
    }

    [Test]
    public void Locate_ReportsFirstCandidate_WhenNoFolderHasData()
    {
        using var temp = new SourcesTempFolder();

        DatasetLocation location = Locator(temp.Sub("env"), temp.Sub("cache")).Locate(DatasetId.FashionMnist);

        Assert.That(location.Origin, Is.EqualTo(DatasetFolderOrigin.Environment));
        Assert.That(location.HasAnySplit, Is.False);
        Assert.That(location.Candidates.Select(c => c.Origin),
            Is.EqualTo(new[] { DatasetFolderOrigin.Environment, DatasetFolderOrigin.UserCache, DatasetFolderOrigin.Debian }));
        string message = location.DescribeMissing(DatasetSplit.Test);
        Assert.That(message, Does.Contain(temp.Sub("cache", "fashion-mnist")).And.Contain("/nonexistent/debian-fashion-mnist"));
    }

    [Test]
    public void Locate_OffersDebianFolder_OnlyForFashionMnist()
    {
        using var temp = new SourcesTempFolder();
        SourcesTempFolder.Touch(temp.Sub("debian"), _allFiles);
        DatasetLocator locator = Locator(null, temp.Sub("cache"), temp.Sub("debian"));

        DatasetLocation fashion = locator.Locate(DatasetId.FashionMnist);
        DatasetLocation mnist = locator.Locate(DatasetId.Mnist);

        Assert.That(fashion.Origin, Is.EqualTo(DatasetFolderOrigin.Debian));
        Assert.That(fashion.Folder, Is.EqualTo(temp.Sub("debian")));
        Assert.That(mnist.Origin, Is.EqualTo(DatasetFolderOrigin.UserCache));
        Assert.That(mnist.HasAnySplit, Is.False);
    }

    [Test]
    public void Locate_Throws_ForSyntheticDataset()
    {
        using var temp = new SourcesTempFolder();
        Assert.That(() => Locator(null, temp.Path).Locate(DatasetId.Synthetic),
            Throws.ArgumentException.With.Message.Contains("'synthetic' is generated"));
    }

    [Test]
    public void DefaultCacheRoot_UsesXdgCacheHome_ThenHome()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("XDG_CACHE_HOME applies to Linux and macOS only.");
        }

        string withXdg = DatasetLocator.DefaultCacheRoot(n => n == "XDG_CACHE_HOME" ? "/x/cache" : "/home/u");
        string withHome = DatasetLocator.DefaultCacheRoot(n => n == "HOME" ? "/home/u" : null);
        string relativeXdg = DatasetLocator.DefaultCacheRoot(n => n == "XDG_CACHE_HOME" ? "relative" : "/home/u");

        Assert.That(withXdg, Is.EqualTo("/x/cache/robustness/datasets"));
        Assert.That(withHome, Is.EqualTo("/home/u/.cache/robustness/datasets"));
        Assert.That(relativeXdg, Is.EqualTo("/home/u/.cache/robustness/datasets"));
    }
}

/// <summary>Reads the real process environment, so it sets and restores variables and never runs in parallel.</summary>
[NonParallelizable]
public sealed class DatasetLocatorEnvironmentTests
{
    private string? _savedData;
    private string? _savedXdg;

    [SetUp]
    public void Save()
    {
        _savedData = Environment.GetEnvironmentVariable(DatasetLocator.EnvironmentVariable);
        _savedXdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
    }

    [TearDown]
    public void Restore()
    {
        Environment.SetEnvironmentVariable(DatasetLocator.EnvironmentVariable, _savedData);
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", _savedXdg);
    }

    [Test]
    public void Locate_ReadsRobustnessDataVariable_ThenXdgCache()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("XDG_CACHE_HOME applies to Linux and macOS only.");
        }

        using var temp = new SourcesTempFolder();
        SourcesTempFolder.Touch(temp.Sub("env", "mnist"), "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
        SourcesTempFolder.Touch(temp.Sub("xdg", "robustness", "datasets", "mnist"), "train-images-idx3-ubyte", "train-labels-idx1-ubyte");
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", temp.Sub("xdg"));
        Environment.SetEnvironmentVariable(DatasetLocator.EnvironmentVariable, temp.Sub("env"));

        DatasetLocation fromEnvironment = new DatasetLocator().Locate(DatasetId.Mnist);
        Environment.SetEnvironmentVariable(DatasetLocator.EnvironmentVariable, null);
        DatasetLocation fromCache = new DatasetLocator().Locate(DatasetId.Mnist);

        Assert.That(fromEnvironment.Origin, Is.EqualTo(DatasetFolderOrigin.Environment));
        Assert.That(fromEnvironment.Folder, Is.EqualTo(temp.Sub("env", "mnist")));
        Assert.That(fromEnvironment.Describe(), Does.Contain("ROBUSTNESS_DATA"));
        Assert.That(fromCache.Origin, Is.EqualTo(DatasetFolderOrigin.UserCache));
        Assert.That(fromCache.Folder, Is.EqualTo(temp.Sub("xdg", "robustness", "datasets", "mnist")));
        Assert.That(fromCache.GetSplit(DatasetSplit.Train).IsPresent, Is.True);
        Assert.That(fromCache.GetSplit(DatasetSplit.Test).IsPresent, Is.False);
    }
}
