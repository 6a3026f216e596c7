using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Robustness.Build;
using Robustness.IO;
using TorchSharp;

namespace Robustness.Models;

/// <summary>What <see cref="TorchRuntime.EnsureLoadable"/> did.</summary>
public enum TorchLoadAction
{
    /// <summary>Nothing was needed: not Linux, or the system libstdc++ has GLIBCXX_3.4.32, or the library TorchSharp loads does not ask for it (e.g. the build step patched it).</summary>
    NotNeeded = 0,

    /// <summary>A compatible copy of libLibTorchSharp.so was written to (or found in) the per-user cache and loaded before TorchSharp's own load.</summary>
    LoadedCompatCopy = 1,

    /// <summary>The loader was switched off (<c>ROBUSTNESS_LIBTORCHSHARP_COMPAT=never</c>).</summary>
    Disabled = 2,

    /// <summary>No libLibTorchSharp.so was found where TorchSharp looks for it; TorchSharp's own load decides.</summary>
    LibraryNotFound = 3,
}

/// <summary>The outcome of <see cref="TorchRuntime.EnsureLoadable"/>.</summary>
/// <param name="Action">What was done.</param>
/// <param name="Library">The libLibTorchSharp.so TorchSharp would load, when found.</param>
/// <param name="CompatCopy">The compatible copy that was loaded, for <see cref="TorchLoadAction.LoadedCompatCopy"/>.</param>
/// <param name="Message">One line saying why.</param>
public sealed record TorchLoadReport(TorchLoadAction Action, string? Library, string? CompatCopy, string Message);

/// <summary>
/// The runtime half of the GLIBCXX compatibility step (docs/libtorchsharp-glibcxx.md): where no MSBuild step ran
/// (notebooks, <c>#r "nuget: ..."</c>, an output folder built with the step off), it writes the same rewrite of
/// libLibTorchSharp.so that the build step does (build/PatchLibTorchSharpGlibcxx.cs, compiled into this assembly)
/// into a per-user cache keyed by the file's SHA-256, loads libtorch's libraries and then the copy by full path, so
/// that TorchSharp's load by name finds the copy already loaded (same soname). The NuGet cache is never written to.
/// </summary>
internal static partial class TorchNativeLoader
{
    public const string ModeVariable = "ROBUSTNESS_LIBTORCHSHARP_COMPAT";
    public const string CacheVariable = "ROBUSTNESS_LIBTORCHSHARP_CACHE";
    public const string LibraryFile = "libLibTorchSharp.so";

    private static readonly Lock _lock = new();
    private static TorchLoadReport? _report;

    public static TorchLoadReport EnsureLoadable(ILogger? logger)
    {
        lock (_lock)
        {
            if (_report is { } done)
            {
                return done;
            }

            var report = Load();
            _report = report;
            if (logger is not null)
            {
                LogLoad(logger, report.Action == TorchLoadAction.LoadedCompatCopy ? LogLevel.Information : LogLevel.Debug, report.Message);
            }

            return report;
        }
    }

    /// <summary>The mode from <see cref="ModeVariable"/>: <c>auto</c> (default), <c>always</c> or <c>never</c>.</summary>
    public static string Mode()
    {
        string? value = Environment.GetEnvironmentVariable(ModeVariable);
        string mode = string.IsNullOrWhiteSpace(value) ? "auto" : value.Trim().ToLowerInvariant();
        return mode is "auto" or "always" or "never"
            ? mode
            : throw new InvalidOperationException($"{ModeVariable}='{value}' is not one of auto, always, never.");
    }

    /// <summary>Why TorchSharp's native backend failed to load, in words a user can act on, when the GLIBCXX mismatch is the cause; null otherwise.</summary>
    public static string? DiagnoseGlibcxx()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        string? library = FindLibrary().FirstOrDefault(File.Exists);
        string? system = GlibcxxCompat.FindSystemLibstdcxx();
        if (library is null || NeedsCompat(library) != true || (system is not null && SystemHasNewVersion(system)))
        {
            return null;
        }

