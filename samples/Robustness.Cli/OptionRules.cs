using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;
using Robustness.Models;

namespace Robustness.Cli;

/// <summary>
/// The one option-validation path (docs/reliability.md, "Limits"): the allowed values of every option, by name, applied
/// once to the whole command tree, and the wording of every usage error. A bad value is one line in our words that names
/// the option and what it accepts, exit 2, before anything runs or is written. An option with the same name means the
/// same thing, with the same limits, in every command.
/// </summary>
internal static partial class OptionRules
{
    /// <summary>The most images per class any option accepts.</summary>
    public const int MaxPerClass = 1_000_000;

    /// <summary>The most epochs per model.</summary>
    public const int MaxEpochs = 10_000;

    /// <summary>The most seeds (repetitions) per design point.</summary>
    public const int MaxSeeds = 1_000;

    /// <summary>The most pixels along one side of an image (model import).</summary>
    public const int MaxImageSide = 4_096;

    /// <summary>The rules by option name: each adds its validator to an option of that name.</summary>
    private static readonly Dictionary<string, Action<Option>> _byName = new(StringComparer.Ordinal)
    {
        ["--threads"] = o => Range(o, 1, CliOptions.MaxThreads, "the cores of this machine"),
        ["--seeds"] = o => Range(o, 1, MaxSeeds, "each seed is a full set of runs"),
        ["--max-epochs"] = o => Range(o, 1, MaxEpochs),
        ["--per-class"] = o => Range(o, 1, MaxPerClass),
        ["--train-per-class"] = o => Range(o, 1, MaxPerClass),
        ["--test-per-class"] = o => Range(o, 1, MaxPerClass),
        ["--images-per-class"] = o => Range(o, 1, MaxPerClass),
        ["--pgd-steps"] = o => Range(o, 1, null),
        ["--lease"] = o => Range(o, 1, 86_400, "a dead worker is replaced after at most one lease"),
        ["--height"] = o => Range(o, 1, MaxImageSide),
        ["--width"] = o => Range(o, 1, MaxImageSide),
        ["--classes"] = o => Range(o, 2, 256, "labels are bytes"),
        ["--pgd-step-scale"] = o => Text(o, t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && !(double.IsFinite(v) && v > 0)
            ? $"must be a finite number above 0, got {t}." : null),
        ["--levels"] = o => Text(o, CliOptions.LevelsProblem),
        ["--bench-levels"] = o => Text(o, CliOptions.LevelsProblem),
        ["--arch"] = o => Text(o, CliOptions.ArchitecturesProblem),
        ["--rq"] = o => Text(o, CliOptions.QuestionProblem),
        ["--attacks"] = o => Text(o, CliOptions.AttacksProblem),
        ["--device"] = o => Text(o, t => ComputeDevice.TryParse(t, out _) ? null : $"'{t}' is not one of auto, cpu, cuda, cuda:N (N >= 0)."),
        ["--mirror"] = o => Text(o, CliOptions.MirrorProblem),
    };

    /// <summary>Adds the rules to every option of <paramref name="root"/> and its subcommands.</summary>
    /// <param name="root">The root command.</param>
    /// <returns><paramref name="root"/>.</returns>
    public static RootCommand Apply(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        Visit(root);
        return root;
    }

