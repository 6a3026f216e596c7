using System.Diagnostics;
using System.Runtime.InteropServices;
using Robustness.Build;

namespace Robustness.Build.Tests;

/// <summary>
/// The ELF rewrite that lets TorchSharp 0.107.0's libLibTorchSharp.so load with GCC 12's libstdc++,
/// run on real copies of the shipped library. Binutils (readelf, objdump) judge the result
/// independently of the code under test.
/// </summary>
[TestFixture]
[Platform("Linux")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GlibcxxCompatTests
{
    private string _tempFolder = "";

    /// <summary>The unpatched library copied into this project's output (RobustnessLibTorchSharpCompat=never).</summary>
    private static string ShippedLibrary => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static string NativeFolder => Path.GetDirectoryName(ShippedLibrary)!;

    [SetUp]
    public void SetUp()
    {
        Assert.That(File.Exists(ShippedLibrary), Is.True, $"TorchSharp-cpu should have copied {ShippedLibrary}");
        _tempFolder = Directory.CreateTempSubdirectory("robustness-elf-").FullName;
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_tempFolder, recursive: true);

    [Test]
    public void ShippedLibrary_RequiresGlibcxx3432_ForTheIosBaseMarkerOnly()
    {
        string versions = Run("readelf", "-V -W", ShippedLibrary);
        string symbols = Run("readelf", "--dyn-syms -W", ShippedLibrary);

        Assert.That(versions, Does.Contain("Name: GLIBCXX_3.4.32"));
        string[] bound = symbols.Split('\n').Where(l => l.Contains("@GLIBCXX_3.4.32", StringComparison.Ordinal)).ToArray();
        Assert.That(bound, Has.Length.EqualTo(1));
        Assert.That(bound[0], Does.Contain(GlibcxxCompat.AllowedSymbol));
    }

    [Test]
    public void Patch_RemovesTheGlibcxx3432Requirement_AsBinutilsSeeIt()
    {
        string copy = CopyShipped();

        GlibcxxPatchResult result = GlibcxxCompat.PatchFile(copy);

        Assert.That(result.Status, Is.EqualTo(GlibcxxPatchStatus.Patched));
        Assert.That(result.Symbols, Is.EqualTo(new[] { GlibcxxCompat.AllowedSymbol }));
        string versions = Run("readelf", "-V -W", copy);
        string symbols = Run("readelf", "--dyn-syms -W", copy);
        Assert.That(versions, Does.Not.Contain("GLIBCXX_3.4.32"));
        Assert.That(symbols, Does.Not.Contain("GLIBCXX_3.4.32"));
        string marker = symbols.Split('\n').Single(l => l.Contains(GlibcxxCompat.AllowedSymbol, StringComparison.Ordinal));
        Assert.That(marker, Does.Not.Contain("@"), "the marker symbol should now be unversioned (global)");
    }

    [Test]
    public void Patch_GivesTheRedirectedEntryTheLinkersHashOfGlibcxx3430()
    {
        string copy = CopyShipped();
        string before = Run("objdump", "-p", ShippedLibrary);
        string linkerHash3430 = HashOf(before, "GLIBCXX_3.4.30");

        GlibcxxCompat.PatchFile(copy);

        string after = Run("objdump", "-p", copy);
        string[] entries = after.Split('\n').Where(l => l.TrimEnd().EndsWith(" GLIBCXX_3.4.30", StringComparison.Ordinal)).ToArray();
        Assert.That(entries, Has.Length.EqualTo(2), "the original 3.4.30 entry and the redirected 3.4.32 one");
        Assert.That(entries.Select(e => e.Trim().Split(' ')[0]), Is.All.EqualTo(linkerHash3430));
    }

    [Test]
    public void ElfHash_MatchesValuesWrittenByTheLinker()
    {
        // 0x09691a75 for GLIBC_2.2.5 is in every x86-64 glibc binary; the others are read from the shipped file.
        string dump = Run("objdump", "-p", ShippedLibrary);

        Assert.That(GlibcxxCompat.ElfHash("GLIBC_2.2.5"), Is.EqualTo(0x09691a75u));
        Assert.That($"0x{GlibcxxCompat.ElfHash("GLIBCXX_3.4.30"):x8}", Is.EqualTo(HashOf(dump, "GLIBCXX_3.4.30")));
        Assert.That($"0x{GlibcxxCompat.ElfHash("GLIBCXX_3.4.32"):x8}", Is.EqualTo(HashOf(dump, "GLIBCXX_3.4.32")));
    }

    [Test]
    public void Patch_IsIdempotent()
    {
        string copy = CopyShipped();
        GlibcxxCompat.PatchFile(copy);
        byte[] once = File.ReadAllBytes(copy);

        GlibcxxPatchResult second = GlibcxxCompat.PatchFile(copy);

        Assert.That(second.Status, Is.EqualTo(GlibcxxPatchStatus.AlreadyPatched));
        Assert.That(File.ReadAllBytes(copy), Is.EqualTo(once));
    }

    [Test]
    public void Patch_ChangesOnlyTheExpectedBytes()
    {
        string copy = CopyShipped();
        byte[] original = File.ReadAllBytes(copy);

        GlibcxxCompat.PatchFile(copy);

        byte[] patched = File.ReadAllBytes(copy);
        Assert.That(patched, Has.Length.EqualTo(original.Length));
        int changed = Enumerable.Range(0, original.Length).Count(i => original[i] != patched[i]);
        // vna_hash and vna_name (at most 8 bytes) plus one 2-byte .gnu.version entry.
        Assert.That(changed, Is.InRange(1, 10));
    }

    [Test]
    public void PatchFile_LeavesAHardLinkedOriginalUntouched_AndKeepsTheFileMode()
    {
        string cache = CopyShipped();
        File.SetUnixFileMode(cache, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead);
        string output = Path.Combine(_tempFolder, "output-libLibTorchSharp.so");
        Assert.That(link(cache, output), Is.EqualTo(0), "hard link");
        byte[] cacheBefore = File.ReadAllBytes(cache);

        GlibcxxCompat.PatchFile(output);

        Assert.That(File.ReadAllBytes(cache), Is.EqualTo(cacheBefore), "the hard-linked 'NuGet cache' file must not change");
        Assert.That(File.ReadAllBytes(output), Is.Not.EqualTo(cacheBefore));
        Assert.That(File.GetUnixFileMode(output), Is.EqualTo(File.GetUnixFileMode(cache)));
    }

    [Test]
    public void PatchedLibrary_Loads_WhereTheShippedOneDoesNot()
    {
        string? system = GlibcxxCompat.FindSystemLibstdcxx();
        Assert.That(system, Is.Not.Null, "a Linux system has libstdc++.so.6");
        if (GlibcxxCompat.DefinesVersion(system!, GlibcxxCompat.NewVersion))
        {
            Assert.Ignore($"{system} already provides {GlibcxxCompat.NewVersion} (GCC 13 or newer): the shipped library loads as it is.");
        }

        // Copies sit beside libtorch so that $ORIGIN finds their dependencies.
        string shippedCopy = Path.Combine(NativeFolder, $"libLibTorchSharp.shipped-{Guid.NewGuid():N}.so");
        string patchedCopy = Path.Combine(NativeFolder, $"libLibTorchSharp.patched-{Guid.NewGuid():N}.so");
        try
        {
            File.Copy(ShippedLibrary, shippedCopy);
            File.Copy(ShippedLibrary, patchedCopy);
            GlibcxxCompat.PatchFile(patchedCopy);

            var unpatchedError = Assert.Throws<DllNotFoundException>(() => NativeLibrary.Load(shippedCopy));
            Assert.That(unpatchedError!.Message, Does.Contain("GLIBCXX_3.4.32"));
            IntPtr handle = NativeLibrary.Load(patchedCopy);
            Assert.That(NativeLibrary.TryGetExport(handle, "THSTorch_get_and_reset_last_err", out IntPtr export), Is.True);
            Assert.That(export, Is.Not.EqualTo(IntPtr.Zero));
        }
        finally
        {
            File.Delete(shippedCopy);
            File.Delete(patchedCopy);
        }
    }

    [Test]
    public void Patch_Refuses_WhenAnotherSymbolUsesTheVersion()
    {
        string copy = CopyShipped();
        byte[] image = File.ReadAllBytes(copy);
        ElfSections sections = ElfSections.Read(image);
        // Bind some other dynamic symbol (index 1) to the GLIBCXX_3.4.32 version index (18, from readelf).
        BitConverter.TryWriteBytes(image.AsSpan((int)sections.VersymOffset + 2, 2), (ushort)18);

        var error = Assert.Throws<InvalidDataException>(() => GlibcxxCompat.PatchImage(image, copy));

        Assert.That(error!.Message, Does.StartWith(copy));
        Assert.That(error.Message, Does.Contain("only " + GlibcxxCompat.AllowedSymbol));
    }

    [Test]
    public void PatchFile_NamesTheFile_WhenTruncated()
    {
        string copy = CopyShipped();
        byte[] image = File.ReadAllBytes(copy);
        File.WriteAllBytes(copy, image.AsSpan(0, 4096).ToArray());

        var error = Assert.Throws<InvalidDataException>(() => GlibcxxCompat.PatchFile(copy));

        Assert.That(error!.Message, Does.StartWith(copy));
        Assert.That(error.Message, Does.Contain("truncated"));
        Assert.That(new FileInfo(copy).Length, Is.EqualTo(4096), "a failed patch writes nothing");
    }

    [Test]
    public void PatchFile_NamesTheFile_WhenNotElf()
    {
        string path = Path.Combine(_tempFolder, "libLibTorchSharp.so");
        File.WriteAllText(path, "this is not a shared library, just text that is long enough to pass the header length check.");

        var error = Assert.Throws<InvalidDataException>(() => GlibcxxCompat.PatchFile(path));

        Assert.That(error!.Message, Does.StartWith(path));
        Assert.That(error.Message, Does.Contain("not an ELF file"));
    }

    [Test]
    public void DefinedVersions_OfTheSystemLibstdcxx_AgreeWithReadelf()
    {
        string? system = GlibcxxCompat.FindSystemLibstdcxx();
        Assert.That(system, Is.Not.Null);

        IReadOnlyList<string> versions = GlibcxxCompat.DefinedVersions(File.ReadAllBytes(system!), system!);

        string readelf = Run("readelf", "-V -W", system!);
        Assert.That(versions, Does.Contain("GLIBCXX_3.4"));
        foreach (string version in new[] { "GLIBCXX_3.4.29", "GLIBCXX_3.4.30", "GLIBCXX_3.4.31", "GLIBCXX_3.4.32", "GLIBCXX_3.4.33" })
        {
            Assert.That(versions.Contains(version), Is.EqualTo(readelf.Contains("Name: " + version + "\n", StringComparison.Ordinal) || readelf.Contains("Name: " + version + " ", StringComparison.Ordinal)), version);
        }
    }

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // a test-only P/Invoke; LibraryImport source generation is not worth it here
    private static extern int link(string oldPath, string newPath);
#pragma warning restore SYSLIB1054

    private static string HashOf(string objdumpOutput, string version) =>
        objdumpOutput.Split('\n').First(l => l.TrimEnd().EndsWith(" " + version, StringComparison.Ordinal)).Trim().Split(' ')[0];

    private string CopyShipped()
    {
        string copy = Path.Combine(_tempFolder, $"libLibTorchSharp-{Guid.NewGuid():N}.so");
        File.Copy(ShippedLibrary, copy);
        return copy;
    }

    private static string Run(string tool, string arguments, string file)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments.Split(' '))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add(file);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}");
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"{tool} {arguments} {file}: {process.StandardError.ReadToEnd()}");
        return output;
    }

    /// <summary>Just enough section lookup to corrupt a copy on purpose.</summary>
    private readonly record struct ElfSections(long VersymOffset)
    {
        public static ElfSections Read(byte[] image)
        {
            long shoff = BitConverter.ToInt64(image, 0x28);
            int shnum = BitConverter.ToUInt16(image, 0x3c);
            for (int i = 0; i < shnum; i++)
            {
                long header = shoff + (i * 64L);
                if (BitConverter.ToUInt32(image, (int)header + 4) == 0x6fffffff)
                {
                    return new ElfSections(BitConverter.ToInt64(image, (int)header + 24));
                }
            }

            throw new InvalidDataException("no .gnu.version section");
        }
    }
}
