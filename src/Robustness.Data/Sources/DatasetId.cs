namespace Robustness.Data.Sources;

/// <summary>
/// The identity of a dataset this library can load: <see cref="Mnist"/>, <see cref="FashionMnist"/>
/// or <see cref="Synthetic"/>. Compare instances by reference or by <see cref="Name"/>.
/// </summary>
public sealed class DatasetId : IEquatable<DatasetId>
{
    private DatasetId(string name, string displayName, bool isFileBased)
    {
        Name = name;
        DisplayName = displayName;
        IsFileBased = isFileBased;
    }

    /// <summary>The real MNIST handwritten digits (IDX files, 60,000 train / 10,000 test).</summary>
    public static DatasetId Mnist { get; } = new("mnist", "MNIST", isFileBased: true);

    /// <summary>Fashion-MNIST (IDX files in the MNIST layout, 60,000 train / 10,000 test).</summary>
    public static DatasetId FashionMnist { get; } = new("fashion-mnist", "Fashion-MNIST", isFileBased: true);

    /// <summary>Generated stroke digits (<see cref="SyntheticDigits"/>); needs no files.</summary>
    public static DatasetId Synthetic { get; } = new("synthetic", "synthetic digits", isFileBased: false);

    /// <summary>Every known dataset, in the order used by help texts.</summary>
    public static IReadOnlyList<DatasetId> All { get; } = [Mnist, FashionMnist, Synthetic];

    /// <summary>The canonical lower-case name (<c>mnist</c>, <c>fashion-mnist</c>, <c>synthetic</c>); also the subfolder name.</summary>
    public string Name { get; }

    /// <summary>A human-readable name for messages.</summary>
    public string DisplayName { get; }

    /// <summary>Whether the dataset is read from IDX files in a folder (true) or generated (false).</summary>
    public bool IsFileBased { get; }

    /// <summary>
    /// Parses a dataset name, case-insensitively; <c>fashion_mnist</c> and <c>fashionmnist</c> are accepted for
    /// <c>fashion-mnist</c>.
    /// </summary>
    /// <param name="name">The name to parse.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentException">The name is not a known dataset; the message lists the valid names.</exception>
    public static DatasetId Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryParse(name, out DatasetId? dataset))
        {
            return dataset;
        }

        throw new ArgumentException(
            $"Unknown dataset '{name}'; valid names are {string.Join(", ", All.Select(d => d.Name))}.", nameof(name));
    }

    /// <summary>Parses a dataset name without throwing.</summary>
    /// <param name="name">The name to parse (may be null).</param>
    /// <param name="dataset">The dataset when the name is known.</param>
    /// <returns>Whether the name is known.</returns>
    public static bool TryParse(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DatasetId? dataset)
    {
        string normalized = (name ?? string.Empty).Trim().Replace('_', '-');
        if (string.Equals(normalized, "fashionmnist", StringComparison.OrdinalIgnoreCase))
        {
            normalized = FashionMnist.Name;
        }

        dataset = All.FirstOrDefault(d => string.Equals(d.Name, normalized, StringComparison.OrdinalIgnoreCase));
        return dataset is not null;
    }

    /// <inheritdoc />
    public bool Equals(DatasetId? other) => other is not null && string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DatasetId);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    /// <summary>The canonical name.</summary>
    /// <returns><see cref="Name"/>.</returns>
    public override string ToString() => Name;
}
