using Robustness.Models;

namespace Robustness.Cli.Tests;

/// <summary><c>robustness model export|import</c>: PyTorch state_dict files to and from checkpoints.</summary>
public sealed class ModelCommandTests
{
    [Test]
    public void Export_ThenImport_RoundTripsEveryWeightBitForBit_AndPrintsTheEntries()
    {
        string folder = Directory.CreateTempSubdirectory("robustness-model-").FullName;
        try
        {
            var factory = ModelFactory.CreateDefault(new ModelOptions { Device = "cpu", Threads = 2 });
            using var model = factory.Create("lenet5", seed: 9);
            string checkpoint = Path.Combine(folder, "lenet5.bin");
            ModelCheckpoint.Save(model, checkpoint, new CheckpointMetadata { Architecture = "lenet5", InputShape = model.InputShape, InitSeed = 9 });

            string stateDict = Path.Combine(folder, "lenet5.pt");
            var export = CliRunner.Run("model", "export", "--checkpoint", checkpoint, "--out", stateDict);
            Assert.That(export.Exit, Is.Zero, export.Error);
            Assert.That(export.Output, Does.Contain("lenet5 (28x28x1, 10 classes): 10 tensors, 61,706 parameters"));
            Assert.That(export.Output, Does.Contain("  conv1.weight [6, 1, 5, 5]").And.Contain("  fc3.bias [10]"));
            Assert.That(export.Output, Does.Contain("net.load_state_dict(torch.load("));

            string back = Path.Combine(folder, "back.bin");
            var import = CliRunner.Run("model", "import", "--arch", "lenet5", "--state-dict", stateDict, "--out", back);
            Assert.That(import.Exit, Is.Zero, import.Error);
            using var loaded = ModelCheckpoint.Load(back, factory, "lenet5");
            var images = new float[50 * 784];
            var random = new Random(5);
            for (int i = 0; i < images.Length; i++)
            {
                images[i] = (float)random.NextDouble();
            }

            float[] expected = new float[500], actual = new float[500];
            new ModelGradients(model).Logits(images, expected);
            new ModelGradients(loaded).Logits(images, actual);
            Assert.That(actual, Is.EqualTo(expected), "the same scores to the bit: every weight came back (the Models tests compare the weights themselves)");
            Assert.That(ModelCheckpoint.ReadMetadata(back).DataName, Does.Contain("imported from the PyTorch state_dict"));

            // A LeNet-5 state_dict is no AlexNet-8: the error names the file and the entries.
            var wrong = CliRunner.Run("model", "import", "--arch", "alexnet8", "--state-dict", stateDict, "--out", Path.Combine(folder, "x.bin"));
            Assert.That(wrong.Exit, Is.EqualTo(RobustnessCli.Failure));
            Assert.That(wrong.Error, Does.StartWith($"robustness: {stateDict}: expected the state_dict of architecture 'alexnet8'").And.Contain("found one without conv3.weight, conv3.bias, conv4.weight"));
            Assert.That(File.Exists(Path.Combine(folder, "x.bin")), Is.False);

            // Another input size: the shapes do not fit.
            var shape = CliRunner.Run("model", "import", "--arch", "lenet5", "--state-dict", stateDict, "--out", Path.Combine(folder, "y.bin"), "--classes", "5");
            Assert.That(shape.Exit, Is.EqualTo(RobustnessCli.Failure));
            Assert.That(shape.Error, Does.Contain("expected 'fc3.weight' of shape [5, 84]").And.Contain("found [10, 84]"));

            string junk = Path.Combine(folder, "junk.pt");
            File.WriteAllText(junk, "not a state_dict");
            var notStateDict = CliRunner.Run("model", "import", "--arch", "lenet5", "--state-dict", junk, "--out", Path.Combine(folder, "z.bin"));
            Assert.That(notStateDict.Exit, Is.EqualTo(RobustnessCli.Failure));
            Assert.That(notStateDict.Error, Does.StartWith($"robustness: {junk}: expected a PyTorch state_dict"));
            Assert.That(notStateDict.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestCase(new[] { "model", "import", "--state-dict", "a.pt", "--out", "b.bin" }, "--arch")]
    [TestCase(new[] { "model", "import", "--arch", "vgg", "--state-dict", "a.pt", "--out", "b.bin" }, "vgg")]
    [TestCase(new[] { "model", "import", "--arch", "lenet5", "--state-dict", "a.pt", "--out", "b.bin", "--classes", "1" }, "--classes must be 2 to 256 (labels are bytes), got 1.")]
    [TestCase(new[] { "model", "import", "--arch", "lenet5", "--state-dict", "a.pt", "--out", "b.bin", "--height", "0" }, "--height must be 1 to 4096, got 0.")]
    [TestCase(new[] { "model", "export", "--out", "b.pt" }, "--checkpoint")]
    public void BadOption_IsOneLineAndExit2(string[] args, string message)
    {
        var (exit, _, error) = CliRunner.Run(args);
        Assert.That(exit, Is.EqualTo(RobustnessCli.UsageError), error);
        Assert.That(error, Does.Contain(message));
    }

    [Test]
    public void Import_OfAMissingFile_NamesIt()
    {
        var (exit, _, error) = CliRunner.Run("model", "import", "--arch", "lenet5", "--state-dict", "/nonexistent/a.pt", "--out", "/tmp/never.bin");
        Assert.That(exit, Is.EqualTo(RobustnessCli.Failure));
        Assert.That(error, Does.Contain("/nonexistent/a.pt: no such state_dict file."));
    }
}
