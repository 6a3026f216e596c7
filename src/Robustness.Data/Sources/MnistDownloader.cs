using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robustness.IO;

namespace Robustness.Data.Sources;

/// <summary>
/// Downloads the four MNIST <c>*.gz</c> files from a list of mirrors into a folder, verifying the MD5 of each
/// DECOMPRESSED file against <see cref="MnistDownloadOptions.ExpectedMd5"/>.
/// </summary>
/// <remarks>
/// Each file is written to a temporary file in the target folder and moved into place only after it verified, so the
/// folder never holds a partial or wrong file. A file already present (as <c>NAME.gz</c> or raw <c>NAME</c>) whose
/// decompressed MD5 matches is kept and not fetched. Per file, every mirror is tried in order; a round of all mirrors
/// is repeated up to <see cref="MnistDownloadOptions.MaxAttempts"/> times with doubling backoff, except that a mirror
/// answering 403/404/410 or serving bytes with the wrong MD5 is not asked again. When every attempt failed a
/// <see cref="MnistDownloadException"/> lists the reasons; cancellation throws <see cref="OperationCanceledException"/>.
/// </remarks>
public sealed class MnistDownloader
{
    private const int BufferSize = 81920;

    private readonly HttpClient _httpClient;
    private readonly MnistDownloadOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a downloader.</summary>
    /// <param name="httpClient">The client to fetch with (its own Timeout should be infinite or longer than <see cref="MnistDownloadOptions.Timeout"/>).</param>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Logs each failed attempt; null for none.</param>
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    public MnistDownloader(HttpClient httpClient, MnistDownloadOptions options, ILogger<MnistDownloader>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _httpClient = httpClient;
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Fetches and verifies every file of <see cref="MnistDownloadOptions.Files"/>.</summary>
    /// <param name="progress">Receives byte progress per file; null for none.</param>
    /// <param name="cancellationToken">Cancels the download; temporary files are removed.</param>
    /// <returns>The verified files.</returns>
    /// <exception cref="MnistDownloadException">A file could not be fetched and verified from any mirror.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task<MnistDownloadResult> DownloadAsync(IProgress<MnistDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        string target = Path.GetFullPath(_options.TargetFolder);
        Directory.CreateDirectory(target);
        var files = new List<MnistDownloadedFile>(_options.Files.Count);
        for (int index = 0; index < _options.Files.Count; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string name = _options.Files[index];
            string expected = _options.ExpectedMd5[name].ToLowerInvariant();
            string? existing = IdxFileNames.Find(target, name);
            if (existing is not null)
            {
                string? existingMd5 = await TryDecompressedMd5Async(existing, cancellationToken);
                if (existingMd5 == expected)
                {
                    files.Add(new MnistDownloadedFile(name, existing, existingMd5, true, null));
                    continue;
                }

                _logger.LogWarning("{Path} exists but its decompressed MD5 is {Actual}, expected {Expected}; fetching it again", existing, existingMd5 ?? "unreadable", expected);
            }

            files.Add(await DownloadFileAsync(target, name, expected, index, progress, cancellationToken));
        }

        return new MnistDownloadResult(target, files);
    }

    /// <summary>The MD5 (lower-case hex) of a file's content after gunzip (of the raw bytes when not gzip).</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The hex MD5.</returns>
    /// <exception cref="InvalidDataException">The file starts as gzip but does not decompress; the message starts with the path.</exception>
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms", Justification = "MD5 identifies the canonical MNIST files; it is not used for security.")]
    public static async Task<string> DecompressedMd5Async(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        bool gzip = await IsGzipAsync(file, cancellationToken);
        try
        {
            if (gzip)
            {
                await using var unzip = new GZipStream(file, CompressionMode.Decompress);
                return Convert.ToHexStringLower(await MD5.HashDataAsync(unzip, cancellationToken));
            }

            return Convert.ToHexStringLower(await MD5.HashDataAsync(file, cancellationToken));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: expected gzip data that decompresses, found a damaged gzip stream ({e.Message})", e);
        }
    }

