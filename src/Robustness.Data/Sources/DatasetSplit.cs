namespace Robustness.Data.Sources;

/// <summary>A split of a dataset.</summary>
public enum DatasetSplit
{
    /// <summary>The training split (<c>train-*</c> files; 60,000 images for MNIST).</summary>
    Train = 0,

    /// <summary>The test split (<c>t10k-*</c> files; 10,000 images for MNIST).</summary>
    Test = 1,
}

/// <summary>Names and parsing of <see cref="DatasetSplit"/>.</summary>
internal static class DatasetSplits
{
    /// <summary>Both splits, train first.</summary>
    public static IReadOnlyList<DatasetSplit> All { get; } = [DatasetSplit.Train, DatasetSplit.Test];

    /// <summary>The lower-case name of a split: <c>train</c> or <c>test</c>.</summary>
    /// <param name="split">The split.</param>
    /// <returns>The name.</returns>
    public static string ToName(this DatasetSplit split) => split switch
    {
        DatasetSplit.Train => "train",
        DatasetSplit.Test => "test",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Expected Train or Test."),
    };

    /// <summary>Parses <c>train</c> or <c>test</c> (case-insensitive; <c>t10k</c> is accepted for test).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The split.</returns>
    /// <exception cref="ArgumentException">Neither train nor test.</exception>
    public static DatasetSplit Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "TRAIN" => DatasetSplit.Train,
            "TEST" or "T10K" => DatasetSplit.Test,
            _ => throw new ArgumentException($"Unknown split '{name}'; valid splits are train, test.", nameof(name)),
        };
    }

    /// <summary>The name an <see cref="ImageSet"/> of this dataset and split gets, e.g. <c>mnist/test</c>.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="split">The split.</param>
    /// <returns><c>dataset/split</c>.</returns>
    public static string ImageSetName(DatasetId dataset, DatasetSplit split)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return $"{dataset.Name}/{split.ToName()}";
    }
}
