using System.CommandLine;
using System.Globalization;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Runner;

namespace Robustness.Cli;

/// <summary>Options that several commands share, defined once so that they read and check alike.</summary>
internal static class CliOptions
{
    /// <summary>The known question numbers: "1 to 6" when they run without a gap, else a list.</summary>
    public static string QuestionNumbers()
    {
        int[] ids = [.. StudyQuestion.All.Select(q => (int)q.Id)];
        return ids.Length > 1 && ids[^1] - ids[0] == ids.Length - 1
            ? string.Create(CultureInfo.InvariantCulture, $"{ids[0]} to {ids[^1]}")
            : "one of " + string.Join(", ", ids);
    }

    /// <summary><c>--rq N</c>, required; its limits are in <see cref="OptionRules"/>.</summary>
    public static Option<int> ResearchQuestion()
    {
        var rq = new Option<int>("--rq")
        {
            Description = "The research question: " + string.Join(", ", StudyQuestion.All.Select(q => string.Create(CultureInfo.InvariantCulture, $"{(int)q.Id} {q.Title}"))) + ".",
            Required = true,
            HelpName = "N",
        };
        return rq;
    }

    /// <summary>The values of <c>--p</c>.</summary>
    private static readonly string[] _pValueRules = ["auto", "exact", "t"];

