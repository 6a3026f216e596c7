using Microsoft.Extensions.DependencyInjection;
using Robustness.Data.Sources;
using Robustness.Tests.Shared;

namespace Robustness.Data.Tests.Sources;

public sealed class DatasetCatalogTests
{
    [Test]
    public void GetSource_GivesFolderSource_ForExplicitFolder()
    {
        string folder = TestData.MnistFolder;
        using var temp = new TempFolder();
        var catalog = new DatasetCatalog(new DataOptions(), new DatasetLocator(_ => null, temp.Path, null));

        IDatasetSource source = catalog.GetSource("MNIST", folder);

        Assert.That(source, Is.InstanceOf<FolderDatasetSource>());
        Assert.That(((FolderDatasetSource)source).Location.Origin, Is.EqualTo(DatasetFolderOrigin.Explicit));
        Assert.That(source.Description, Does.StartWith("mnist: " + Path.GetFullPath(folder)));
        Assert.That(source.GetAvailability(DatasetSplit.Test).IsPresent, Is.True);
    }

    [Test]
    public void GetSource_UsesDataOptionsDirectory_WhenNoFolderIsGiven()
    {
        using var temp = new TempFolder();
        TempFolder.Touch(temp.Combine("data", "fashion-mnist"), "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
        var catalog = new DatasetCatalog(new DataOptions { DataDirectory = temp.Combine("data") }, new DatasetLocator(_ => null, temp.Combine("cache"), null));

        DatasetLocation location = catalog.Locate(DatasetId.FashionMnist);

        Assert.That(location.Folder, Is.EqualTo(temp.Combine("data", "fashion-mnist")));
        Assert.That(location.Origin, Is.EqualTo(DatasetFolderOrigin.Explicit));
    }

    [Test]
    public void GetSource_GivesSyntheticDigits_WithDataOptionsSettings()
    {
        var options = new DataOptions { Synthetic = new SyntheticDigitsOptions { TrainCountPerClass = 3, TestCountPerClass = 2, Seed = 9 } };
        var catalog = new DatasetCatalog(options, new DatasetLocator());

        IDatasetSource source = catalog.GetSource("synthetic", "/ignored");

        Assert.That(source.Dataset, Is.EqualTo(DatasetId.Synthetic));
        Assert.That(source.Load(DatasetSplit.Test).Count, Is.EqualTo(20));
        Assert.That(() => catalog.GetSource("emnist"), Throws.ArgumentException.With.Message.Contains("valid names"));
    }

    [Test]
    public void AddRobustnessData_RegistersLocatorAndCatalog()
    {
        var services = new ServiceCollection();

        services.AddRobustnessData(o => o.DataDirectory = "/data");

        Assert.That(services.Any(d => d.ServiceType == typeof(DatasetLocator) && d.Lifetime == ServiceLifetime.Singleton), Is.True);
        Assert.That(services.Any(d => d.ServiceType == typeof(IDatasetCatalog) && d.ImplementationType == typeof(DatasetCatalog)), Is.True);
    }
}
