using System.CommandLine;
using System.Globalization;

namespace Robustness.Cli;

/// <summary>Options that several commands share, defined once so that they read and check alike.</summary>
internal static class CliOptions
{
    /// <summary><c>--rq N</c>, required, 1 to 6; a value out of range is a usage error (exit 2).</summary>
    public static Option<int> ResearchQuestion()
    {
        var rq = new Option<int>("--rq") { Description = "The research question, 1 to 6.", Required = true };
        rq.Validators.Add(result =>
        {
            // GetValueOrDefault would throw on a token that is no integer; the parser reports that one itself.
            if (result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
                && value is < 1 or > 6)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"--rq must be 1 to 6, got {value}."));
            }
        });
        return rq;
    }
}
