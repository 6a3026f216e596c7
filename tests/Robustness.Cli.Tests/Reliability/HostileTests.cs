using System.Diagnostics;
using System.IO.Compression;
using Robustness.Tests.Shared;

namespace Robustness.Cli.Tests.Reliability;

/// <summary>
/// The hostile reliability suite (docs/reliability.md, "How it is tested"): the built CLI as a child process, killed with
/// SIGKILL at every rename and every fsync of a small study (strace's fault injection), and fed hostile data files under a
/// 1 GiB heap cap. Outside CI a missing strace ignores the kill test with the reason; under CI=true it fails.
/// </summary>
[TestFixture]
[Category("Reliability")]
public sealed class HostileTests
{
    private static readonly string[] _study =
    [
        "study", "run", "--rq", "4", "--dataset", "synthetic", "--levels", "0,0.3", "--train-per-class", "20", "--test-per-class", "10",
        "--bench-levels", "1,2", "--max-epochs", "1", "--threads", "1",
    ];

    private string _temp = "";

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("robustness-hostile-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_temp, recursive: true);

    private static string Cli => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "robustness.exe" : "robustness");

    /// <summary>
    /// A SIGKILL on entering the k-th rename (or fsync) of a small study, for every k the study makes, then a rerun of the
    /// same command: the rerun's rows equal an uninterrupted run's (timings aside), and no temporary is left behind.
    /// </summary>
    [Test]
    public void SigkillAtEveryRenameAndFsync_NeverChangesTheRowsOfTheNextRun()
    {
        string? strace = new[] { "/usr/bin/strace", "/bin/strace" }.FirstOrDefault(File.Exists);
        if (strace is null || !OperatingSystem.IsLinux())
        {
            const string Why = "strace is not installed (.ci/run installs it): the kill-between-writes test needs its fault injection";
            if (TestData.InCi)
            {
                Assert.Fail(Why);
            }

            Assert.Ignore(Why);
        }

        string reference = Path.Combine(_temp, "reference");
        Directory.CreateDirectory(reference);
        var (exit, _, error) = RunCli(reference, []);
        Assert.That(exit, Is.Zero, error);
        var expected = Rows(reference);
        Assert.That(expected, Has.Count.EqualTo(2), "the tiny study has two runs");

        // Count the calls of an uninterrupted run (they are all made by the study's one worker thread).
        string counted = Path.Combine(_temp, "counted");
        Directory.CreateDirectory(counted);
        string log = Path.Combine(_temp, "calls.log");
        (exit, _, error) = RunCli(counted, [strace, "-f", "-qq", "--seccomp-bpf", "-e", "trace=rename,renameat,renameat2,fsync,fdatasync", "-o", log]);
        Assert.That(exit, Is.Zero, error);
        string[] calls = File.ReadAllLines(log);
        int renames = calls.Count(l => l.Contains(" rename", StringComparison.Ordinal));
        int fsyncs = calls.Count(l => l.Contains(" fsync(", StringComparison.Ordinal) || l.Contains(" fdatasync(", StringComparison.Ordinal));
        Assert.That(renames, Is.GreaterThanOrEqualTo(5), "checkpoint, sidecar, suite files and folders are renamed into place");
        Assert.That(fsyncs, Is.GreaterThanOrEqualTo(5), "SQLite and our writes fsync");

        int killed = 0, points = 0;
        var failures = new List<string>();
        foreach (var (set, count) in new[] { ("rename,renameat,renameat2", renames), ("fsync,fdatasync", fsyncs) })
        {
            for (int k = 1; k <= count; k++)
            {
                points++;
                string folder = Path.Combine(_temp, $"{set.Split(',')[0]}-{k}");
                Directory.CreateDirectory(folder);
                (exit, _, _) = RunCli(folder, [strace, "-f", "-qq", "--seccomp-bpf", "-o", "/dev/null", "-e", $"inject={set}:signal=KILL:when={k}"]);
                if (exit == 128 + 9)
                {
                    killed++;
                }

                (exit, _, error) = RunCli(folder, []);
                var rows = exit == 0 ? Rows(folder) : [];
                string[] leftovers = Directory.GetFileSystemEntries(folder, "*.tmp", SearchOption.AllDirectories);
                if (exit != 0 || !rows.SequenceEqual(expected) || leftovers.Length > 0)
                {
                    failures.Add($"{set.Split(',')[0]} #{k}: rerun exit {exit} {error.Trim()}; rows equal: {rows.SequenceEqual(expected)}; leftovers: {string.Join(", ", leftovers)}");
                }
            }
        }

        TestContext.Out.WriteLine($"{points} kill points ({renames} renames, {fsyncs} fsyncs), {killed} runs killed");
        Assert.That(failures, Is.Empty);
        Assert.That(killed, Is.GreaterThanOrEqualTo(points * 9 / 10), "nearly every injection killed the run where it was meant to");
    }

