using System.CommandLine;
using System.Globalization;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Statistics;

namespace Robustness.Cli;

/// <summary>
/// <c>robustness study analyze --rq N --store FILE [--study NAME] [--p exact|t|auto] [--json]</c>: the paper's table of one
/// research question (docs/evaluation.md, "Analysis") from the rows of a result store.
/// </summary>
internal static class StudyAnalyzeCommand
{
    /// <summary>Creates the <c>analyze</c> command (a subcommand of <c>study</c>).</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var rq = CliOptions.ResearchQuestion();
        var store = new Option<string>("--store") { Description = "The result store written by 'study run' (an SQLite file, or postgresql://user@host:port/database).", Required = true };
        var study = new Option<string?>("--study") { Description = "The study's name (needed when the store holds several studies of the question)." };
        var json = new Option<bool>("--json") { Description = "Print the table as one JSON object (NaN and infinities as null)." };
        var pValues = CliOptions.PValues();
        var analyze = new Command("analyze", "Print a research question's table (Spearman/Pearson r and p, mean and variance; RQ2 by segments; multiple R for RQ5/RQ6) from a result store, opened read-only. Example: robustness study analyze --rq 2 --store rq2.db --p exact")
        {
            rq, store, study, pValues, json,
        };
        analyze.SetAction(parsed => context.Execute(parsed, () =>
        {
            StudyTable table = Analyze(parsed.GetValue(store)!, (ResearchQuestion)parsed.GetValue(rq), parsed.GetValue(study), CliOptions.ReadPValues(parsed.GetValue(pValues)));
            context.Output.Write(parsed.GetValue(json) ? StudyTableWriter.ToJson(table) + Environment.NewLine : StudyTableWriter.ToText(table));
            return RobustnessCli.Success;
        }));
        return analyze;
    }

    /// <summary>Reads the rows of one study of <paramref name="question"/> from the store and analyses them (Spearman p by <paramref name="pValues"/>).</summary>
    internal static StudyTable Analyze(string storePath, ResearchQuestion question, string? studyName, PValueRule pValues = PValueRule.Auto)
    {
        using var results = ResultStores.OpenReadOnly(storePath);
        var analyzer = new StudyAnalyzer(new CorrelationAnalyzer(), new StudyAnalysisOptions(PValues: pValues));
        return CliOptions.WithPValues(pValues, () => analyzer.Analyze(results, question, studyName));
    }
}
