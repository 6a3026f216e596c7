using System.Reflection;
using Robustness.Data;

namespace Robustness.Benchmarks;

/// <summary>
/// Finds the real MNIST test set: $ROBUSTNESS_SHARED_DATA/mnist when set, else ../shared/data/mnist
/// beside the repository (recorded at build time, so BenchmarkDotNet's generated projects find it too).
/// </summary>
internal static class MnistData
{
    private static readonly Lazy<ImageSet> _testSet = new(() =>
    {
        string folder = Folder();
        return IdxDataset.LoadImageSet(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), "mnist-test");
    });

    /// <summary>The 10,000 MNIST test images (loaded once per process).</summary>
    public static ImageSet TestSet => _testSet.Value;

    public static string Folder()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("ROBUSTNESS_SHARED_DATA");
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(fromEnv))
        {
            candidates.Add(Path.Combine(fromEnv, "mnist"));
        }

        string? root = typeof(MnistData).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RobustnessRepositoryRoot")?.Value;
        if (root is not null)
        {
            candidates.Add(Path.Combine(root, "..", "shared", "data", "mnist"));
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Robustness.sln")))
            {
                candidates.Add(Path.Combine(dir.FullName, "..", "shared", "data", "mnist"));
                break;
            }
        }

        foreach (string candidate in candidates)
        {
            if (File.Exists(Path.Combine(candidate, "t10k-images-idx3-ubyte.gz")))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new FileNotFoundException(
            $"The MNIST test set (t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) was not found; looked in: {string.Join(", ", candidates.Select(Path.GetFullPath))}. Set ROBUSTNESS_SHARED_DATA to the folder holding mnist/.");
    }
}
