using System.CommandLine;

namespace Robustness.Cli;

/// <summary>
/// The help conventions of every command, applied once to the whole tree (docs/architecture.md, "CLI help"): a value placeholder says what
/// kind of value an option takes - FILE, DIR, N (a whole number), X (a number), LIST (comma-separated or a range
/// start:stop:step), NAME, COLUMN, DEVICE, URL - instead of repeating the option's name; options with a fixed set of values
/// show the set. Defaults read <c>[default: ...]</c> at the end of the description: System.CommandLine writes it for an
/// option with a default value, the description says it (in the same form) where the default depends on other options.
/// </summary>
internal static class HelpConventions
{
    private static readonly Dictionary<string, string> _byName = new(StringComparer.Ordinal)
    {
        ["--store"] = "FILE",
        ["--checkpoint"] = "FILE",
        ["--reference-checkpoint"] = "FILE",
        ["--state-dict"] = "FILE",
        ["--x"] = "LIST",
        ["--y"] = "COLUMN",
        ["--csv"] = "FILE",
        ["--data"] = "DIR",
        ["--work"] = "DIR",
        ["--to"] = "DIR",
        ["--npm"] = "FILE",
        ["--device"] = "DEVICE",
        ["--name"] = "NAME",
        ["--study"] = "NAME",
        ["--arch"] = "LIST",
        ["--levels"] = "LIST",
        ["--bench-levels"] = "LIST",
        ["--attacks"] = "LIST",
        ["--mirror"] = "URL",
    };

    /// <summary>Gives every option of <paramref name="root"/> and its subcommands without a placeholder the one of its kind.</summary>
    /// <param name="root">The root command.</param>
    /// <returns><paramref name="root"/>.</returns>
    public static RootCommand Apply(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        Visit(root);
        return root;
    }

    private static void Visit(Command command)
    {
        foreach (var option in command.Options)
        {
            if (option.HelpName is not null || option.ValueType == typeof(bool))
            {
                continue;
            }

            Type type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            option.HelpName = _byName.TryGetValue(option.Name, out string? name) ? name
                : option.Name == "--out" ? (command.Name is "export" or "import" ? "FILE" : "DIR")
                : type == typeof(int) || type == typeof(ulong) || type == typeof(long) ? "N"
                : type == typeof(double) ? "X"
                : type == typeof(string[]) ? "LIST"
                : null;
        }

        foreach (var sub in command.Subcommands)
        {
            Visit(sub);
        }
    }
}
