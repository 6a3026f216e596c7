using System.Globalization;
using Robustness.Evaluation.Results;

namespace Robustness.Evaluation.Analysis;

/// <summary>The known signs of gradient masking that <see cref="GradientMaskingCheck"/> looks for (docs/gradient-masking.md).</summary>
public enum MaskingSign
{
    /// <summary>An iterative attack (white-box PGD) leaves a higher accuracy than the single-step one (white-box FGSM) at some level.</summary>
    IterativeWeakerThanSingleStep = 0,

    /// <summary>A transfer attack (images made against the clean model) is stronger than the same attack white-box at some level.</summary>
    TransferStrongerThanWhiteBox = 1,

    /// <summary>The strongest white-box attack still leaves more than a set accuracy at the largest level: accuracy does not fall towards zero.</summary>
    NoFallTowardsZero = 2,
}

/// <summary>One sign of gradient masking found for one model.</summary>
/// <param name="Sign">The sign.</param>
/// <param name="Level">The benchmark level where it shows (the first such level; the largest level for <see cref="MaskingSign.NoFallTowardsZero"/>).</param>
/// <param name="Detail">What was compared, e.g. <c>PGD 0.412 &gt; FGSM 0.385 at l2 2</c>.</param>
public sealed record MaskingFlag(MaskingSign Sign, double Level, string Detail)
{
    /// <summary>The sign's short code: <c>iterative-weaker</c>, <c>transfer-stronger</c> or <c>no-fall</c>.</summary>
    public string Code => GradientMaskingCheck.Code(Sign);
}

/// <summary>Thresholds of <see cref="GradientMaskingCheck"/>.</summary>
/// <param name="Tolerance">How much (accuracy, 0-1) one attack must beat another by before a comparison flags; default 0.01 (one point).</param>
/// <param name="ZeroAccuracy">The accuracy at the largest level above which "does not fall towards zero" flags; default 0.10.</param>
public sealed record GradientMaskingOptions(double Tolerance = 0.01, double ZeroAccuracy = 0.10);

/// <summary>
/// Checks one model's attack columns (<see cref="StudyRow.Attacks"/>) for the signs of gradient masking that Athalye,
/// Carlini and Wagner (2018, Sect. 3.1) and Carlini et al. (2019, "On evaluating adversarial robustness") list: an
/// iterative attack weaker than a single-step one, a transfer attack stronger than the white-box one, and accuracy
/// that does not fall towards zero as the perturbation grows. Each comparison needs both of its columns; a row
/// without them gets no flag of that kind (no flag is not proof of no masking).
/// </summary>
public static class GradientMaskingCheck
{
    /// <summary>The short code of a sign.</summary>
    /// <param name="sign">The sign.</param>
    /// <returns><c>iterative-weaker</c>, <c>transfer-stronger</c> or <c>no-fall</c>.</returns>
    public static string Code(MaskingSign sign) => sign switch
    {
        MaskingSign.IterativeWeakerThanSingleStep => "iterative-weaker",
        MaskingSign.TransferStrongerThanWhiteBox => "transfer-stronger",
        MaskingSign.NoFallTowardsZero => "no-fall",
        _ => throw new ArgumentOutOfRangeException(nameof(sign), sign, "expected a masking sign."),
    };

    /// <summary>All signs, in order.</summary>
    public static IReadOnlyList<MaskingSign> Signs { get; } =
        [MaskingSign.IterativeWeakerThanSingleStep, MaskingSign.TransferStrongerThanWhiteBox, MaskingSign.NoFallTowardsZero];

    /// <summary>The flags of one model.</summary>
    /// <param name="row">The model's row.</param>
    /// <param name="options">Thresholds; defaults when null.</param>
    /// <returns>The flags found (at most one per sign and attack pair), in <see cref="Signs"/> order.</returns>
    public static IReadOnlyList<MaskingFlag> Check(StudyRow row, GradientMaskingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(row);
        options ??= new GradientMaskingOptions();
        var levels = row.BenchmarkLevels;
        var flags = new List<MaskingFlag>();
        if (row.Attack("pgd") is { } pgd && row.Attack("fgsm") is { } fgsm
            && FirstLevel(levels, pgd.Accuracies, fgsm.Accuracies, options.Tolerance) is int l)
        {
            flags.Add(new MaskingFlag(MaskingSign.IterativeWeakerThanSingleStep, levels[l], Text($"PGD {pgd.Accuracies[l]:F3} > FGSM {fgsm.Accuracies[l]:F3} at l2 {levels[l]:0.###}")));
        }

        foreach (string attack in new[] { "fgsm", "pgd" })
        {
            if (row.Attack(attack) is { } white && row.Attack(attack + "-transfer") is { } transfer
                && FirstLevel(levels, white.Accuracies, transfer.Accuracies, options.Tolerance) is int t)
            {
                string name = attack.ToUpperInvariant();
                flags.Add(new MaskingFlag(MaskingSign.TransferStrongerThanWhiteBox, levels[t],
                    Text($"{name} transfer {transfer.Accuracies[t]:F3} < white-box {white.Accuracies[t]:F3} at l2 {levels[t]:0.###}")));
            }
        }

        var whiteBox = row.Attacks.Where(a => a.WhiteBox && a.Accuracies.Count == levels.Count && levels.Count > 0 && double.IsFinite(a.Accuracies[^1])).ToList();
        if (whiteBox.Count > 0)
        {
            var strongest = whiteBox.MinBy(a => a.Accuracies[^1])!;
            if (strongest.Accuracies[^1] > options.ZeroAccuracy)
            {
                flags.Add(new MaskingFlag(MaskingSign.NoFallTowardsZero, levels[^1],
                    Text($"the strongest white-box attack ({Benchmarks.StudyAttack.DisplayNameOf(strongest.Key)}) leaves {strongest.Accuracies[^1]:F3} at l2 {levels[^1]:0.###} (> {options.ZeroAccuracy:0.###})")));
            }
        }

        return flags;
    }

    /// <summary>The first level where <paramref name="higher"/> exceeds <paramref name="lower"/> by more than the tolerance.</summary>
    private static int? FirstLevel(IReadOnlyList<double> levels, IReadOnlyList<double> higher, IReadOnlyList<double> lower, double tolerance)
    {
        int n = Math.Min(levels.Count, Math.Min(higher.Count, lower.Count));
        for (int l = 0; l < n; l++)
        {
            if (double.IsFinite(higher[l]) && double.IsFinite(lower[l]) && higher[l] > lower[l] + tolerance)
            {
                return l;
            }
        }

        return null;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
