using Robustness.Data.Sources;
using Robustness.Tests.Shared;

namespace Robustness.Data.Tests.Sources;

public sealed class DatasetIdTests
{
    [TestCase("mnist", "mnist")]
    [TestCase("MNIST", "mnist")]
    [TestCase("fashion-mnist", "fashion-mnist")]
    [TestCase("Fashion_MNIST", "fashion-mnist")]
    [TestCase("fashionmnist", "fashion-mnist")]
    [TestCase(" synthetic ", "synthetic")]
    public void Parse_ReturnsDataset_ForKnownNames(string input, string expected)
    {
        Assert.That(DatasetId.Parse(input).Name, Is.EqualTo(expected));
    }

    [Test]
    public void Parse_Throws_ListingValidNames_ForUnknownName()
    {
        var e = Assert.Throws<ArgumentException>(() => DatasetId.Parse("cifar10"));
        Assert.That(e!.Message, Does.Contain("'cifar10'").And.Contain("mnist, fashion-mnist, synthetic"));
        Assert.That(e.ParamName, Is.EqualTo("name"));
    }

    [Test]
    public void Splits_ParseAndName_RoundTrip()
    {
        Assert.That(DatasetSplits.Parse("TRAIN"), Is.EqualTo(DatasetSplit.Train));
        Assert.That(DatasetSplits.Parse("t10k"), Is.EqualTo(DatasetSplit.Test));
        Assert.That(DatasetSplit.Test.ToName(), Is.EqualTo("test"));
        Assert.That(DatasetSplits.ImageSetName(DatasetId.FashionMnist, DatasetSplit.Train), Is.EqualTo("fashion-mnist/train"));
        Assert.That(() => DatasetSplits.Parse("validation"), Throws.ArgumentException.With.Message.Contains("train, test"));
    }

    [Test]
    public void FileNames_PreferGzip_WhenBothFormsExist()
    {
        using var temp = new TempFolder();
        TempFolder.Touch(temp.Path, "t10k-labels-idx1-ubyte", "t10k-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte");
        Assert.That(IdxFileNames.Find(temp.Path, IdxFileNames.TestLabels), Is.EqualTo(temp.Combine("t10k-labels-idx1-ubyte.gz")));
        Assert.That(IdxFileNames.Find(temp.Path, IdxFileNames.TrainLabels), Is.EqualTo(temp.Combine("train-labels-idx1-ubyte")));
        Assert.That(IdxFileNames.Find(temp.Path, IdxFileNames.TrainImages), Is.Null);
    }
}