    /// <summary>
    /// <c>--p exact|t|auto</c> (default auto): the p-value rule of Spearman and Kendall (<see cref="Statistics.PValueRule"/>);
    /// any other value is a usage error (exit 2).
    /// </summary>
    public static Option<string> PValues()
    {
        var option = new Option<string>("--p")
        {
            Description = "p-value of Spearman (and Kendall): auto = exact permutation p for n <= 10 without ties (Kendall: SciPy's rule), else the approximation; exact = always exact (Spearman n <= 10); t = SciPy's t approximation (Kendall: normal). Pearson's p is always t.",
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong(_pValueRules);
        return option;
    }

    /// <summary>Maps a value of <c>--p</c> to its rule: <c>exact</c> to Exact, <c>t</c> to Asymptotic, anything else (auto) to Auto.</summary>
    public static Statistics.PValueRule ReadPValues(string? value) => value switch
    {
        "exact" => Statistics.PValueRule.Exact,
        "t" => Statistics.PValueRule.Asymptotic,
        _ => Statistics.PValueRule.Auto,
    };

    /// <summary>
    /// Runs an analysis under <c>--p exact</c>, turning the library's refusal (too many points, ties for Kendall) into a
    /// message that names the option and its alternatives.
    /// </summary>
    public static T WithPValues<T>(Statistics.PValueRule rule, Func<T> analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        try
        {
            return analysis();
        }
        catch (ArgumentException e) when (rule == Statistics.PValueRule.Exact && e.ParamName is "rule" or "x" or "y")
        {
            string reason = CliContext.OneLine(e.Message.Split(" (Parameter", 2)[0]);
            reason = reason.Replace(" Use the Auto or Asymptotic rule.", "", StringComparison.Ordinal);
            throw new ArgumentException($"--p exact: {reason} Use --p auto or --p t.", e);
        }
    }

    /// <summary><c>--attacks LIST</c>: attack columns beyond MNIST-A; its rule is in <see cref="OptionRules"/>.</summary>
    public static Option<string?> Attacks()
    {
        var attacks = new Option<string?>("--attacks")
        {
            Description = "Attack columns beyond MNIST-A, comma-separated: fgsm, pgd, minimal (white-box against each model), fgsm-transfer, pgd-transfer (from the clean model). Example: fgsm,pgd,minimal [default: none].",
        };
        return attacks;
    }

    /// <summary><c>--shard K/N</c>: every N-th run of each design, checked when parsed.</summary>
    /// <param name="description">The help text (it says where the shards' stores go).</param>
    /// <returns>The option.</returns>
    public static Option<string?> Shard(string description)
    {
        var shard = new Option<string?>("--shard") { Description = description, HelpName = "K/N" };
        shard.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1)
            {
                try
                {
                    _ = StudyShard.Parse(result.Tokens[0].Value);
                }
                catch (FormatException e)
                {
                    result.AddError("--shard: " + e.Message);
                }
            }
        });
        return shard;
    }

    /// <summary>The problem with a mirror URL (<c>--mirror</c>: an absolute http or https URL), or null.</summary>
    public static string? MirrorProblem(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? null
            : $"'{text}' is not an absolute http(s) URL.";

    /// <summary>The mirrors of <c>--mirror</c> (checked by <see cref="OptionRules"/>), or null when none were given.</summary>
    public static IReadOnlyList<Uri>? Mirrors(string[]? texts) =>
        texts is { Length: > 0 } ? [.. texts.Select(t => MirrorProblem(t) is null ? new Uri(t) : throw new ArgumentException($"--mirror: {MirrorProblem(t)}"))] : null;

    /// <summary>The most CPU threads a command accepts: the machine's cores (more only stall; docs/reliability.md).</summary>
    public static int MaxThreads => Environment.ProcessorCount;

    /// <summary>The default thread count: 2, or the core count on a one-core machine.</summary>
    public static int DefaultThreads => Math.Min(2, MaxThreads);

    /// <summary>The problem with a list of levels (the syntax and rules of <see cref="Evaluation.Benchmarks.BenchmarkLevels.Parse"/>), or null.</summary>
    public static string? LevelsProblem(string text)
    {
        try
        {
            _ = Evaluation.Benchmarks.BenchmarkLevels.Parse(text);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return e.Message.Split(" (Parameter", 2)[0];
        }
    }

    /// <summary>The problem with an architecture list (names of the built-in architectures, each once), or null.</summary>
    public static string? ArchitecturesProblem(string text)
    {
        string[] names = text.Split(',', StringSplitOptions.TrimEntries);
        string[] known = [Models.ModelFactory.LeNet5, Models.ModelFactory.AlexNet8];
        if (names.Any(n => n.Length == 0))
        {
            return $"an empty name in '{text}'; give names separated by commas, e.g. lenet5,alexnet8.";
        }

        if (names.FirstOrDefault(n => !known.Contains(n, StringComparer.Ordinal)) is { } unknown)
        {
            return $"unknown architecture '{unknown}'; known: {string.Join(", ", known)}.";
        }

        return names.Distinct(StringComparer.Ordinal).Count() == names.Length ? null : $"an architecture is named twice in '{text}'.";
    }

    /// <summary>The PGD options shared by <c>bench build</c> and <c>study run</c>: steps, step scale, random start and its seed.</summary>
    public static PgdCliOptions Pgd() => new();

    /// <summary><c>--pgd-steps N</c>, <c>--pgd-step-scale X</c>, <c>--pgd-random-start</c>; their limits are in <see cref="OptionRules"/>.</summary>
    internal sealed class PgdCliOptions
    {
        public Option<int> Steps { get; } = new("--pgd-steps") { Description = "PGD steps per image and level.", DefaultValueFactory = _ => Models.PgdOptions.DefaultSteps };

        public Option<double> StepScale { get; } = new("--pgd-step-scale") { Description = "PGD step size as a multiple of level / steps.", DefaultValueFactory = _ => Models.PgdOptions.DefaultStepScale };

        public Option<bool> RandomStart { get; } = new("--pgd-random-start") { Description = "Start PGD at a seeded random point of the l2 ball (seed: --seed) instead of at the image." };

        public IEnumerable<Option> All => [Steps, StepScale, RandomStart];

        public Models.PgdOptions Read(ParseResult parsed, ulong seed, int batchSize) => new()
        {
            Steps = parsed.GetValue(Steps),
            StepScale = parsed.GetValue(StepScale),
            RandomStart = parsed.GetValue(RandomStart),
            Seed = seed,
            BatchSize = batchSize,
        };
    }

    /// <summary>The problem with an attack list (<see cref="Evaluation.Benchmarks.StudyAttack.ParseList"/>), or null.</summary>
    public static string? AttacksProblem(string text)
    {
        try
        {
            _ = Evaluation.Benchmarks.StudyAttack.ParseList(text);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message.Split(" (Parameter", 2)[0];
        }
    }

    /// <summary>The problem with a research-question number, or null (a token that is no integer is the parser's to report).</summary>
    public static string? QuestionProblem(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && !StudyQuestion.Exists((Robustness.Evaluation.Designs.ResearchQuestion)value)
            ? string.Create(CultureInfo.InvariantCulture, $"must be {QuestionNumbers()}, got {value}.")
            : null;
}
