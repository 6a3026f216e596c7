namespace Robustness.Evaluation.Benchmarks;

/// <summary>The kind of a robustness benchmark suite.</summary>
public enum BenchmarkKind
{
    /// <summary>MNIST-Test: the clean test images, one level 0.</summary>
    Clean = 0,

    /// <summary>MNIST-C: Gaussian noise placed at exact l2 levels.</summary>
    Gaussian = 1,

    /// <summary>MNIST-A: FGSM placed at exact l2 levels (against a reference model, or white-box against the scored model).</summary>
    Fgsm = 2,

    /// <summary>PGD-l2 placed at exact l2 levels (white-box against the scored model, or transferred from a reference model).</summary>
    Pgd = 3,

    /// <summary>The minimal-l2 attack (white-box): per level the fraction of images without an adversarial within that distance.</summary>
    MinimalL2 = 4,
}

/// <summary>Names of <see cref="BenchmarkKind"/> as used in manifests, cache folders and the CLI.</summary>
public static class BenchmarkKinds
{
    /// <summary>The lower-case name: <c>clean</c>, <c>gaussian</c>, <c>fgsm</c>, <c>pgd</c> or <c>minimal</c>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The name.</returns>
    public static string ToName(this BenchmarkKind kind) => kind switch
    {
        BenchmarkKind.Clean => "clean",
        BenchmarkKind.Gaussian => "gaussian",
        BenchmarkKind.Fgsm => "fgsm",
        BenchmarkKind.Pgd => "pgd",
        BenchmarkKind.MinimalL2 => "minimal",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "The kind must be Clean, Gaussian, Fgsm, Pgd or MinimalL2."),
    };

    /// <summary>Parses a name (case-insensitive).</summary>
    /// <param name="name"><c>clean</c>, <c>gaussian</c>, <c>fgsm</c>, <c>pgd</c> or <c>minimal</c>.</param>
    /// <returns>The kind.</returns>
    /// <exception cref="ArgumentException">Another name.</exception>
    public static BenchmarkKind Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "CLEAN" => BenchmarkKind.Clean,
            "GAUSSIAN" => BenchmarkKind.Gaussian,
            "FGSM" => BenchmarkKind.Fgsm,
            "PGD" => BenchmarkKind.Pgd,
            "MINIMAL" => BenchmarkKind.MinimalL2,
            _ => throw new ArgumentException($"Suite kind '{name}' is not one of clean, gaussian, fgsm, pgd, minimal.", nameof(name)),
        };
    }
}
