using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using Robustness.Data.Sources;
using Robustness.Tests.Shared;

namespace Robustness.Data.Tests.Sources;

/// <summary>Every test serves the files from a loopback server started in the test; nothing reaches the internet.</summary>
public sealed class MnistDownloaderTests
{
    private static readonly TimeSpan _shortBackoff = TimeSpan.FromMilliseconds(10);

    private Dictionary<string, byte[]> _files = null!;
    private Dictionary<string, string> _md5 = null!;

    [SetUp]
    public void ServeRealFiles()
    {
        string folder = TestData.MnistFolder;
        _files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string name in new[] { IdxFileNames.TestImages, IdxFileNames.TestLabels, IdxFileNames.TrainLabels })
        {
            _files[name + ".gz"] = File.ReadAllBytes(Path.Combine(folder, name + ".gz"));
        }

        // The training images are not on this machine: serve a small generated IDX file in their place and expect its MD5.
        byte[] fakeTrainImages = SmallImagesIdx(5);
        _files[IdxFileNames.TrainImages + ".gz"] = TestBytes.Gzip(fakeTrainImages);
        _md5 = new Dictionary<string, string>(MnistChecksums.Decompressed, StringComparer.Ordinal)
        {
            [IdxFileNames.TrainImages] = TestBytes.Md5(fakeTrainImages),
        };
    }

    private static byte[] SmallImagesIdx(int count)
    {
        byte[] bytes = new byte[16 + (count * 28 * 28)];
        bytes[2] = 0x08;
        bytes[3] = 0x03;
        bytes[7] = (byte)count;
        bytes[11] = 28;
        bytes[15] = 28;
        for (int i = 16; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 31);
        }

        return bytes;
    }

    private LoopbackResponse Serve(string path)
    {
        string name = path[(path.LastIndexOf('/') + 1)..];
        return _files.TryGetValue(name, out byte[]? body) ? LoopbackResponse.Ok(body) : LoopbackResponse.Error(404);
    }

    private MnistDownloadOptions Options(string target, params Uri[] mirrors) => new()
    {
        TargetFolder = target,
        Mirrors = mirrors,
        ExpectedMd5 = _md5,
        InitialBackoff = _shortBackoff,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static string[] FilesIn(string folder) =>
        Directory.Exists(folder) ? [.. Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!] : [];

    [Test]
    public async Task Download_FetchesAndVerifiesAllFiles_ThenLoadsTestSplit()
    {
        using var temp = new TempFolder();
        await using var server = new LoopbackHttpServer(Serve);
        using var http = new HttpClient();
        var progress = new RecordingProgress();
        string target = temp.Combine("mnist");

        MnistDownloadResult result = await new MnistDownloader(http, Options(target, server.Url("mnist"))).DownloadAsync(progress);

        Assert.That(FilesIn(target), Is.EqualTo(new[]
        {
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        }));
        Assert.That(result.Files.Select(f => f.Name), Is.EqualTo(IdxFileNames.All));
        Assert.That(result.Files.All(f => !f.AlreadyPresent && f.Source!.Host == "127.0.0.1"), Is.True);
        foreach (MnistDownloadedFile file in result.Files)
        {
            Assert.That(await MnistDownloader.DecompressedMd5Async(file.Path), Is.EqualTo(_md5[file.Name]), file.Name);
            Assert.That(File.ReadAllBytes(file.Path), Is.EqualTo(_files[file.Name + ".gz"]), file.Name);
        }

        Assert.That(progress.Reports.Any(p => p.FileName == "t10k-images-idx3-ubyte.gz" && p.BytesReceived == p.TotalBytes), Is.True);
        Assert.That(progress.Reports.Select(p => p.FileIndex).Distinct(), Is.EquivalentTo(new[] { 0, 1, 2, 3 }));

        ImageSet test = new FolderDatasetSource(DatasetLocator.InspectFolder(DatasetId.Mnist, target)).Load(DatasetSplit.Test);
        Assert.That(test.Count, Is.EqualTo(10_000));
    }

    [Test]
    public async Task Download_SkipsVerifiedFiles_AndRefetchesDamagedOnes()
    {
        using var temp = new TempFolder();
        await using var server = new LoopbackHttpServer(Serve);
        using var http = new HttpClient();
        MnistDownloadOptions options = Options(temp.Path, server.Url("mnist"));
        await new MnistDownloader(http, options).DownloadAsync();
        int requestsAfterFirst = server.Requests.Count;
        File.WriteAllBytes(temp.Combine("t10k-labels-idx1-ubyte.gz"), TestBytes.Gzip([1, 2, 3]));

        MnistDownloadResult second = await new MnistDownloader(http, options).DownloadAsync();

        Assert.That(requestsAfterFirst, Is.EqualTo(4));
        Assert.That(server.Requests.Skip(4), Is.EqualTo(new[] { "/mnist/t10k-labels-idx1-ubyte.gz" }));
        Assert.That(second.Files.Count(f => f.AlreadyPresent), Is.EqualTo(3));
        Assert.That(await MnistDownloader.DecompressedMd5Async(temp.Combine("t10k-labels-idx1-ubyte.gz")), Is.EqualTo(_md5[IdxFileNames.TestLabels]));
    }

    [Test]
    public async Task Download_Fails_NamingFileAndBothMd5s_WhenServerServesCorruptedBytes()
    {
        using var temp = new TempFolder();
        byte[] labels = TestBytes.Gunzip(_files["t10k-labels-idx1-ubyte.gz"]);
        labels[100] ^= 0x01;
        _files["t10k-labels-idx1-ubyte.gz"] = TestBytes.Gzip(labels);
        string corruptMd5 = TestBytes.Md5(labels);
        await using var server = new LoopbackHttpServer(Serve);
        using var http = new HttpClient();
        string target = temp.Combine("mnist");
        MnistDownloadOptions options = Options(target, server.Url("mnist")) with { Files = [IdxFileNames.TestLabels] };

        var e = Assert.ThrowsAsync<MnistDownloadException>(() => new MnistDownloader(http, options).DownloadAsync());

        Assert.That(e!.Message, Does.StartWith("could not download t10k-labels-idx1-ubyte.gz from any mirror ("));
        Assert.That(e.Message, Does.Contain($"MD5 of the decompressed t10k-labels-idx1-ubyte is {corruptMd5}, expected 27ae3e4e09519cfbb04c329615203637"));
        Assert.That(e.Message, Does.EndWith($"place the MNIST files in {target} or pass --data"));
        Assert.That(e.FileName, Is.EqualTo("t10k-labels-idx1-ubyte.gz"));
        Assert.That(server.Requests, Has.Count.EqualTo(1), "a mirror serving wrong bytes is not asked again");
        Assert.That(Directory.GetFileSystemEntries(target), Is.Empty);
    }

    [Test]
    public async Task Download_Fails_WhenServerServesBytesThatAreNotGzip()
    {
        using var temp = new TempFolder();
        _files["t10k-labels-idx1-ubyte.gz"] = [0x1F, 0x8B, 0x08, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        await using var server = new LoopbackHttpServer(Serve);
        using var http = new HttpClient();
        MnistDownloadOptions options = Options(temp.Path, server.Url("mnist")) with { Files = [IdxFileNames.TestLabels] };

        var e = Assert.ThrowsAsync<MnistDownloadException>(() => new MnistDownloader(http, options).DownloadAsync());

        Assert.That(e!.Message, Does.Contain("not valid gzip"));
        Assert.That(Directory.GetFileSystemEntries(temp.Path), Is.Empty);
    }

    [TestCase(404)]
    [TestCase(500)]
    public async Task Download_UsesSecondMirror_WhenFirstAnswersError(int status)
    {
        using var temp = new TempFolder();
        await using var server = new LoopbackHttpServer(path => path.StartsWith("/broken/", StringComparison.Ordinal) ? LoopbackResponse.Error(status) : Serve(path));
        using var http = new HttpClient();
        MnistDownloadOptions options = Options(temp.Path, server.Url("broken"), server.Url("good"));

        MnistDownloadResult result = await new MnistDownloader(http, options).DownloadAsync();

        Assert.That(result.Files.Select(f => f.Source!.AbsolutePath), Is.All.StartWith("/good/"));
        Assert.That(server.CountRequests("/broken/"), Is.EqualTo(4));
        Assert.That(server.CountRequests("/good/"), Is.EqualTo(4));
        Assert.That(FilesIn(temp.Path), Has.Length.EqualTo(4));
    }

    [Test]
    public async Task Download_Fails_WithEveryReason_WhenAllMirrorsFail()
    {
        using var temp = new TempFolder();
        await using var server = new LoopbackHttpServer(path => LoopbackResponse.Error(path.StartsWith("/gone/", StringComparison.Ordinal) ? 404 : 503));
        using var http = new HttpClient();
        Uri closed = LoopbackHttpServer.ClosedPortUrl();
        MnistDownloadOptions options = Options(temp.Path, server.Url("gone"), server.Url("busy"), closed) with { MaxAttempts = 3 };

        var e = Assert.ThrowsAsync<MnistDownloadException>(() => new MnistDownloader(http, options).DownloadAsync());

        Assert.That(e!.Message, Does.StartWith("could not download train-images-idx3-ubyte.gz from any mirror ("));
        Assert.That(e.Message, Does.Contain($"{server.Url("gone")}train-images-idx3-ubyte.gz: HTTP 404"));
        Assert.That(e.Message, Does.Contain($"{server.Url("busy")}train-images-idx3-ubyte.gz: HTTP 503"));
        Assert.That(e.Message, Does.Contain($"{closed}train-images-idx3-ubyte.gz: "));
        Assert.That(e.Message, Does.EndWith($"place the MNIST files in {temp.Path} or pass --data"));
        Assert.That(e.Message, Does.Not.Contain("   at "), "no stack trace in the message");
        Assert.That(e.Failures, Has.Count.EqualTo(1 + 3 + 3), "404 is final; 503 and refused connections are retried each round");
        Assert.That(server.CountRequests("/gone/"), Is.EqualTo(1));
        Assert.That(server.CountRequests("/busy/"), Is.EqualTo(3));
        Assert.That(Directory.GetFileSystemEntries(temp.Path), Is.Empty);
    }

    [Test]
    public async Task Download_ReportsTimeout_AndTriesNextMirror()
    {
        using var temp = new TempFolder();
        await using var server = new LoopbackHttpServer(path => path.StartsWith("/slow/", StringComparison.Ordinal) ? LoopbackResponse.Stalled : Serve(path));
        using var http = new HttpClient();
        MnistDownloadOptions options = Options(temp.Path, server.Url("slow"), server.Url("good")) with
        {
            Files = [IdxFileNames.TestLabels],
            Timeout = TimeSpan.FromMilliseconds(300),
        };

        MnistDownloadResult result = await new MnistDownloader(http, options).DownloadAsync();
        Assert.That(result.Files[0].Source!.AbsolutePath, Does.StartWith("/good/"));

        options = options with { Mirrors = [server.Url("slow")], MaxAttempts = 1 };
        File.Delete(result.Files[0].Path);
        var e = Assert.ThrowsAsync<MnistDownloadException>(() => new MnistDownloader(http, options).DownloadAsync());
        Assert.That(e!.Message, Does.Contain("t10k-labels-idx1-ubyte.gz: timed out after 0.3 s"));
    }

    [Test]
    public async Task Download_StopsAndCleansUp_WhenCancelled()
    {
        using var temp = new TempFolder();
        await using var server = new LoopbackHttpServer(_ => LoopbackResponse.Stalled);
        using var http = new HttpClient();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        MnistDownloadOptions options = Options(temp.Path, server.Url("mnist"));

        Assert.That(async () => await new MnistDownloader(http, options).DownloadAsync(cancellationToken: cancel.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(Directory.GetFileSystemEntries(temp.Path), Is.Empty);

        using var already = new CancellationTokenSource();
        await already.CancelAsync();
        Assert.That(async () => await new MnistDownloader(http, options).DownloadAsync(cancellationToken: already.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Options_AreValidated()
    {
        using var http = new HttpClient();
        Assert.That(() => new MnistDownloader(http, new MnistDownloadOptions { TargetFolder = "x", Mirrors = [] }),
            Throws.ArgumentException.With.Message.Contains("Mirrors"));
        Assert.That(() => new MnistDownloader(http, new MnistDownloadOptions { TargetFolder = "x", Files = ["unknown-file"] }),
            Throws.ArgumentException.With.Message.Contains("'unknown-file'"));
        Assert.That(() => new MnistDownloader(http, new MnistDownloadOptions { TargetFolder = "x", MaxAttempts = 0 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(MnistDownloadOptions.DefaultMirrors.Select(m => m.Scheme), Is.All.EqualTo("https"));
    }

    [Test]
    public void Checksums_MatchTheSharedMd5Sums()
    {
        string[] lines = File.ReadAllLines(Path.Combine(TestData.MnistFolder, "MD5SUMS.decompressed"));
        foreach (string line in lines.Where(l => l.Length > 0))
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(MnistChecksums.Decompressed[parts[1]], Is.EqualTo(parts[0]), parts[1]);
        }

        Assert.That(lines.Count(l => l.Length > 0), Is.EqualTo(4), "the shared folder holds the full MNIST: four files");
    }

    private sealed class RecordingProgress : IProgress<MnistDownloadProgress>
    {
        private readonly ConcurrentQueue<MnistDownloadProgress> _reports = new();

        public IReadOnlyCollection<MnistDownloadProgress> Reports => _reports;

        public void Report(MnistDownloadProgress value) => _reports.Enqueue(value);
    }
}