        string systemName = system ?? "the system libstdc++";
        return string.Create(CultureInfo.InvariantCulture,
            $"{library} requires {GlibcxxCompat.NewVersion} of {GlibcxxCompat.Library} (GCC 13), which {systemName} lacks (GCC 12 on Debian 12, Ubuntu 22.04). Call Robustness.Models.TorchRuntime.EnsureLoadable() before the first TorchSharp call (it loads a compatible copy; {ModeVariable} is '{Mode()}'), build with the Robustness.Models package's build step, or put a GCC 13+ libstdc++.so.6 first on LD_LIBRARY_PATH. See docs/libtorchsharp-glibcxx.md.");
    }

    private static TorchLoadReport Load()
    {
        if (!OperatingSystem.IsLinux())
        {
            return new TorchLoadReport(TorchLoadAction.NotNeeded, null, null, "not Linux; TorchSharp loads its backend as it is");
        }

        string mode = Mode();
        if (mode == "never")
        {
            return new TorchLoadReport(TorchLoadAction.Disabled, null, null, $"{ModeVariable}=never; TorchSharp loads its backend as it is");
        }

        string? system = GlibcxxCompat.FindSystemLibstdcxx();
        if (mode == "auto" && system is not null && SystemHasNewVersion(system))
        {
            return new TorchLoadReport(TorchLoadAction.NotNeeded, null, null, $"{system} provides {GlibcxxCompat.NewVersion}");
        }

        string? library = FindLibrary().FirstOrDefault(File.Exists);
        if (library is null)
        {
            return new TorchLoadReport(TorchLoadAction.LibraryNotFound, null, null, $"no {LibraryFile} found beside the application or in the NuGet packages folder");
        }

        if (NeedsCompat(library) == false)
        {
            return new TorchLoadReport(TorchLoadAction.NotNeeded, library, null, $"{library} does not require {GlibcxxCompat.NewVersion} (already patched)");
        }

        string? natives = FindLibtorchNatives(library);
        if (natives is null)
        {
            return new TorchLoadReport(TorchLoadAction.LibraryNotFound, library, null, $"libtorch_cpu.so was not found beside {library} or in the NuGet packages folder");
        }

        string copy = WriteCompatCopy(library);

        // libtorch first (by full path; their own RUNPATH $ORIGIN finds their dependencies), then the copy: its
        // DT_NEEDED names match the sonames already loaded, and TorchSharp's load by name finds the copy's soname.
        foreach (string name in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" })
        {
            string path = Path.Combine(natives, name);
            if (File.Exists(path))
            {
                NativeLibrary.Load(path);
            }
        }

        NativeLibrary.Load(copy);
        return new TorchLoadReport(TorchLoadAction.LoadedCompatCopy, library, copy,
            $"{library} requires {GlibcxxCompat.NewVersion}, which {system ?? "the system libstdc++"} lacks; loaded the compatible copy {copy} (libtorch from {natives})");
    }

    private static bool SystemHasNewVersion(string system)
    {
        try
        {
            return GlibcxxCompat.DefinesVersion(system, GlibcxxCompat.NewVersion);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>True when the file still asks for GLIBCXX_3.4.32 (a dry run of the patch); null when it cannot be read.</summary>
    private static bool? NeedsCompat(string library)
    {
        try
        {
            byte[] image = File.ReadAllBytes(library);
            return GlibcxxCompat.PatchImage(image, library).Status == GlibcxxPatchStatus.Patched;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Where TorchSharp looks for libLibTorchSharp.so, in its order: beside the application, then its NuGet package.</summary>
    internal static IEnumerable<string> FindLibrary()
    {
        string appBase = AppContext.BaseDirectory;
        yield return Path.Combine(appBase, LibraryFile);
        yield return Path.Combine(appBase, "runtimes", "linux-x64", "native", LibraryFile);
        string torchsharp = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? appBase;

        // Interactive hosts load TorchSharp.dll from the NuGet cache: .../torchsharp/0.107.0/lib/net6.0/TorchSharp.dll.
        yield return Path.GetFullPath(Path.Combine(torchsharp, "..", "..", "runtimes", "linux-x64", "native", LibraryFile));
        if (PackagesFolder() is { } packages)
        {
            yield return Path.Combine(packages, "torchsharp", TorchSharpVersion(), "runtimes", "linux-x64", "native", LibraryFile);
        }
    }

    /// <summary>
    /// The folder of the libtorch libraries TorchSharp itself will load: beside the library, else beside the
    /// application (where the app's deps.json points .NET), else the NuGet package. Loading the same files keeps
    /// libtorch loaded once.
    /// </summary>
    private static string? FindLibtorchNatives(string library)
    {
        string appBase = AppContext.BaseDirectory;
        foreach (string? folder in new[] { Path.GetDirectoryName(library), appBase, Path.Combine(appBase, "runtimes", "linux-x64", "native") })
        {
            if (folder is not null && File.Exists(Path.Combine(folder, "libtorch_cpu.so")))
            {
                return folder;
            }
        }

        if (PackagesFolder() is not { } packages)
        {
            return null;
        }

        string root = Path.Combine(packages, "libtorch-cpu-linux-x64");
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.EnumerateDirectories(root)
            .Select(d => Path.Combine(d, "runtimes", "linux-x64", "native"))
            .Where(d => File.Exists(Path.Combine(d, "libtorch_cpu.so")))
            .OrderByDescending(d => d, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static string? PackagesFolder()
    {
        string? configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        string folder = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")
            : configured;
        return Directory.Exists(folder) ? folder : null;
    }

    private static string TorchSharpVersion()
    {
        var informational = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        string version = (informational ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "0.0.0").Split('+')[0];
        return version.ToLowerInvariant();
    }

    /// <summary>The per-user cache folder: <c>$ROBUSTNESS_LIBTORCHSHARP_CACHE</c>, else <c>$XDG_CACHE_HOME/robustness/libtorchsharp</c>, else <c>~/.cache/robustness/libtorchsharp</c>.</summary>
    internal static string CacheFolder()
    {
        string? configured = Environment.GetEnvironmentVariable(CacheVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = string.IsNullOrWhiteSpace(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
        return Path.Combine(root, "robustness", "libtorchsharp");
    }

    /// <summary>Writes (once, atomically) the patched copy of <paramref name="library"/> into the cache folder keyed by its SHA-256.</summary>
    internal static string WriteCompatCopy(string library)
    {
        byte[] image = File.ReadAllBytes(library);
        string hash = Convert.ToHexStringLower(SHA256.HashData(image));
        string folder = Path.Combine(CacheFolder(), hash[..32]);
        string copy = Path.Combine(folder, LibraryFile);
        if (File.Exists(copy))
        {
            byte[] existing = File.ReadAllBytes(copy);
            if (GlibcxxCompat.PatchImage(existing, copy).Status == GlibcxxPatchStatus.AlreadyPatched && existing.Length == image.Length)
            {
                return copy;
            }
        }

        var result = GlibcxxCompat.PatchImage(image, library);
        if (result.Status != GlibcxxPatchStatus.Patched)
        {
            throw new InvalidDataException($"{library}: expected a library that requires {GlibcxxCompat.NewVersion}, found: {result.Message}");
        }

        Directory.CreateDirectory(folder);
        AtomicFile.Write(copy, temporary => File.WriteAllBytes(temporary, image));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return copy;
    }

    [LoggerMessage(EventId = 1, Message = "TorchSharp native backend: {Message}")]
    private static partial void LogLoad(ILogger logger, LogLevel level, string message);
}
