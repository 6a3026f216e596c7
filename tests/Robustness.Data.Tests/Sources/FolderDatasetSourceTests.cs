using Robustness.Data.Sources;
using Robustness.Tests.Shared;

namespace Robustness.Data.Tests.Sources;

public sealed class FolderDatasetSourceTests
{
    private static readonly int[] _mnistTestCounts = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

    [Test]
    public void Mnist_LoadsTestSplit_WithMethodClassCounts()
    {
        var source = new FolderDatasetSource(DatasetLocator.InspectFolder(DatasetId.Mnist, TestData.MnistFolder));

        ImageSet test = source.Load(DatasetSplit.Test);

        Assert.That(test.Name, Is.EqualTo("mnist/test"));
        Assert.That(test.Count, Is.EqualTo(10_000));
        Assert.That(test.Height, Is.EqualTo(28));
        Assert.That(test.Width, Is.EqualTo(28));
        Assert.That(test.ClassCount, Is.EqualTo(10));
        Assert.That(test.ClassCounts, Is.EqualTo(_mnistTestCounts));
        float max = 0;
        float min = 1;
        for (int i = 0; i < test.Count; i += 97)
        {
            foreach (float p in test.GetImage(i))
            {
                max = Math.Max(max, p);
                min = Math.Min(min, p);
            }
        }

        Assert.That(min, Is.EqualTo(0f));
        Assert.That(max, Is.EqualTo(1f));
    }

    [Test]
    public void Mnist_ReportsTrainSplitAbsent_NamingTheMissingImagesFile()
    {
        string temp = Directory.CreateTempSubdirectory("robustness-mnist-").FullName;
        try
        {
            CheckTrainSplitAbsent(TestData.MnistWithoutTrainImages(temp));
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    [Test]
    public void Mnist_LoadsTheFullTrainingSplit_WithMethodClassCounts()
    {
        var source = new FolderDatasetSource(DatasetLocator.InspectFolder(DatasetId.Mnist, TestData.MnistFolder));

        ImageSet train = source.Load(DatasetSplit.Train);

        Assert.That(train.Name, Is.EqualTo("mnist/train"));
        Assert.That(train.Count, Is.EqualTo(60_000));
        Assert.That(train.ClassCounts, Is.EqualTo(new[] { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 }));
    }

    private static void CheckTrainSplitAbsent(string folder)
    {
        var source = new FolderDatasetSource(DatasetLocator.InspectFolder(DatasetId.Mnist, folder));

        SplitAvailability train = source.GetAvailability(DatasetSplit.Train);
        SplitAvailability test = source.GetAvailability(DatasetSplit.Test);

        Assert.That(test.IsPresent, Is.True);
        Assert.That(train.IsPresent, Is.False);
        Assert.That(train.Reason, Does.Contain(Path.Combine(Path.GetFullPath(folder), "train-images-idx3-ubyte.gz")));
        Assert.That(train.Reason, Does.Not.Contain("labels file"));
        var e = Assert.Throws<DatasetNotAvailableException>(() => source.Load(DatasetSplit.Train));
        Assert.That(e!.Message, Does.StartWith("mnist/train is missing its images file train-images-idx3-ubyte"));
        Assert.That(e.Message, Does.Contain("--data"));
        Assert.That(e.SplitName, Is.EqualTo("mnist/train"));
    }

    [Test]
    public void FashionMnist_LoadsBothSplits_Balanced()
    {
        string folder = TestData.FashionMnistFolder;
        var source = new FolderDatasetSource(DatasetLocator.InspectFolder(DatasetId.FashionMnist, folder));

        ImageSet train = source.Load(DatasetSplit.Train);
        ImageSet test = source.Load(DatasetSplit.Test);

        Assert.That(train.Name, Is.EqualTo("fashion-mnist/train"));
        Assert.That(train.Count, Is.EqualTo(60_000));
        Assert.That(train.ClassCounts, Is.All.EqualTo(6_000));
        Assert.That(test.Name, Is.EqualTo("fashion-mnist/test"));
        Assert.That(test.Count, Is.EqualTo(10_000));
        Assert.That(test.ClassCounts, Is.All.EqualTo(1_000));
        Assert.That(train.ImbalanceDegree(), Is.EqualTo(0.0));
    }

    [Test]
    public void FashionMnist_IsFoundInDebianFolder_WhenNothingElseIsConfigured()
    {
        string debian = TestData.FashionMnistFolder;
        using var temp = new TempFolder();
        var locator = new DatasetLocator(_ => null, temp.Combine("cache"), debian);

        DatasetLocation location = locator.Locate(DatasetId.FashionMnist);

        Assert.That(location.Origin, Is.EqualTo(DatasetFolderOrigin.Debian));
        Assert.That(location.Splits.All(s => s.IsPresent), Is.True);
        Assert.That(location.Describe(), Does.Contain("Debian package dataset-fashion-mnist"));
    }

    [Test]
    public void Load_Throws_WhenFileIsNotIdx()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.Combine("t10k-images-idx3-ubyte"), [1, 2, 3, 4, 5, 6, 7, 8]);
        File.WriteAllBytes(temp.Combine("t10k-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 0]);
        var source = new FolderDatasetSource(DatasetLocator.InspectFolder(DatasetId.Mnist, temp.Path));

        var e = Assert.Throws<InvalidDataException>(() => source.Load(DatasetSplit.Test));
        Assert.That(e!.Message, Does.StartWith(temp.Path));
    }
}
