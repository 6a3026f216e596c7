using System.Security.Cryptography;
using Robustness.Models;

namespace Robustness.Evaluation.Benchmarks;

/// <summary>
/// Identifies the reference model a fixed FGSM suite was generated against. The identity is
/// <see cref="WeightsSha256"/>: the SHA-256 of the model's weights file as <see cref="ModelCheckpoint.Save"/>
/// writes it (TorchSharp's state-dict format: every parameter and buffer, by name, in order). It changes
/// whenever any weight changes, whatever the training options were. Architecture, initialisation seed
/// and the training data's <see cref="Models.DataFingerprint"/> (from the checkpoint's sidecar) are
/// recorded beside it for people; they are not part of the identity.
/// </summary>
/// <param name="Architecture">The architecture's name.</param>
/// <param name="InitSeed">The weight initialisation seed.</param>
/// <param name="DataFingerprint">The training set's fingerprint from the checkpoint sidecar, when known.</param>
/// <param name="WeightsSha256">Lower-case hex SHA-256 of the weights file.</param>
public sealed record ReferenceModelFingerprint(string Architecture, ulong InitSeed, string? DataFingerprint, string WeightsSha256)
{
    /// <summary>The identity used in cache keys: <c>architecture:weights-sha256</c>.</summary>
    public string Key => $"{Architecture}:{WeightsSha256}";

    /// <summary>Fingerprints a checkpoint without loading it: hashes its weights file and reads its sidecar.</summary>
    /// <param name="checkpointPath">The weights path (the sidecar is path + ".json").</param>
    /// <returns>The fingerprint.</returns>
    /// <exception cref="FileNotFoundException">The weights or the sidecar are missing.</exception>
    /// <exception cref="InvalidDataException">The sidecar is not valid.</exception>
    public static ReferenceModelFingerprint FromCheckpoint(string checkpointPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointPath);
        string full = Path.GetFullPath(checkpointPath);
        var metadata = ModelCheckpoint.ReadMetadata(full);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"{full}: the checkpoint's weights are missing.", full);
        }

        return new ReferenceModelFingerprint(metadata.Architecture, metadata.InitSeed, metadata.DataFingerprint, HashFile(full));
    }

    /// <summary>
    /// Fingerprints a model in memory: saves it as a checkpoint in a temporary folder, hashes the weights
    /// file and deletes the folder. A model loaded from a checkpoint gets the same fingerprint as that checkpoint.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="dataFingerprint">The training set's fingerprint to record, when known.</param>
    /// <returns>The fingerprint.</returns>
    public static ReferenceModelFingerprint FromModel(ImageClassifier model, string? dataFingerprint = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var folder = Directory.CreateTempSubdirectory("robustness-fingerprint-");
        try
        {
            string path = Path.Combine(folder.FullName, "model.bin");
            ModelCheckpoint.Save(model, path);
            return new ReferenceModelFingerprint(model.Architecture, model.InitSeed, dataFingerprint, HashFile(path));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    internal static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
