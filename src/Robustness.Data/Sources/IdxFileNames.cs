namespace Robustness.Data.Sources;

/// <summary>
/// The standard MNIST-layout file names (shared by MNIST and Fashion-MNIST). Each file may be stored gzip-compressed
/// (<c>NAME.gz</c>) or raw (<c>NAME</c>); when both exist the <c>.gz</c> file is used, because that is the form the
/// datasets are distributed in and the form <see cref="MnistDownloader"/> writes (a raw file beside it is usually a
/// hand-decompressed copy).
/// </summary>
public static class IdxFileNames
{
    /// <summary>Training images: <c>train-images-idx3-ubyte</c>.</summary>
    public const string TrainImages = "train-images-idx3-ubyte";

    /// <summary>Training labels: <c>train-labels-idx1-ubyte</c>.</summary>
    public const string TrainLabels = "train-labels-idx1-ubyte";

    /// <summary>Test images: <c>t10k-images-idx3-ubyte</c>.</summary>
    public const string TestImages = "t10k-images-idx3-ubyte";

    /// <summary>Test labels: <c>t10k-labels-idx1-ubyte</c>.</summary>
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    /// <summary>The four base names (without <c>.gz</c>), train first.</summary>
    public static IReadOnlyList<string> All { get; } = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>The images base name of a split.</summary>
    /// <param name="split">The split.</param>
    /// <returns>The base name without <c>.gz</c>.</returns>
    public static string Images(DatasetSplit split) => split == DatasetSplit.Train ? TrainImages : TestImages;

    /// <summary>The labels base name of a split.</summary>
    /// <param name="split">The split.</param>
    /// <returns>The base name without <c>.gz</c>.</returns>
    public static string Labels(DatasetSplit split) => split == DatasetSplit.Train ? TrainLabels : TestLabels;

    /// <summary>The paths tried for a base name in a folder, in order of preference: <c>NAME.gz</c>, then <c>NAME</c>.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="baseName">The base name without <c>.gz</c>.</param>
    /// <returns>The two candidate paths.</returns>
    public static IReadOnlyList<string> Candidates(string folder, string baseName)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(baseName);
        return [Path.Combine(folder, baseName + ".gz"), Path.Combine(folder, baseName)];
    }

    /// <summary>The first existing candidate of a base name in a folder, or null.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="baseName">The base name without <c>.gz</c>.</param>
    /// <returns>The path of the file to read, or null when neither form exists.</returns>
    public static string? Find(string folder, string baseName) => Candidates(folder, baseName).FirstOrDefault(File.Exists);
}
