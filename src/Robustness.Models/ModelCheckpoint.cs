using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Robustness.IO;

namespace Robustness.Models;

/// <summary>What a checkpoint's JSON sidecar records beside the weights.</summary>
public sealed record CheckpointMetadata
{
    /// <summary>The sidecar format this code writes.</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>The sidecar format.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The architecture's name.</summary>
    public required string Architecture { get; init; }

    /// <summary>The model's input size and classes.</summary>
    public required ImageShape InputShape { get; init; }

    /// <summary>The weight initialisation seed.</summary>
    public ulong InitSeed { get; init; }

    /// <summary>The training options, when the model was trained.</summary>
    public TrainingOptions? Training { get; init; }

    /// <summary>The training report (epochs, loss, accuracy, stop reason, history), when the model was trained.</summary>
    public TrainingReport? TrainingReport { get; init; }

    /// <summary>The name of the training set.</summary>
    public string? DataName { get; init; }

    /// <summary>The training set's <see cref="DataFingerprint"/>.</summary>
    public string? DataFingerprint { get; init; }

    /// <summary>Further metrics by name (e.g. "test-accuracy").</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>The device the weights were saved from.</summary>
    public string? Device { get; init; }

    /// <summary>The TorchSharp version that wrote the weights.</summary>
    public string? TorchSharpVersion { get; init; }

    /// <summary>When the checkpoint was written (UTC).</summary>
    public DateTimeOffset SavedUtc { get; init; }

    /// <summary>
    /// Lower-case hex SHA-256 of the weights file the sidecar describes (format 2 on; null in format-1 sidecars). Every
    /// <see cref="ModelCheckpoint.Load"/> checks it, so weights and metadata that do not belong together (a process killed
    /// between writing the weights and the sidecar) are refused instead of loaded as the model the sidecar describes.
    /// </summary>
    public string? WeightsSha256 { get; init; }
}

/// <summary>
/// Saves and loads models: the weights in TorchSharp's format (<c>module.save</c>) at a path, and a
/// JSON sidecar at path + ".json" (<see cref="CheckpointMetadata"/>). Each file is written to a
/// temporary file in the same folder and moved into place, so a crash never leaves a half-written
/// file under the final name. Loading checks the architecture and the weights' fit.
/// </summary>
public static class ModelCheckpoint
{
    private static readonly JsonSerializerOptions _json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The sidecar path of a weights path.</summary>
    /// <param name="path">The weights path.</param>
    /// <returns>path + ".json".</returns>
    public static string SidecarPath(string path) => path + ".json";

    /// <summary>Saves a model's weights and sidecar atomically.</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The weights path (the folder must exist); the sidecar goes to path + ".json".</param>
    /// <param name="metadata">Training options, report, data fingerprint, metrics; architecture, shape, seed and device are taken from the model.</param>
    /// <returns>The metadata written.</returns>
    public static CheckpointMetadata Save(ImageClassifier model, string path, CheckpointMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        var written = (metadata ?? new CheckpointMetadata { Architecture = model.Architecture, InputShape = model.InputShape }) with
        {
            FormatVersion = CheckpointMetadata.CurrentFormatVersion,
            Architecture = model.Architecture,
            InputShape = model.InputShape,
            InitSeed = model.InitSeed,
            Device = model.Device.ToString(),
            TorchSharpVersion = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(),
            SavedUtc = DateTimeOffset.UtcNow,
        };
        string? hash = null;
        AtomicFile.Write(full, temp =>
        {
            model.Module.save(temp);
            hash = WeightsHash(temp);
        });
        written = written with { WeightsSha256 = hash };
        AtomicFile.Write(SidecarPath(full), temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            JsonSerializer.Serialize(stream, written, _json);
            stream.Flush(flushToDisk: true);
        });
        return written;
    }

    /// <summary>Reads a checkpoint's sidecar.</summary>
    /// <param name="path">The weights path.</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="FileNotFoundException">The sidecar is missing.</exception>
    /// <exception cref="InvalidDataException">The sidecar is not valid (message starts with its path).</exception>
    public static CheckpointMetadata ReadMetadata(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string sidecar = SidecarPath(Path.GetFullPath(path));
        if (!File.Exists(sidecar))
        {
            throw new FileNotFoundException($"{sidecar}: the checkpoint's JSON sidecar is missing.", sidecar);
        }

        CheckpointMetadata? metadata;
        try
        {
            using var stream = File.OpenRead(sidecar);
            metadata = JsonSerializer.Deserialize<CheckpointMetadata>(stream, _json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sidecar}: expected a checkpoint sidecar (JSON), found invalid content: {e.Message}", e);
        }

        if (metadata is null || string.IsNullOrWhiteSpace(metadata.Architecture) || metadata.InputShape is null)
        {
            throw new InvalidDataException($"{sidecar}: expected a checkpoint sidecar with an architecture and input shape, found none.");
        }

        if (metadata.FormatVersion is < 1 or > CheckpointMetadata.CurrentFormatVersion)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{sidecar}: expected sidecar format 1 to {CheckpointMetadata.CurrentFormatVersion}, found {metadata.FormatVersion}."));
        }

        if (metadata.FormatVersion >= 2 && metadata.WeightsSha256 is not { Length: 64 })
        {
            throw new InvalidDataException($"{sidecar}: expected the weights' SHA-256 in a format-{metadata.FormatVersion} sidecar, found none.");
        }

        return metadata;
    }

    /// <summary>Loads a checkpoint into a new model.</summary>
    /// <param name="path">The weights path.</param>
    /// <param name="factory">Builds the architecture named in the sidecar.</param>
    /// <param name="expectedArchitecture">When given, the sidecar must name this architecture.</param>
    /// <param name="device">The device; the factory's default when null.</param>
    /// <returns>The model with the saved weights, in evaluation mode.</returns>
    /// <exception cref="InvalidDataException">
    /// The architecture differs from <paramref name="expectedArchitecture"/>, or the weights do not fit
    /// the architecture (message starts with the file's path).
    /// </exception>
    public static ImageClassifier Load(string path, IModelFactory factory, string? expectedArchitecture = null, ComputeDevice? device = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var metadata = ReadMetadata(path);
        string full = Path.GetFullPath(path);
        if (expectedArchitecture is not null && !string.Equals(expectedArchitecture, metadata.Architecture, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{full}: expected a checkpoint of architecture '{expectedArchitecture}', found '{metadata.Architecture}'.");
        }

        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"{full}: the checkpoint's weights are missing.", full);
        }

        if (metadata.WeightsSha256 is { } expected && WeightsHash(full) is var actual && !string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{full}: expected weights with SHA-256 {expected} (as its sidecar records), found {actual}: the weights and the sidecar do not belong together (an interrupted save?); save or train the model again.");
        }

        var model = factory.Create(metadata.Architecture, metadata.InitSeed, metadata.InputShape, device);
        try
        {
            using var stream = File.OpenRead(full);
            model.Module.load(stream, strict: true);
        }
        // TorchSharp's Module.load throws NotImplementedException ("Loading tensors larger than 2GB") for a tensor whose header declares more than 2 GB: a corrupt or foreign file here, reported as such.
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or EndOfStreamException or FormatException or NotImplementedException)
        {
            model.Dispose();
            throw new InvalidDataException($"{full}: expected weights of architecture '{metadata.Architecture}' ({metadata.InputShape}), found weights that do not fit it: {e.Message}", e);
        }

        model.Module.eval();
        return model;
    }

    private static string WeightsHash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }
}
