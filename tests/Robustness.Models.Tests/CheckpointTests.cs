namespace Robustness.Models.Tests;

public sealed class CheckpointTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("robustness-ckpt-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Load_Throws_WhenTheArchitectureIsNotTheExpectedOne()
    {
        string path = Path.Combine(_folder, "model.bin");
        using (var model = ModelTestData.CpuFactory().Create("lenet5", 1))
        {
            ModelCheckpoint.Save(model, path);
        }

        Assert.That(() => ModelCheckpoint.Load(path, ModelTestData.CpuFactory(), expectedArchitecture: "alexnet8"),
            Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith(path).And.Message.Contains("expected a checkpoint of architecture 'alexnet8', found 'lenet5'"));
    }

    [Test]
    public void Load_Throws_WhenTheWeightsDoNotFitTheSidecarsArchitecture()
    {
        string path = Path.Combine(_folder, "model.bin");
        using (var model = ModelTestData.CpuFactory().Create("lenet5", 1))
        {
            ModelCheckpoint.Save(model, path);
        }

        string sidecar = ModelCheckpoint.SidecarPath(path);
        File.WriteAllText(sidecar, File.ReadAllText(sidecar).Replace("\"lenet5\"", "\"alexnet8\"", StringComparison.Ordinal));

        Assert.That(() => ModelCheckpoint.Load(path, ModelTestData.CpuFactory()),
            Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith(path).And.Message.Contains("'alexnet8'"));
    }

    [Test]
    public void Load_RefusesNewWeightsBesideAnOldSidecar_AsAKillBetweenTheTwoWritesLeavesThem()
    {
        string path = Path.Combine(_folder, "model.bin");
        string sidecar = ModelCheckpoint.SidecarPath(path);
        using (var first = ModelTestData.CpuFactory().Create("lenet5", 1))
        {
            var metadata = ModelCheckpoint.Save(first, path);
            Assert.That(metadata.WeightsSha256, Has.Length.EqualTo(64));
            Assert.That(ModelCheckpoint.ReadMetadata(path).WeightsSha256, Is.EqualTo(metadata.WeightsSha256));
        }

        string oldSidecar = File.ReadAllText(sidecar);
        using (var second = ModelTestData.CpuFactory().Create("lenet5", 2))
        {
            ModelCheckpoint.Save(second, path);
        }

        File.WriteAllText(sidecar, oldSidecar); // the weights of the second save, the sidecar of the first

        Assert.That(() => ModelCheckpoint.Load(path, ModelTestData.CpuFactory()),
            Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith(path).And.Message.Contains("do not belong together"));
    }

    [Test]
    public void ReadMetadata_Throws_OnABrokenSidecar()
    {
        string path = Path.Combine(_folder, "model.bin");
        File.WriteAllText(ModelCheckpoint.SidecarPath(path), "{ not json");

        Assert.That(() => ModelCheckpoint.ReadMetadata(path), Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith(ModelCheckpoint.SidecarPath(path)));
    }

    [Test]
    public void Save_OverwritesAtomically_AndRoundTripsAlexNet()
    {
        string path = Path.Combine(_folder, "alex.bin");
        using var first = ModelTestData.CpuFactory().Create("alexnet8", 1);
        using var second = ModelTestData.CpuFactory().Create("alexnet8", 2);
        ModelCheckpoint.Save(first, path);
        ModelCheckpoint.Save(second, path);

        using var loaded = ModelCheckpoint.Load(path, ModelTestData.CpuFactory(), "alexnet8");

        Assert.That(loaded.CopyWeights(), Is.EqualTo(second.CopyWeights()));
        Assert.That(loaded.InitSeed, Is.EqualTo(2UL));
        Assert.That(Directory.GetFiles(_folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "alex.bin", "alex.bin.json" }));
    }

    [Test]
    public void DataFingerprint_ChangesWithOnePixelOrLabel()
    {
        var set = ModelTestData.Synthetic;
        string original = DataFingerprint.Compute(set);
        float[] pixels = new float[set.Count * set.PixelsPerImage];
        set.CopyPixelsTo(pixels);
        int[] labels = set.CopyLabels();
        pixels[5] += 1e-6f;
        string pixelChanged = DataFingerprint.Compute(Robustness.Data.ImageSet.Create("x", pixels, set.CopyLabels(), 28, 28, 10));
        labels[0] = (labels[0] + 1) % 10;
        set.CopyPixelsTo(pixels);
        string labelChanged = DataFingerprint.Compute(Robustness.Data.ImageSet.Create("x", pixels, labels, 28, 28, 10));

        Assert.That(DataFingerprint.Compute(set), Is.EqualTo(original));
        Assert.That(pixelChanged, Is.Not.EqualTo(original));
        Assert.That(labelChanged, Is.Not.EqualTo(original));
    }
}
