using System.CommandLine;

namespace Robustness.Cli;

/// <summary>
/// What every command needs: where to write, and one place that turns failures into the
/// one-line error the CLI promises (a stack trace only with --verbose).
/// </summary>
internal sealed class CliContext(TextWriter output, TextWriter error)
{
    /// <summary>Shows stack traces and debug logging.</summary>
    public static readonly Option<bool> VerboseOption = new("--verbose")
    {
        Description = "Show details: the library's information and debug log lines, and stack traces when something fails.",
        Recursive = true,
    };

    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>Whether the running command was given --verbose (set by <see cref="Execute"/>).</summary>
    public bool Verbose { get; private set; }

    /// <summary>
    /// Runs a command body. Expected failures (bad input, missing or corrupt files, impossible
    /// requests, cancellation) print one line on stderr and return <see cref="RobustnessCli.Failure"/>.
    /// </summary>
    public int Execute(ParseResult parsed, Func<int> body)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(body);
        Verbose = parsed.GetValue(VerboseOption);
        try
        {
            return body();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or InvalidOperationException
            or OperationCanceledException or NotSupportedException or FormatException or HttpRequestException
            or Robustness.Data.Sources.DatasetNotAvailableException or Robustness.Data.Sources.MnistDownloadException)
        {
            // FileNotFoundException and DirectoryNotFoundException are IOExceptions; InvalidDataException is not.
            // An ArgumentException's message ends in " (Parameter 'name')", .NET's wording for a programmer, not for a user.
            string message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
            Error.WriteLine($"robustness: {OneLine(message)}");
            if (parsed.GetValue(VerboseOption))
            {
                Error.WriteLine(e.ToString());
            }

            return RobustnessCli.Failure;
        }
    }

    /// <summary>Folds a message onto one line (System.CommandLine lists allowed values on separate lines).</summary>
    public static string OneLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return string.Join(' ', message.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
    }
}
