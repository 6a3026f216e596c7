using System.Security.Cryptography;
using Robustness.Build;

namespace Robustness.Models.Tests;

/// <summary>The runtime loader of TorchSharp's native backend (docs/libtorchsharp-glibcxx.md, "The runtime loader").</summary>
[TestFixture]
[NonParallelizable]
public sealed class TorchRuntimeLoaderTests
{
    private static bool SystemLacksNewVersion()
    {
        string? system = GlibcxxCompat.FindSystemLibstdcxx();
        return OperatingSystem.IsLinux() && (system is null || !GlibcxxCompat.DefinesVersion(system, GlibcxxCompat.NewVersion));
    }

    [Test]
    public void EnsureLoadable_InATestProcess_FindsTheBuildStepsPatchedCopy_AndDoesNothing_Once()
    {
        var report = TorchRuntime.EnsureLoadable();
        Assert.That(TorchRuntime.EnsureLoadable(), Is.SameAs(report), "the first call decides; later calls return its report");
        TestContext.Out.WriteLine(report);
        Assert.That(report.Action, Is.EqualTo(TorchLoadAction.NotNeeded));
        if (SystemLacksNewVersion())
        {
            Assert.That(report.Library, Does.StartWith(AppContext.BaseDirectory), "the copy beside the test assembly, which the build step patched");
            Assert.That(report.Message, Does.Contain("already patched"));
        }

        Assert.That(TorchNativeLoader.DiagnoseGlibcxx(), Is.Null, "the loadable library is no cause to report");
        Assert.That(TorchRuntime.Describe().Threads, Is.GreaterThan(0));
    }

    [Test]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void CompatCopy_IsWrittenOnceIntoTheCache_KeyedByTheOriginalsHash_AndLeavesTheOriginalAlone()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("libLibTorchSharp.so is a Linux library");
        }

        string? shipped = TorchNativeLoader.FindLibrary().Skip(2).FirstOrDefault(File.Exists);
        if (shipped is null)
        {
            Assert.Ignore("the TorchSharp package's libLibTorchSharp.so is not in the NuGet packages folder");
        }

        string folder = Directory.CreateTempSubdirectory("robustness-loader-").FullName;
        string? before = Environment.GetEnvironmentVariable(TorchNativeLoader.CacheVariable);
        try
        {
            // A stand-in for the NuGet package's file (read-only, like the cache's).
            string original = Path.Combine(folder, "package", TorchNativeLoader.LibraryFile);
            Directory.CreateDirectory(Path.GetDirectoryName(original)!);
            File.Copy(shipped, original);
            byte[] originalBytes = File.ReadAllBytes(original);
            Assume.That(GlibcxxCompat.PatchImage((byte[])originalBytes.Clone(), original).Status, Is.EqualTo(GlibcxxPatchStatus.Patched), "the shipped file asks for GLIBCXX_3.4.32");
            File.SetUnixFileMode(original, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            Environment.SetEnvironmentVariable(TorchNativeLoader.CacheVariable, Path.Combine(folder, "cache"));

            string copy = TorchNativeLoader.WriteCompatCopy(original);
            string hash = Convert.ToHexStringLower(SHA256.HashData(originalBytes));
            Assert.That(copy, Is.EqualTo(Path.Combine(folder, "cache", hash[..32], TorchNativeLoader.LibraryFile)));
            byte[] copyBytes = File.ReadAllBytes(copy);
            Assert.That(GlibcxxCompat.PatchImage((byte[])copyBytes.Clone(), copy).Status, Is.EqualTo(GlibcxxPatchStatus.AlreadyPatched));
            Assert.That(copyBytes, Has.Length.EqualTo(originalBytes.Length));
            int changed = copyBytes.Where((b, i) => b != originalBytes[i]).Count();
            Assert.That(changed, Is.InRange(1, 16), "the rewrite changes about 10 bytes");
            Assert.That(File.ReadAllBytes(original), Is.EqualTo(originalBytes), "the original is never written");
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(original)!), Has.Length.EqualTo(1), "nothing is written beside the original");

            DateTime written = File.GetLastWriteTimeUtc(copy);
            Assert.That(TorchNativeLoader.WriteCompatCopy(original), Is.EqualTo(copy));
            Assert.That(File.GetLastWriteTimeUtc(copy), Is.EqualTo(written), "a finished copy is reused, not rewritten");
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(copy)!), Is.EqualTo(new[] { copy }), "no temporary file is left");

            File.WriteAllBytes(copy, originalBytes); // a damaged (here: unpatched) copy is replaced
            Assert.That(TorchNativeLoader.WriteCompatCopy(original), Is.EqualTo(copy));
            Assert.That(File.ReadAllBytes(copy), Is.EqualTo(copyBytes));
        }
        finally
        {
            Environment.SetEnvironmentVariable(TorchNativeLoader.CacheVariable, before);
            File.SetUnixFileMode(Path.Combine(folder, "package", TorchNativeLoader.LibraryFile), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void Mode_ReadsTheVariable_AndRefusesUnknownValues()
    {
        string? before = Environment.GetEnvironmentVariable(TorchNativeLoader.ModeVariable);
        try
        {
            Environment.SetEnvironmentVariable(TorchNativeLoader.ModeVariable, null);
            Assert.That(TorchNativeLoader.Mode(), Is.EqualTo("auto"));
            Environment.SetEnvironmentVariable(TorchNativeLoader.ModeVariable, " Never ");
            Assert.That(TorchNativeLoader.Mode(), Is.EqualTo("never"));
            Environment.SetEnvironmentVariable(TorchNativeLoader.ModeVariable, "sometimes");
            Assert.That(TorchNativeLoader.Mode, Throws.InvalidOperationException.With.Message.EqualTo("ROBUSTNESS_LIBTORCHSHARP_COMPAT='sometimes' is not one of auto, always, never."));
        }
        finally
        {
            Environment.SetEnvironmentVariable(TorchNativeLoader.ModeVariable, before);
        }
    }
}
