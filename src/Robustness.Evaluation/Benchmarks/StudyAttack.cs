using System.Globalization;

namespace Robustness.Evaluation.Benchmarks;

/// <summary>
/// One attack column of a study beyond the paper's MNIST-A: <c>fgsm</c>, <c>pgd</c> or <c>minimal</c>, white-box
/// (against each evaluated model, the default) or transferred from the architecture's clean model
/// (<c>fgsm-transfer</c>, <c>pgd-transfer</c>; the minimal-distance attack is white-box only).
/// </summary>
/// <param name="Attack">The attack's name.</param>
/// <param name="WhiteBox">True for white-box, false for transfer from the clean model.</param>
public sealed record StudyAttack(string Attack, bool WhiteBox)
{
    /// <summary>The attacks a study can evaluate with.</summary>
    public static IReadOnlyList<string> KnownAttacks { get; } = ["fgsm", "pgd", "minimal"];

    /// <summary>The column key: <c>pgd</c>, <c>pgd-transfer</c>, ... (as in <see cref="Results.AttackScore.Key"/>).</summary>
    public string Key => WhiteBox ? Attack : Attack + "-transfer";

    /// <summary>The name in tables and figures: <c>FGSM</c>, <c>PGD</c> or <c>minimal</c>, with <c>(transfer)</c> when transferred.</summary>
    public string DisplayName => DisplayNameOf(Key);

    /// <summary>The display name of a column key.</summary>
    /// <param name="key">The key (e.g. <c>pgd-transfer</c>).</param>
    /// <returns>The name (e.g. <c>PGD (transfer)</c>).</returns>
    public static string DisplayNameOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        bool transfer = key.EndsWith("-transfer", StringComparison.Ordinal);
        string attack = transfer ? key[..^"-transfer".Length] : key;
        string name = attack switch
        {
            "fgsm" => "FGSM",
            "pgd" => "PGD",
            "minimal" => "minimal-l2",
            _ => attack,
        };
        return transfer ? name + " (transfer)" : name;
    }

    /// <summary>Parses one column: <c>fgsm</c>, <c>pgd</c>, <c>minimal</c>, <c>fgsm-transfer</c> or <c>pgd-transfer</c> (case-insensitive).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The column.</returns>
    /// <exception cref="ArgumentException">Another name.</exception>
    public static StudyAttack Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        bool transfer = t.EndsWith("-transfer", StringComparison.Ordinal);
        string attack = transfer ? t[..^"-transfer".Length] : t;
        if (!KnownAttacks.Contains(attack))
        {
            throw new ArgumentException($"Attack '{text}' is not one of fgsm, pgd, minimal, fgsm-transfer, pgd-transfer.", nameof(text));
        }

        if (transfer && attack == "minimal")
        {
            throw new ArgumentException("Attack 'minimal-transfer' does not exist: the minimal-distance attack is white-box only.", nameof(text));
        }

        return new StudyAttack(attack, !transfer);
    }

    /// <summary>Parses a comma-separated list (each column once).</summary>
    /// <param name="text">E.g. <c>fgsm,pgd,minimal</c>.</param>
    /// <returns>The columns, in order.</returns>
    /// <exception cref="ArgumentException">An unknown or repeated column, or an empty list.</exception>
    public static IReadOnlyList<StudyAttack> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || parts.Any(p => p.Length == 0))
        {
            throw new ArgumentException($"The attack list '{text}' has an empty entry; give e.g. fgsm,pgd,minimal.", nameof(text));
        }

        var attacks = parts.Select(Parse).ToList();
        var repeated = attacks.GroupBy(a => a.Key).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The attack list '{text}' names {repeated.Key} twice."), nameof(text));
        }

        return attacks;
    }
}
