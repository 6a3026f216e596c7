using Robustness.IO;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Statistics;

namespace Robustness.Cli.Reports;

/// <summary>What a report wrote: report.md, the CSV files and the figures (full paths).</summary>
internal sealed record ReportFiles(string Report, IReadOnlyList<string> Csv, IReadOnlyList<ReportFigure> Figures, StudyTable Table);

/// <summary>
/// A study's report: the table from the store (opened read-only, once), the figures (ScottPlot, the only part that needs
/// the CLI's packages), then report.md and the CSV files by the library's <see cref="StudyReportWriter"/> (docs/reports.md).
/// </summary>
internal static class StudyReport
{
    public const string FigureFolder = StudyReportWriter.FigureFolder;

    /// <summary>Writes the report of RQ <paramref name="question"/> (study <paramref name="studyName"/>, optional) from the store.</summary>
    /// <param name="storePath">The result store.</param>
    /// <param name="question">The research question.</param>
    /// <param name="studyName">The study, needed when the store holds several of the question.</param>
    /// <param name="outDir">The report folder (created when absent).</param>
    /// <param name="preface">Markdown placed after the title (the quickstart's data note), or null.</param>
    /// <param name="extraFigures">Draws more figures into the figure folder it is given and returns them (the quickstart's sample grid), or null.</param>
    /// <param name="pValues">The p-value rule of the Spearman correlations (<c>--p</c>).</param>
    /// <remarks>
    /// The report is built in a hidden folder beside <paramref name="outDir"/> and published as one set (report.md, the CSV
    /// files and figures/ together; <c>AtomicFile.ReplaceEntries</c>): a failure (a full disk, say) leaves the previous
    /// report as it was, and a report folder never holds files of two reports. Other files in the folder are left alone.
    /// </remarks>
    public static ReportFiles Write(string storePath, ResearchQuestion question, string? studyName, string outDir, string? preface = null,
        Func<string, IReadOnlyList<ReportFigure>>? extraFigures = null, PValueRule pValues = PValueRule.Auto)
    {
        using var results = ResultStores.OpenReadOnly(storePath);
        var analyzer = new StudyAnalyzer(new CorrelationAnalyzer(), new StudyAnalysisOptions(PValues: pValues));
        StudyTable table = CliOptions.WithPValues(pValues, () => analyzer.Analyze(results, question, studyName));
        var rows = results.Rows(table.Study);
        string folder = Path.GetFullPath(outDir);
        if (File.Exists(folder))
        {
            throw new IOException($"{folder}: expected a folder for the report, found a file.");
        }

        string staging = AtomicFile.TemporaryFolderFor(folder);
        try
        {
            string figureFolder = Path.Combine(staging, FigureFolder);
            var figures = StudyFigureModels.For(table, rows).Select(f => StudyFigures.Render(f, figureFolder, FigureFolder)).ToList();
            if (extraFigures is not null)
            {
                figures.AddRange(extraFigures(figureFolder));
            }

            var written = StudyReportWriter.Write(results, table, staging, figures, preface);
            AtomicFile.ReplaceEntries(staging, folder, [.. written.Select(Path.GetFileName).OfType<string>(), FigureFolder]);
            return new ReportFiles(Path.Combine(folder, "report.md"), [.. written.Skip(1).Select(w => Path.Combine(folder, Path.GetFileName(w)))], figures, table);
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            throw;
        }
    }

    /// <summary>r, R and other coefficients as the report prints them.</summary>
    internal static string F4(double v) => StudyReportWriter.F4(v);

    /// <summary>F and variances as the report prints them.</summary>
    internal static string S4(double v) => StudyReportWriter.S4(v);
}
