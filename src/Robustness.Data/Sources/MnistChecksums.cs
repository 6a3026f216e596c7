using System.Collections.Frozen;

namespace Robustness.Data.Sources;

/// <summary>
/// The canonical MD5 checksums of the four MNIST files AFTER decompression. They identify the data regardless of how
/// a mirror compressed it (the .gz archives themselves differ between copies; their canonical MD5s, e.g.
/// f68b3c2dcbeaaa9fbdd348bbdeb94873 for <c>train-images-idx3-ubyte.gz</c>, are not used).
/// </summary>
public static class MnistChecksums
{
    /// <summary>Decompressed MD5 (lower-case hex) by base file name (<see cref="IdxFileNames"/>).</summary>
    public static IReadOnlyDictionary<string, string> Decompressed { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [IdxFileNames.TrainImages] = "6bbc9ace898e44ae57da46a324031adb",
        [IdxFileNames.TrainLabels] = "a25bea736e30d166cdddb491f175f624",
        [IdxFileNames.TestImages] = "2646ac647ad5339dbf082846283269ea",
        [IdxFileNames.TestLabels] = "27ae3e4e09519cfbb04c329615203637",
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