    private async Task<MnistDownloadedFile> DownloadFileAsync(string target, string name, string expected, int index, IProgress<MnistDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        string fileName = name + ".gz";
        string finalPath = Path.Combine(target, fileName);
        var failures = new List<string>();
        var excluded = new bool[_options.Mirrors.Count];
        for (int round = 0; round < _options.MaxAttempts; round++)
        {
            if (round > 0)
            {
                if (excluded.All(x => x))
                {
                    break;
                }

                TimeSpan wait = _options.InitialBackoff * Math.Pow(2, round - 1);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }
            }

            for (int m = 0; m < _options.Mirrors.Count; m++)
            {
                if (excluded[m])
                {
                    continue;
                }

                Uri uri = new(WithTrailingSlash(_options.Mirrors[m]), fileName);
                string temp = AtomicFile.TemporaryPathFor(finalPath);
                try
                {
                    (string? failure, bool permanent) = await TryFetchAsync(uri, temp, name, expected, index, progress, cancellationToken);
                    if (failure is null)
                    {
                        AtomicFile.Commit(temp, finalPath);
                        return new MnistDownloadedFile(name, finalPath, expected, false, uri);
                    }

                    failures.Add(failure);
                    excluded[m] |= permanent;
                    _logger.LogWarning("MNIST download attempt failed: {Failure}", failure);
                }
                finally
                {
                    AtomicFile.Discard(temp);
                }
            }
        }

        throw new MnistDownloadException(
            $"could not download {fileName} from any mirror ({string.Join("; ", failures)}); place the MNIST files in {target} or pass --data")
        {
            FileName = fileName,
            Failures = failures,
        };
    }

    // Returns (null, _) on success with the verified bytes in temp, else (reason, whether to skip this mirror from now on).
    private async Task<(string? Failure, bool Permanent)> TryFetchAsync(Uri uri, string temp, string name, string expected, int index, IProgress<MnistDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(_options.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            using HttpResponseMessage response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            if (!response.IsSuccessStatusCode)
            {
                HttpStatusCode status = response.StatusCode;
                bool permanent = status is HttpStatusCode.NotFound or HttpStatusCode.Gone or HttpStatusCode.Forbidden;
                return ($"{uri}: HTTP {(int)status} {response.ReasonPhrase}".TrimEnd(), permanent);
            }

            long? total = response.Content.Headers.ContentLength;
            await using (Stream body = await response.Content.ReadAsStreamAsync(attempt.Token))
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
            {
                byte[] buffer = new byte[BufferSize];
                long received = 0;
                int read;
                while ((read = await body.ReadAsync(buffer, attempt.Token)) > 0)
                {
                    await output.WriteAsync(buffer.AsMemory(0, read), attempt.Token);
                    received += read;
                    progress?.Report(new MnistDownloadProgress(uri.Segments[^1], index, _options.Files.Count, received, total));
                }

                if (total is not null && received != total)
                {
                    return ($"{uri}: connection closed after {received} of {total} bytes", false);
                }
            }

            string actual;
            try
            {
                actual = await DecompressedMd5Async(temp, attempt.Token);
            }
            catch (InvalidDataException e)
            {
                return ($"{uri}: the served bytes are not valid gzip ({e.InnerException?.Message ?? e.Message})", true);
            }

            return actual == expected
                ? (null, false)
                : ($"{uri}: MD5 of the decompressed {name} is {actual}, expected {expected}", true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ($"{uri}: timed out after {_options.Timeout.TotalSeconds:0.#} s", false);
        }
        catch (HttpRequestException e)
        {
            return ($"{uri}: {e.Message}", false);
        }
        catch (IOException e)
        {
            return ($"{uri}: {e.Message}", false);
        }
    }

    private static async Task<bool> IsGzipAsync(FileStream file, CancellationToken cancellationToken)
    {
        byte[] magic = new byte[2];
        int read = await file.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, cancellationToken);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    }

    private static async Task<string?> TryDecompressedMd5Async(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await DecompressedMd5Async(path, cancellationToken);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static Uri WithTrailingSlash(Uri mirror) =>
        mirror.AbsoluteUri.EndsWith('/') ? mirror : new Uri(mirror.AbsoluteUri + "/");
}
