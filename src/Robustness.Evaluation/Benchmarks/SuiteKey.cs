using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Robustness.Evaluation.Benchmarks;

/// <summary>
/// What identifies a suite in the <see cref="SuiteCache"/>: kind, levels, seed, the test set's
/// fingerprint and the reference model's fingerprint. Two keys are equal when their
/// <see cref="CanonicalText"/> is.
/// </summary>
internal sealed class SuiteKey : IEquatable<SuiteKey>
{
    /// <summary>Creates a key.</summary>
    /// <param name="kind">The suite kind.</param>
    /// <param name="levels">The levels (validated; the clean suite's is [0]).</param>
    /// <param name="seed">The Gaussian noise seed; null for clean and FGSM.</param>
    /// <param name="testSetFingerprint">The test set's <see cref="Models.DataFingerprint"/>.</param>
    /// <param name="referenceModelKey">The reference model's <see cref="ReferenceModelFingerprint.Key"/> (FGSM, PGD); null for the others.</param>
    /// <param name="settings">Generator settings that change the images (PGD: <see cref="SuiteGenerator.KeySettings"/>); null for the others.</param>
    public SuiteKey(BenchmarkKind kind, IReadOnlyList<double> levels, ulong? seed, string testSetFingerprint, string? referenceModelKey, string? settings = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(testSetFingerprint);
        Kind = kind;
        Levels = Array.AsReadOnly(BenchmarkLevels.Validate(levels));
        Seed = seed;
        TestSetFingerprint = testSetFingerprint;
        ReferenceModelKey = referenceModelKey;
        CanonicalText = string.Create(CultureInfo.InvariantCulture,
            $"kind={kind.ToName()};levels={string.Join(',', Levels.Select(l => l.ToString("R", CultureInfo.InvariantCulture)))};seed={(seed is null ? "-" : seed.Value.ToString(CultureInfo.InvariantCulture))};test={testSetFingerprint};reference={referenceModelKey ?? "-"}{(settings is null ? "" : ";settings=" + settings)}");
        Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalText)));
    }

    /// <summary>The suite kind.</summary>
    public BenchmarkKind Kind { get; }

    /// <summary>The levels.</summary>
    public IReadOnlyList<double> Levels { get; }

    /// <summary>The Gaussian noise seed, or null.</summary>
    public ulong? Seed { get; }

    /// <summary>The test set's fingerprint.</summary>
    public string TestSetFingerprint { get; }

    /// <summary>The reference model's key, or null.</summary>
    public string? ReferenceModelKey { get; }

    /// <summary>The key as one line: <c>kind=...;levels=...;seed=...;test=...;reference=...</c>, then <c>;settings=...</c> when there are settings.</summary>
    public string CanonicalText { get; }

    /// <summary>Lower-case hex SHA-256 of <see cref="CanonicalText"/> (UTF-8).</summary>
    public string Hash { get; }

    /// <summary>The cache folder name: <c>{kind}-{first 24 hex digits of Hash}</c>.</summary>
    public string FolderName => $"{Kind.ToName()}-{Hash[..24]}";

    /// <inheritdoc />
    public bool Equals(SuiteKey? other) => other is not null && CanonicalText == other.CanonicalText;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SuiteKey);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(CanonicalText);

    /// <inheritdoc />
    public override string ToString() => CanonicalText;
}
