namespace Robustness.Tests.Shared;

/// <summary>
/// Finds the data that tests read but the repository never holds: the shared folder beside the
/// repository (<c>../shared/data</c>, override with ROBUSTNESS_SHARED_DATA) and Debian's
/// Fashion-MNIST package. Outside CI a missing data set ignores the test with the reason; under
/// CI=true it fails it, because CI installs everything and must skip nothing.
/// </summary>
internal static class TestData
{
    public const string FashionMnistDebianFolder = "/usr/share/datasets/fashion-mnist";

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The repository root (the folder holding Robustness.sln), recorded at build time.</summary>
    public static string RepositoryRoot
    {
        get
        {
            string? recorded = typeof(TestData).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
                .Cast<System.Reflection.AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "RobustnessRepositoryRoot")?.Value;
            if (recorded is not null && File.Exists(Path.Combine(recorded, "Robustness.sln")))
            {
                return recorded;
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Robustness.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No Robustness.sln at {recorded} or above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>The shared data folder (../shared/data beside the repository), or null when absent.</summary>
    public static string? SharedDataFolder
    {
        get
        {
            string? fromEnv = Environment.GetEnvironmentVariable("ROBUSTNESS_SHARED_DATA");
            if (!string.IsNullOrEmpty(fromEnv))
            {
                return Directory.Exists(fromEnv) ? Path.GetFullPath(fromEnv) : null;
            }

            string candidate = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data"));
            return Directory.Exists(candidate) ? candidate : null;
        }
    }

    /// <summary>The real MNIST folder (the full canonical MNIST: both splits); ignores or fails the test when absent.</summary>
    public static string MnistFolder => Require(SharedDataFolder is null ? null : Path.Combine(SharedDataFolder, "mnist"),
        "train-images-idx3-ubyte.gz", "the full MNIST in ../shared/data/mnist (or ROBUSTNESS_SHARED_DATA)");

    /// <summary>
    /// A new folder under <paramref name="parent"/> holding the real MNIST test split and training labels but no training
    /// images: the situation of a half-finished download, built from the shared files (which now hold both splits).
    /// </summary>
    public static string MnistWithoutTrainImages(string parent)
    {
        string source = MnistFolder;
        string folder = Path.Combine(parent, "mnist-without-train-images");
        Directory.CreateDirectory(folder);
        foreach (string name in new[] { "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte.gz" })
        {
            File.Copy(Path.Combine(source, name), Path.Combine(folder, name), overwrite: true);
        }

        return folder;
    }

    /// <summary>Debian's Fashion-MNIST folder; ignores or fails the test when the package is not installed.</summary>
    public static string FashionMnistFolder => Require(FashionMnistDebianFolder,
        "train-images-idx3-ubyte.gz", "Fashion-MNIST from the Debian package dataset-fashion-mnist (apt-get install -y dataset-fashion-mnist)");

    /// <summary>The paper's text, <c>../shared/docs/paper.txt</c> beside the repository; ignores or fails the test when absent.</summary>
    public static string PaperText => Path.Combine(
        Require(Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "docs")), "paper.txt", "the paper's text in ../shared/docs/paper.txt"),
        "paper.txt");

    /// <summary>Path of a file in the real MNIST folder.</summary>
    public static string Mnist(string fileName) => Path.Combine(MnistFolder, fileName);

    private static string Require(string? folder, string probeFile, string what)
    {
        if (folder is not null && File.Exists(Path.Combine(folder, probeFile)))
        {
            return folder;
        }

        string reason = $"Needs {what}; {Path.Combine(folder ?? "(no shared folder)", probeFile)} is absent.";
        if (InCi)
        {
            Assert.Fail(reason + " CI must install it.");
        }

        Assert.Ignore(reason);
        return folder!;
    }
}