    /// <summary>
    /// The usage error of a parse as one line in our words: the option and what it accepts for a value that does not
    /// parse or is not allowed, the list of commands for a missing or unknown command.
    /// </summary>
    /// <param name="parsed">A parse with at least one error.</param>
    /// <returns>The line, without the "robustness: " prefix and the help hint.</returns>
    public static string Describe(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        Command command = parsed.CommandResult.Command;
        if (command.Subcommands.Count > 0 && command.Action is null)
        {
            string commands = string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
            string path = command is RootCommand ? "" : $"'{command.Name}' ";
            return parsed.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-')) is { } unknown
                ? $"unknown {path}command '{unknown}'; the commands are: {commands}."
                : $"a {path}command is required: {commands}.";
        }

        ParseError error = parsed.Errors[0];
        Option? option = (error.SymbolResult as OptionResult)?.Option ?? (error.SymbolResult?.Parent as OptionResult)?.Option;
        string message = CliContext.OneLine(error.Message);
        if (CannotParse().Match(message) is { Success: true } cannot)
        {
            string name = option?.Name ?? cannot.Groups["option"].Value;
            return $"{name}: '{cannot.Groups["value"].Value}' is not {Kind(cannot.Groups["type"].Value)}.";
        }

        if (NotAmong().Match(message) is { Success: true } among && option is not null)
        {
            string allowed = string.Join(", ", Quoted().Matches(among.Groups["allowed"].Value).Select(m => m.Groups[1].Value));
            return $"{option.Name}: '{among.Groups["value"].Value}' is not one of {allowed}.";
        }

        if (Unrecognized().Match(message) is { Success: true } unrecognized)
        {
            string token = unrecognized.Groups["token"].Value;
            return token.StartsWith('-') ? $"unknown option '{token}'." : $"unexpected argument '{token}'.";
        }

        if (RequiredOption().Match(message) is { Success: true } required)
        {
            return $"{required.Groups["option"].Value} is required.";
        }

        return message;
    }

    private static void Visit(Command command)
    {
        foreach (var option in command.Options)
        {
            if (_byName.TryGetValue(option.Name, out var rule))
            {
                rule(option);
            }

            Type type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            if (type == typeof(string) || type == typeof(FileInfo) || type == typeof(DirectoryInfo))
            {
                // No option takes an empty value: '' for a file, folder or name is always a mistake ('--name ""' once became the paper study's name).
                Text(option, t => string.IsNullOrWhiteSpace(t) ? "must not be empty." : null);
            }
        }

        foreach (var sub in command.Subcommands)
        {
            Visit(sub);
        }
    }

    /// <summary>A whole-number option outside [<paramref name="min"/>, <paramref name="max"/>] is a usage error.</summary>
    /// <param name="option">The option.</param>
    /// <param name="min">The smallest value allowed.</param>
    /// <param name="max">The largest value allowed, or null for no limit beyond the type's.</param>
    /// <param name="why">Why the upper limit, for the message, or null.</param>
    private static void Range(Option option, long min, long? max, string? why = null) => option.Validators.Add(result =>
    {
        if (result.Tokens.Count == 1 && long.TryParse(result.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) && (value < min || value > max))
        {
            string allowed = max is null ? $"at least {min}" : $"{min} to {max}";
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be {allowed}{(why is null ? "" : " (" + why + ")")}, got {value}."));
        }
    });

    /// <summary>A value whose text <paramref name="problem"/> finds wrong is a usage error.</summary>
    private static void Text(Option option, Func<string, string?> problem) => option.Validators.Add(result =>
    {
        if (result.Errors.Any())
        {
            return;
        }

        foreach (var token in result.Tokens)
        {
            if (problem(token.Value) is { } message)
            {
                result.AddError(message.StartsWith("must ", StringComparison.Ordinal) ? $"{option.Name} {message}" : $"{option.Name}: {message}");
                return;
            }
        }
    });

    private static string Kind(string type) => type switch
    {
        "System.Int32" => "a whole number",
        "System.Int64" => "a whole number",
        "System.UInt64" => string.Create(CultureInfo.InvariantCulture, $"a whole number from 0 to {ulong.MaxValue}"),
        "System.Double" => "a number (e.g. 2.5)",
        "System.IO.FileInfo" => "a file path",
        "System.IO.DirectoryInfo" => "a folder path",
        _ => "a value of the expected kind",
    };

    [GeneratedRegex("^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']*)' as expected type '(?<type>[^']*)'")]
    private static partial Regex CannotParse();

    [GeneratedRegex("^Argument '(?<value>.*)' not recognized\\. Must be one of: ?(?<allowed>.*)$")]
    private static partial Regex NotAmong();

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex Quoted();

    [GeneratedRegex("^Unrecognized command or argument '(?<token>.*)'")]
    private static partial Regex Unrecognized();

    [GeneratedRegex("^Option '(?<option>[^']*)' is required")]
    private static partial Regex RequiredOption();
}
