using Robustness.Data.Sources;
using Robustness.Tests.Shared;

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
        using var temp = new TempFolder();
        TempFolder.Touch(temp.Combine("explicit"), _testFiles);
        TempFolder.Touch(temp.Combine("env"), _allFiles);
        TempFolder.Touch(temp.Combine("cache", "mnist"), _allFiles);

        DatasetLocation location = Locator(temp.Combine("env"), temp.Combine("cache")).Locate(DatasetId.Mnist, temp.Combine("explicit"));

        Assert.That(location.Folder, Is.EqualTo(temp.Combine("explicit")));
        Assert.That(location.Origin, Is.EqualTo(DatasetFolderOrigin.Explicit));
        Assert.That(location.Candidates, Has.Count.EqualTo(1));
        Assert.That(location.GetSplit(DatasetSplit.Test).IsPresent, Is.True);
        Assert.That(location.GetSplit(DatasetSplit.Train).IsPresent, Is.False);
    }

    [Test]
    public void Locate_ReportsExplicitFolder_EvenWhenItIsEmpty()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("explicit"));
        TempFolder.Touch(temp.Combine("cache", "mnist"), _allFiles);

        DatasetLocation location = Locator(null, temp.Combine("cache")).Locate(DatasetId.Mnist, temp.Combine("explicit"));

        Assert.That(location.Folder, Is.EqualTo(temp.Combine("explicit")));
        Assert.That(location.HasAnySplit, Is.False);
    }

    [Test]
    public void Locate_PrefersEnvironment_OverCache()
    {
        using var temp = new TempFolder();
        TempFolder.Touch(temp.Combine("env"), _testFiles);
        TempFolder.Touch(temp.Combine("cache", "mnist"), _allFiles);

        DatasetLocation location = Locator(temp.Combine("env"), temp.Combine("cache")).Locate(DatasetId.Mnist);

        Assert.That(location.Folder, Is.EqualTo(temp.Combine("env")));
        Assert.That(location.Origin, Is.EqualTo(DatasetFolderOrigin.Environment));
        Assert.That(location.Candidates.Select(c => c.Origin), Is.EqualTo(new[] { DatasetFolderOrigin.Environment, DatasetFolderOrigin.UserCache }));
    }

    [Test]
    public void Locate_FallsBackToCache_WhenEnvironmentFolderHasNoSplit()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("env"));
        TempFolder.Touch(temp.Combine("cache", "mnist"), _allFiles);

        DatasetLocation location = Locator(temp.Combine("env"), temp.Combine("cache")).Locate(DatasetId.Mnist);

        Assert.That(location.Folder, Is.EqualTo(temp.Combine("cache", "mnist")));
        Assert.That(location.Origin, Is.EqualTo(DatasetFolderOrigin.UserCache));
        Assert.That(location.Splits.All(s => s.IsPresent), Is.True);
        Assert.That(location.GetSplit(DatasetSplit.Test).ImagesPath, Is.EqualTo(temp.Combine("cache", "mnist", "t10k-images-idx3-ubyte")));
    }

    [Test]
    public void Locate_AcceptsDatasetSubfolder_AndPrefersItOverFilesDirectly()
    {
        using var temp = new TempFolder();
        TempFolder.Touch(temp.Combine("data", "mnist"), _testFiles);
        TempFolder.Touch(temp.Combine("data", "fashion-mnist"), _allFiles);
        TempFolder.Touch(temp.Combine("data"), _allFiles);

        DatasetLocator locator = Locator(null, temp.Combine("cache"));
        DatasetLocation mnist = locator.Locate(DatasetId.Mnist, temp.Combine("data"));
        DatasetLocation fashion = locator.Locate(DatasetId.FashionMnist, temp.Combine("data"));

        Assert.That(mnist.Folder, Is.EqualTo(temp.Combine("data", "mnist")));
        Assert.That(mnist.GetSplit(DatasetSplit.Train).IsPresent, Is.False);
        Assert.That(fashion.Folder, Is.EqualTo(temp.Combine("data", "fashion-mnist")));
        Assert.That(fashion.Describe(), Is.EqualTo($"fashion-mnist: {temp.Combine("data", "fashion-mnist")} (given with --data)"));
    }

    [Test]
    public void Locate_UsesFilesDirectly_WhenSubfolderHoldsNoSplit()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("data", "mnist"));
        TempFolder.Touch(temp.Combine("data"), _testFiles);

        DatasetLocation location = Locator(null, temp.Combine("cache")).Locate(DatasetId.Mnist, temp.Combine("data"));

        Assert.That(location.Folder, Is.EqualTo(temp.Combine("data")));
        Assert.That(location.GetSplit(DatasetSplit.Test).IsPresent, Is.True);
    }

    [Test]
    public void Locate_ReportsMissingFiles_WithEveryPathTried()
    {
        using var temp = new TempFolder();
        TempFolder.Touch(temp.Combine("data"), "train-labels-idx1-ubyte.gz");

        DatasetLocation location = Locator(null, temp.Combine("cache")).Locate(DatasetId.Mnist, temp.Combine("data"));
        SplitAvailability train = location.GetSplit(DatasetSplit.Train);
        SplitAvailability test = location.GetSplit(DatasetSplit.Test);

        Assert.That(train.IsPresent, Is.False);
        Assert.That(train.LabelsPath, Is.EqualTo(temp.Combine("data", "train-labels-idx1-ubyte.gz")));
        Assert.That(train.Reason, Does.StartWith("mnist/train is missing its images file train-images-idx3-ubyte (tried "));
        Assert.That(train.Reason, Does.Contain(temp.Combine("data", "train-images-idx3-ubyte.gz")).And.Contain(temp.Combine("data", "train-images-idx3-ubyte)")));
        Assert.That(train.Reason, Does.Not.Contain("labels file"));
        Assert.That(test.Reason, Does.Contain("images file t10k-images-idx3-ubyte").And.Contain("labels file t10k-labels-idx1-ubyte"));
        Assert.That(location.DescribeMissing(DatasetSplit.Train), Does.Contain("folders searched: " + temp.Combine("data") + " (given with --data)"));
    }

    [Test]
    public void Locate_ReportsFirstCandidate_WhenNoFolderHasData()
    {
        using var temp = new TempFolder();

        DatasetLocation location = Locator(temp.Combine("env"), temp.Combine("cache")).Locate(DatasetId.FashionMnist);

        Assert.That(location.Origin, Is.EqualTo(DatasetFolderOrigin.Environment));
        Assert.That(location.HasAnySplit, Is.False);
        Assert.That(location.Candidates.Select(c => c.Origin),
            Is.EqualTo(new[] { DatasetFolderOrigin.Environment, DatasetFolderOrigin.UserCache, DatasetFolderOrigin.Debian }));
        string message = location.DescribeMissing(DatasetSplit.Test);
        Assert.That(message, Does.Contain(temp.Combine("cache", "fashion-mnist")).And.Contain("/nonexistent/debian-fashion-mnist"));
    }

    [Test]
    public void Locate_OffersDebianFolder_OnlyForFashionMnist()
    {
        using var temp = new TempFolder();
        TempFolder.Touch(temp.Combine("debian"), _allFiles);
        DatasetLocator locator = Locator(null, temp.Combine("cache"), temp.Combine("debian"));

        DatasetLocation fashion = locator.Locate(DatasetId.FashionMnist);
        DatasetLocation mnist = locator.Locate(DatasetId.Mnist);

        Assert.That(fashion.Origin, Is.EqualTo(DatasetFolderOrigin.Debian));
        Assert.That(fashion.Folder, Is.EqualTo(temp.Combine("debian")));
        Assert.That(mnist.Origin, Is.EqualTo(DatasetFolderOrigin.UserCache));
        Assert.That(mnist.HasAnySplit, Is.False);
    }

    [Test]
    public void Locate_Throws_ForSyntheticDataset()
    {
        using var temp = new TempFolder();
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

        using var temp = new TempFolder();
        TempFolder.Touch(temp.Combine("env", "mnist"), "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
        TempFolder.Touch(temp.Combine("xdg", "robustness", "datasets", "mnist"), "train-images-idx3-ubyte", "train-labels-idx1-ubyte");
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", temp.Combine("xdg"));
        Environment.SetEnvironmentVariable(DatasetLocator.EnvironmentVariable, temp.Combine("env"));

        DatasetLocation fromEnvironment = new DatasetLocator().Locate(DatasetId.Mnist);
        Environment.SetEnvironmentVariable(DatasetLocator.EnvironmentVariable, null);
        DatasetLocation fromCache = new DatasetLocator().Locate(DatasetId.Mnist);

        Assert.That(fromEnvironment.Origin, Is.EqualTo(DatasetFolderOrigin.Environment));
        Assert.That(fromEnvironment.Folder, Is.EqualTo(temp.Combine("env", "mnist")));
        Assert.That(fromEnvironment.Describe(), Does.Contain("ROBUSTNESS_DATA"));
        Assert.That(fromCache.Origin, Is.EqualTo(DatasetFolderOrigin.UserCache));
        Assert.That(fromCache.Folder, Is.EqualTo(temp.Combine("xdg", "robustness", "datasets", "mnist")));
        Assert.That(fromCache.GetSplit(DatasetSplit.Train).IsPresent, Is.True);
        Assert.That(fromCache.GetSplit(DatasetSplit.Test).IsPresent, Is.False);
    }
}
