using System.CommandLine;

namespace Robustness.Cli;

/// <summary>
/// The <c>robustness</c> command line. <see cref="Run"/> is the whole program, callable in-process
/// by tests with their own writers. Exit codes: 0 success, 1 a failure in the work (bad or missing
/// file, impossible request), 2 a bad command line.
/// </summary>
internal static class RobustnessCli
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var context = new CliContext(output, error);
        RootCommand root = Build(context);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            string command = string.Join(' ', CommandPath(parsed.CommandResult.Command));
            error.WriteLine($"robustness: {OptionRules.Describe(parsed)} (see '{command} --help')");
            return UsageError;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
#pragma warning disable CA1031 // the last line of defence: a bug still gives one line, the trace only with --verbose
        catch (Exception e)
#pragma warning restore CA1031
        {
            error.WriteLine($"robustness: unexpected {e.GetType().Name}: {CliContext.OneLine(e.Message)} (rerun with --verbose for the stack trace)");
            if (parsed.GetValue(CliContext.VerboseOption))
            {
                error.WriteLine(e.ToString());
            }

            return Failure;
        }
    }

    internal static RootCommand Build(CliContext context)
    {
        var root = new RootCommand(
            "Robustness: how perturbations of the training data (Gaussian noise, FGSM, class imbalance, label errors) shape the robustness of neural networks.");
        root.Options.Add(CliContext.VerboseOption);
        root.Subcommands.Add(DataCommands.Create(context));
        root.Subcommands.Add(StatsCommands.Create(context));
        root.Subcommands.Add(BenchCommands.Create(context));
        root.Subcommands.Add(StudyCommands.Create(context));
        root.Subcommands.Add(ModelCommands.Create(context));
        root.Subcommands.Add(QuickstartCommand.Create(context));
        root.Subcommands.Add(ReproduceCommand.Create(context));
        root.Subcommands.Add(DoctorCommand.Create(context));
        return OptionRules.Apply(HelpConventions.Apply(root));
    }

    private static IEnumerable<string> CommandPath(Command command)
    {
        var names = new Stack<string>();
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Push(c is RootCommand ? "robustness" : c.Name);
        }

        return names;
    }
}
