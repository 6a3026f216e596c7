using System.Globalization;
using System.Text.Json;
using Robustness.IO;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robustness.Data;
using Robustness.Evaluation.Benchmarks;
using Robustness.Evaluation.Results;
using Robustness.Models;
using Robustness.Perturbations;

namespace Robustness.Evaluation.Runner;

/// <summary>The attack columns of a study (<c>study run --attacks</c>, docs/attacks.md): their checks, their suites per architecture and their scores per run.</summary>
public sealed partial class StudyRunner
{
    private static List<StudyAttack> CheckAttacks(StudyRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.Attacks);
        if (options.TrainingAttack is not ("fgsm" or "pgd"))
        {
            throw new ArgumentException($"The training attack '{options.TrainingAttack}' is not one of fgsm, pgd.", nameof(options));
        }

        var attacks = options.Attacks.ToList();
        var repeated = attacks.GroupBy(a => a.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw new ArgumentException($"The attack column {repeated.Key} is asked for twice.", nameof(options));
        }

        foreach (var a in attacks)
        {
            _ = StudyAttack.Parse(a.Key); // the same rules as the CLI's list
        }

        options.Pgd?.Validate();
        return attacks;
    }

    /// <summary>
    /// The suites of the attack columns; the paper's MNIST-A suite serves its own mode's FGSM column (null entry), and
    /// that column is listed even when not asked for, so that every row with attacks can be checked for gradient masking.
    /// </summary>
    private static List<(StudyAttack Attack, IRobustnessBenchmark? Suite)> AttackSuites(IReadOnlyList<StudyAttack> attacks, bool whiteBoxFgsm, BenchmarkBuilder builder,
        SuiteCache cache, ImageSet test, ImageClassifier cleanModel, ReferenceModelFingerprint reference, IReadOnlyList<double> levels, CancellationToken cancellationToken)
    {
        var suites = new List<(StudyAttack, IRobustnessBenchmark?)>();
        if (attacks.Count == 0)
        {
            return suites;
        }

        var mnistA = new StudyAttack("fgsm", whiteBoxFgsm);
        foreach (var attack in attacks.Contains(mnistA) ? attacks : [.. attacks, mnistA])
        {
            IRobustnessBenchmark? suite = attack switch
            {
                _ when attack == mnistA => null,
                { Attack: "fgsm", WhiteBox: true } => builder.CreateWhiteBoxFgsm(test, levels),
                { Attack: "fgsm", WhiteBox: false } => cache.GetOrBuildFgsm(builder, test, cleanModel, reference, levels, null, cancellationToken),
                { Attack: "pgd", WhiteBox: true } => builder.CreateWhiteBoxPgd(test, levels),
                { Attack: "pgd", WhiteBox: false } => cache.GetOrBuildPgd(builder, test, cleanModel, reference, levels, null, cancellationToken),
                { Attack: "minimal" } => builder.CreateMinimal(test, levels),
                _ => throw new ArgumentException($"Unknown attack column {attack.Key}."),
            };
            suites.Add((attack, suite));
        }

        return suites;
    }

    private static AttackScore[] ScoreAttacks(IReadOnlyList<(StudyAttack Attack, IRobustnessBenchmark? Suite)> suites, bool whiteBoxFgsm, BenchmarkResult mnistA, ImageClassifier model, CancellationToken cancellationToken)
    {
        var scores = new AttackScore[suites.Count];
        for (int i = 0; i < suites.Count; i++)
        {
            var (attack, suite) = suites[i];
            var result = suite is null ? mnistA : suite.Score(model, cancellationToken);
            scores[i] = new AttackScore(attack.Attack, suite is null ? whiteBoxFgsm : attack.WhiteBox, [.. result.Levels.Select(l => l.Accuracy)], result.MeanAccuracy, result.MedianMinimalDistance);
        }

        return scores;
    }
}
