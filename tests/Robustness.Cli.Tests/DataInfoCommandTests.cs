using System.Diagnostics;
using System.IO.Compression;
using Robustness.Tests.Shared;

namespace Robustness.Cli.Tests;

public sealed class DataInfoCommandTests
{
    private static int[] MnistTestCounts => [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

    private string _temp = "";

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("robustness-cli-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_temp, recursive: true);

    [Test]
    public void Info_PrintsTheMethodsTestCountsAndCi_ForRealMnist()
    {
        (int exit, string output, string error) = CliRunner.Run("data", "info", "--dataset", "mnist", "--data", TestData.MnistFolder, "--split", "test");

        Assert.That(exit, Is.Zero, error);
        Assert.That(error, Is.Empty);
        Assert.That(output, Does.Contain("mnist/test: 10000 images, 28x28, 10 classes"));
        for (int label = 0; label < 10; label++)
        {
            Assert.That(output, Does.Match($@"\n\s+{label}\s+{MnistTestCounts[label]}\s"), $"class {label}");
        }

        Assert.That(output, Does.Contain("CI 0.214 (= 1 - 892/1135"));
        Assert.That(output, Does.Not.Contain("mnist/train"));
    }

    [Test]
    public void Info_NotesTheMissingTrainImages_WhenBothSplitsAreAsked()
    {
        string temp = Directory.CreateTempSubdirectory("robustness-cli-mnist-").FullName;
        try
        {
            (int exit, string output, _) = CliRunner.Run("data", "info", "--data", TestData.MnistWithoutTrainImages(temp));

            Assert.That(exit, Is.Zero);
            Assert.That(output, Does.Contain("mnist/test: 10000 images"));
            Assert.That(output, Does.Contain("mnist/train: not present"));
            Assert.That(output, Does.Contain("train-images-idx3-ubyte"));
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    [Test]
    public void Info_ShowsBothMnistSplits_FromTheSharedFolder()
    {
        (int exit, string output, string error) = CliRunner.Run("data", "info", "--data", TestData.MnistFolder);

        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("mnist/train: 60000 images"));
        Assert.That(output, Does.Contain("mnist/test: 10000 images"));
        Assert.That(output, Does.Match(@"\n\s+1\s+6742\s"));
    }

    [Test]
    public void Info_FailsWithOneLine_WhenTheNamedSplitIsMissing()
    {
        string temp = Directory.CreateTempSubdirectory("robustness-cli-mnist-").FullName;
        try
        {
            string folder = TestData.MnistWithoutTrainImages(temp);
            (int exit, string output, string error) = CliRunner.Run("data", "info", "--data", folder, "--split", "train");

            Assert.That(exit, Is.EqualTo(1));
            AssertOneLine(error);
            Assert.That(error, Does.Contain(Path.Combine(folder, "train-images-idx3-ubyte.gz")));
            Assert.That(output, Does.Not.Contain("mnist/train:"));
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    [Test]
    public void Info_ShowsBothFashionMnistSplits_FromTheDebianPackage()
    {
        _ = TestData.FashionMnistFolder;

        (int exit, string output, string error) = CliRunner.Run("data", "info", "--dataset", "fashion-mnist", "--split", "both");

        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("fashion-mnist/train: 60000 images"));
        Assert.That(output, Does.Contain("fashion-mnist/test: 10000 images"));
        Assert.That(output, Does.Match(@"\n\s+9\s+6000\s"));
        Assert.That(output, Does.Match(@"\n\s+9\s+1000\s"));
    }

    [Test]
    public void Info_WorksOffline_OnSyntheticDigits()
    {
        (int exit, string output, string error) = CliRunner.Run("data", "info", "--dataset", "synthetic");

        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.StartWith("synthetic"));
        Assert.That(output, Does.Contain("synthetic/train: 10000 images"));
        Assert.That(output, Does.Contain("synthetic/test: 2000 images"));
    }

    [TestCase("truncated", "expected 7,840,016 bytes (16-byte header and 10000 x 28 x 28 unsigned byte = 7,840,000 bytes of data), found a file of 3,920,008 bytes (truncated")]
    [TestCase("magic", "expected IDX magic 0x00000803")]
    [TestCase("count", "labels")]
    [TestCase("gzip", "not a valid gzip stream")]
    [TestCase("label", "outside 0..9")]
    public void Info_GivesOneLineNamingTheFile_ForABadFile(string damage, string expected)
    {
        string badFile = WriteDamagedMnist(damage);

        (int exit, string output, string error) = CliRunner.Run("data", "info", "--data", _temp, "--split", "test");

        Assert.That(exit, Is.EqualTo(1), output);
        AssertOneLine(error);
        Assert.That(error, Does.StartWith("robustness: "));
        Assert.That(error, Does.Contain(badFile));
        Assert.That(error, Does.Contain(expected));
        Assert.That(error, Does.Not.Contain(" at Robustness."), "no stack trace");
    }

    [Test]
    public void Info_FailsWithOneLine_WhenTheFolderDoesNotExist()
    {
        string missing = Path.Combine(_temp, "nowhere");

        (int exit, _, string error) = CliRunner.Run("data", "info", "--data", missing);

        Assert.That(exit, Is.EqualTo(1));
        AssertOneLine(error);
        Assert.That(error, Does.Contain(missing));
    }

    [TestCase("data", "info", "--dataset", "cifar")]
    [TestCase("data", "info", "--split", "validation")]
    [TestCase("data", "info", "--bogus")]
    [TestCase("data", "frobnicate")]
    public void BadCommandLine_GivesOneLineAndExitCode2(params string[] args)
    {
        (int exit, _, string error) = CliRunner.Run(args);

        Assert.That(exit, Is.EqualTo(2));
        AssertOneLine(error);
        Assert.That(error, Does.Contain("--help"));
    }

    [TestCase]
    [TestCase("data")]
    [TestCase("data", "info")]
    public void Help_IsAvailable_ForEveryCommand(params string[] path)
    {
        (int exit, string output, _) = CliRunner.Run([.. path, "--help"]);

        Assert.That(exit, Is.Zero);
        Assert.That(output, Does.Contain("Usage:"));
    }

    [Test]
    public void RealExecutable_ExitsNonZero_WithOneLineAndNoStackTrace()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "robustness.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { dll, "data", "info", "--data", Path.Combine(_temp, "nowhere"), "--split", "test" })
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.That(process.ExitCode, Is.EqualTo(1));
        AssertOneLine(error);
    }

    private static void AssertOneLine(string text) =>
        Assert.That(text.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), $"expected one line, got: {text}");

    /// <summary>Copies the real MNIST test files into the temp folder, damaging one; returns the damaged file's path.</summary>
    private string WriteDamagedMnist(string damage)
    {
        byte[] images = Decompress(TestData.Mnist("t10k-images-idx3-ubyte.gz"));
        byte[] labels = Decompress(TestData.Mnist("t10k-labels-idx1-ubyte.gz"));
        string imagesPath = Path.Combine(_temp, "t10k-images-idx3-ubyte");
        string labelsPath = Path.Combine(_temp, "t10k-labels-idx1-ubyte");
        string damaged;
        switch (damage)
        {
            case "truncated":
                images = images[..(images.Length / 2)];
                damaged = imagesPath;
                break;
            case "magic":
                images[3] = 4;
                damaged = imagesPath;
                break;
            case "count":
                // 9,999 labels for 10,000 images: a consistent labels file of the wrong length.
                labels = labels[..^1];
                labels[7] = 0x0f;
                damaged = labelsPath;
                break;
            case "label":
                labels[8 + 345] = 12;
                damaged = labelsPath;
                break;
            case "gzip":
                imagesPath += ".gz";
                images = [0x1f, 0x8b, 0x08, 0x00, .. Enumerable.Range(0, 4000).Select(i => (byte)(i * 7919 % 251))];
                damaged = imagesPath;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage), damage, "unknown damage");
        }

        File.WriteAllBytes(imagesPath, images);
        File.WriteAllBytes(labelsPath, labels);
        return damaged;
    }

    private static byte[] Decompress(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }
}
