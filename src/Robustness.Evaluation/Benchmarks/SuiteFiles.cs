using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Robustness.Data;
using Robustness.IO;

namespace Robustness.Evaluation.Benchmarks;

/// <summary>Writes and reads suite folders (IDX files + manifest).</summary>
internal static class SuiteFiles
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string CreatedBy
    {
        get
        {
            var name = typeof(SuiteFiles).Assembly.GetName();
            return $"{name.Name} {name.Version}";
        }
    }

    public static SuiteManifest Save(BenchmarkSuite suite, string folder, bool overwrite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        string parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"{target} has no parent folder.", nameof(folder));
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !overwrite)
        {
            throw new IOException($"{target}: expected an absent or empty folder for the suite, found existing files; choose another folder or delete it.");
        }

        Directory.CreateDirectory(parent);
        AtomicFile.RemoveStale(parent, Path.GetFileName(target));
        string temp = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temp);
        try
        {
            var entries = new List<SuiteLevelFile>();
            for (int l = 0; l < suite.LevelSets.Count; l++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var set = suite.LevelSets[l];
                string images = string.Create(CultureInfo.InvariantCulture, $"level-{l:D2}-images-idx3-float32");
                string labels = string.Create(CultureInfo.InvariantCulture, $"level-{l:D2}-labels-idx1-ubyte");
                string imagesPath = Path.Combine(temp, images);
                string labelsPath = Path.Combine(temp, labels);
                if (set.Images.Count > 0)
                {
                    IdxDataset.SaveImageSet(set.Images, imagesPath, labelsPath, IdxElementType.Float32, gzip: false);
                }
                else
                {
                    // IDX dimensions must be positive, so an empty level is written as header-only files by hand.
                    WriteEmpty(imagesPath, 0x00000D03, [0, suite.TestSet.Height, suite.TestSet.Width]);
                    WriteEmpty(labelsPath, 0x00000801, [0]);
                }

                entries.Add(new SuiteLevelFile(set.Level, images, ReferenceModelFingerprint.HashFile(imagesPath), labels, ReferenceModelFingerprint.HashFile(labelsPath),
                    set.Images.Count, [.. set.Images.ClassCounts], set.ExcludedCount, [.. set.FailedSourceIndices], set.ExcludedByStatus, set.MaxAbsoluteError));
            }

            var manifest = new SuiteManifest
            {
                SuiteName = suite.Name,
                Kind = suite.Kind.ToName(),
                Levels = [.. suite.Levels],
                Seed = suite.Seed,
                Generator = suite.Generator,
                TestSet = suite.TestSet,
                ReferenceModel = suite.ReferenceModel,
                LevelFiles = entries,
                CreatedBy = CreatedBy,
                CreatedUtc = DateTimeOffset.UtcNow,
            };

            cancellationToken.ThrowIfCancellationRequested();
            using (var stream = new FileStream(Path.Combine(temp, SuiteManifest.FileName), FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, manifest, Json);
                stream.Flush(flushToDisk: true);
            }

            Publish(temp, target);
            return manifest;
        }
        catch
        {
            TryDeleteFolder(temp);
            throw;
        }
    }

    public static BenchmarkSuite Load(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string manifestPath = Directory.Exists(full) ? Path.Combine(full, SuiteManifest.FileName) : full;
        string folder = Path.GetDirectoryName(manifestPath)!;
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException($"{manifestPath}: the suite manifest is missing.", manifestPath);
        }

        var manifest = ReadManifest(manifestPath);
        var kind = ParseKind(manifestPath, manifest.Kind);
        var test = manifest.TestSet;
        if (manifest.LevelFiles.Count != manifest.Levels.Count)
        {
            throw Invalid(manifestPath, $"one level file entry per level ({manifest.Levels.Count})", $"{manifest.LevelFiles.Count} entries");
        }

        var sets = new BenchmarkLevelSet[manifest.LevelFiles.Count];
        for (int l = 0; l < sets.Length; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = manifest.LevelFiles[l];
            if (entry.Level != manifest.Levels[l])
            {
                throw Invalid(manifestPath, $"level file entry {l} at level {manifest.Levels[l].ToString("R", CultureInfo.InvariantCulture)}", $"level {entry.Level.ToString("R", CultureInfo.InvariantCulture)}");
            }

            string imagesPath = Resolve(folder, manifestPath, entry.ImagesFile);
            string labelsPath = Resolve(folder, manifestPath, entry.LabelsFile);
            CheckHash(imagesPath, entry.ImagesSha256, manifestPath);
            CheckHash(labelsPath, entry.LabelsSha256, manifestPath);
            ImageSet images = entry.Count == 0
                ? ImageSet.Create(LevelName(manifest.SuiteName, entry.Level), [], [], test.Height, test.Width, test.ClassCount)
                : IdxDataset.LoadImageSet(imagesPath, labelsPath, LevelName(manifest.SuiteName, entry.Level), test.ClassCount, cancellationToken);
            if (images.Count != entry.Count)
            {
                throw Invalid(imagesPath, $"{entry.Count} images (from {manifestPath})", $"{images.Count}");
            }

            if (images.Height != test.Height || images.Width != test.Width)
            {
                throw Invalid(imagesPath, $"{test.Height} x {test.Width} images (from {manifestPath})", $"{images.Height} x {images.Width}");
            }

            if (!images.ClassCounts.SequenceEqual(entry.ClassCounts))
            {
                throw Invalid(labelsPath, $"class counts [{string.Join(", ", entry.ClassCounts)}] (from {manifestPath})", $"[{string.Join(", ", images.ClassCounts)}]");
            }

            if (entry.Count + entry.Excluded != test.Count || entry.ExcludedSourceIndices.Count != entry.Excluded)
            {
                throw Invalid(manifestPath, $"level {entry.Level.ToString("R", CultureInfo.InvariantCulture)} to hold {test.Count} images with the excluded ones",
                    $"{entry.Count} images, {entry.Excluded} excluded and {entry.ExcludedSourceIndices.Count} excluded indices");
            }

            sets[l] = new BenchmarkLevelSet(entry.Level, images, test.Count, entry.ExcludedSourceIndices, entry.MaxAbsoluteError, entry.ExcludedByStatus);
        }

        return new BenchmarkSuite(manifest.SuiteName, kind, sets, manifest.Seed, manifest.Generator, test, manifest.ReferenceModel, manifest);
    }

    internal static SuiteManifest ReadManifest(string manifestPath)
    {
        SuiteManifest? manifest;
        try
        {
            using var stream = File.OpenRead(manifestPath);
            manifest = JsonSerializer.Deserialize<SuiteManifest>(stream, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{manifestPath}: expected a suite manifest (JSON), found invalid content: {e.Message}", e);
        }

        if (manifest is null || manifest.Levels is null || manifest.LevelFiles is null || manifest.TestSet is null || manifest.Generator is null)
        {
            throw new InvalidDataException($"{manifestPath}: expected a suite manifest with levels, level files, test set and generator, found some missing.");
        }

        if (manifest.FormatVersion != SuiteManifest.CurrentFormatVersion)
        {
            throw Invalid(manifestPath, $"manifest format {SuiteManifest.CurrentFormatVersion}", $"{manifest.FormatVersion}");
        }

        return manifest;
    }

    internal static string LevelName(string suiteName, double level) =>
        string.Create(CultureInfo.InvariantCulture, $"{suiteName}-l{level:0.###}");

    private static BenchmarkKind ParseKind(string manifestPath, string kind)
    {
        try
        {
            return BenchmarkKinds.Parse(kind ?? "");
        }
        catch (ArgumentException)
        {
            throw Invalid(manifestPath, "kind clean, gaussian, fgsm or pgd", $"'{kind}'");
        }
    }

    private static string Resolve(string folder, string manifestPath, string file)
    {
        if (string.IsNullOrWhiteSpace(file) || Path.IsPathRooted(file) || file.Contains("..", StringComparison.Ordinal))
        {
            throw Invalid(manifestPath, "level files named relative to the suite folder", $"'{file}'");
        }

        string path = Path.Combine(folder, file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: listed in the suite manifest {manifestPath} but missing.", path);
        }

        return path;
    }

    private static void CheckHash(string path, string expected, string manifestPath)
    {
        string found = ReferenceModelFingerprint.HashFile(path);
        if (!string.Equals(found, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{path}: expected SHA-256 {expected} (from {manifestPath}), found {found}; the file was changed or damaged.");
        }
    }

    private static InvalidDataException Invalid(string path, string expected, string found) =>
        new($"{path}: expected {expected}, found {found}.");

    private static void WriteEmpty(string path, int magic, int[] dimensions)
    {
        var bytes = new byte[4 + (4 * dimensions.Length)];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dimensions.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dimensions[i]);
        }

        File.WriteAllBytes(path, bytes);
    }

    private static void Publish(string temp, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(temp, target);
            return;
        }

        if (!Directory.EnumerateFileSystemEntries(target).Any())
        {
            Directory.Delete(target);
            Directory.Move(temp, target);
            return;
        }

        // Overwrite: move the old folder aside, put the new one in place, then delete the old one.
        string old = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.old");
        Directory.Move(target, old);
        Directory.Move(temp, target);
        TryDeleteFolder(old);
    }

    internal static void TryDeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // Left behind; the original outcome matters more.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