    /// <summary>Hostile data files under a 1 GiB managed-heap cap: one line naming the file, exit 1, never an out-of-memory death.</summary>
    [TestCase("labels-declare-300M")]
    [TestCase("labels-declare-300M-trailer-agrees")]
    [TestCase("images-8.5GB-float32")]
    [TestCase("images-fifo")]
    public void HostileDataFiles_UnderA1GiBHeapCap_AreOneLineNamingTheFile(string kind)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("the FIFO and the heap cap are Linux's");
        }

        string folder = Path.Combine(_temp, "mnist");
        Directory.CreateDirectory(folder);
        string images = Path.Combine(folder, "t10k-images-idx3-ubyte.gz");
        string labels = Path.Combine(folder, "t10k-labels-idx1-ubyte.gz");
        WriteGzip(images, Header(0x08, 300, 28, 28), new byte[300 * 28 * 28]);
        WriteGzip(labels, Header(0x08, 300), new byte[300]);
        string bad;
        switch (kind)
        {
            case "labels-declare-300M":
            case "labels-declare-300M-trailer-agrees":
                // 291 KB of labels that declare 300 million (the hostile test's file took 1.5 GB before failing).
                var data = new byte[291_000];
                new Random(1).NextBytes(data);
                WriteGzip(labels, Header(0x08, 300_000_000), data);
                if (kind.EndsWith("agrees", StringComparison.Ordinal))
                {
                    byte[] bytes = File.ReadAllBytes(labels);
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), 8 + 300_000_000);
                    File.WriteAllBytes(labels, bytes);
                }

                bad = labels;
                break;
            case "images-8.5GB-float32":
                File.Delete(images);
                images = Path.Combine(folder, "t10k-images-idx3-ubyte");
                File.WriteAllBytes(images, [.. Header(0x0D, 10000, 460, 460), 0, 0, 0, 0]);
                bad = images;
                break;
            default:
                File.Delete(images);
                images = Path.Combine(folder, "t10k-images-idx3-ubyte");
                using (var mkfifo = Process.Start("mkfifo", images))
                {
                    mkfifo.WaitForExit();
                    Assert.That(mkfifo.ExitCode, Is.Zero, "mkfifo");
                }

                bad = images;
                break;
        }

        var start = new ProcessStartInfo(Cli) { WorkingDirectory = _temp };
        foreach (string a in new[] { "data", "info", "--data", folder, "--split", "test" })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_GCHeapHardLimit"] = "0x40000000";
        var (exit, _, error) = ChildProcess.Run(start, TimeSpan.FromSeconds(60), $"data info on {kind}");

        Assert.That(exit, Is.EqualTo(RobustnessCli.Failure), error);
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.StartWith("robustness: " + bad + ": ").And.Not.Contain("unexpected").And.Not.Contain("OutOfMemory"), error);
    }

    private (int Exit, string Output, string Error) RunCli(string folder, string[] wrapper)
    {
        string[] command = [.. wrapper, Cli, .. _study, "--store", Path.Combine(folder, "s.db")];
        var start = new ProcessStartInfo(command[0]) { WorkingDirectory = folder };
        foreach (string a in command.Skip(1))
        {
            start.ArgumentList.Add(a);
        }

        return ChildProcess.Run(start, TimeSpan.FromMinutes(3), string.Join(' ', command));
    }

    private static List<string> Rows(string folder) => StoreRows.Results(Path.Combine(folder, "s.db"));

    private static byte[] Header(int type, params int[] dims)
    {
        var header = new byte[4 + (4 * dims.Length)];
        header[2] = (byte)type;
        header[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + (4 * i)), dims[i]);
        }

        return header;
    }

    private static void WriteGzip(string path, byte[] header, byte[] data)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(header);
        gzip.Write(data);
    }
}
