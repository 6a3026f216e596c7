using System.CommandLine;
using System.Globalization;
using Microsoft.Data.Sqlite;
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
        var store = new Option<string>("--store") { Description = "The SQLite result store written by 'study run'.", Required = true };
        var study = new Option<string?>("--study") { Description = "The study's name (needed when the store holds several studies of the question)." };
        var json = new Option<bool>("--json") { Description = "Print the table as one JSON object (NaN and infinities as null)." };
        var pValues = CliOptions.PValues();
        var analyze = new Command("analyze", "Print a research question's table (Spearman/Pearson r and p, mean and variance; RQ2 by segments; multiple R for RQ5/RQ6) from a result store.")
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
        string path = Path.GetFullPath(storePath);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such result store.", path);
        }

        EnsureStudyStore(path);
        List<StudyRow> rows;
        using (var results = SqliteResultStore.Open(path))
        {
            rows = [.. results.Rows(studyName).Where(r => r.Question == question)];
            if (rows.Count == 0)
            {
                var present = results.Rows().Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Study} (RQ{(int)r.Question})")).Distinct().Order(StringComparer.Ordinal).ToList();
                string what = studyName is null
                    ? string.Create(CultureInfo.InvariantCulture, $"no rows of RQ{(int)question}")
                    : string.Create(CultureInfo.InvariantCulture, $"no rows of RQ{(int)question} in study '{studyName}'");
                throw new InvalidDataException($"{path}: {what}; the store holds {(present.Count == 0 ? "no rows" : string.Join(", ", present))}.");
            }
        }

        var studies = rows.Select(r => r.Study).Distinct().Order(StringComparer.Ordinal).ToList();
        if (studies.Count > 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{path} holds {studies.Count} studies of RQ{(int)question} ({string.Join(", ", studies)}); choose one with --study."));
        }

        var analyzer = new StudyAnalyzer(new CorrelationAnalyzer(), new StudyAnalysisOptions(PValues: pValues));
        return CliOptions.WithPValues(pValues, () => analyzer.Analyze(rows));
    }

    /// <summary>Checks, read-only, that the file is a SQLite database with the result store's row table (so that analysing never adds tables to another database).</summary>
    private static void EnsureStudyStore(string path)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        try
        {
            using var connection = new SqliteConnection(builder.ToString());
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('rows', 'studies');";
            long tables = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (tables != 2)
            {
                throw new InvalidDataException($"{path}: expected a study result store (tables 'rows' and 'studies'), found a SQLite database without them.");
            }
        }
        catch (SqliteException e)
        {
            throw new InvalidDataException($"{path}: expected a study result store (SQLite), found a file SQLite cannot read: {e.Message}", e);
        }
    }
}
