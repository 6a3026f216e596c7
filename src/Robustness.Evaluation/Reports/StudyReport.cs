using System.Globalization;
using Robustness.Data;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Benchmarks;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.IO;
using Robustness.Statistics;

namespace Robustness.Evaluation.Reports;

/// <summary>What a report wrote: report.md, the CSV files and the figures (full paths), and the table they show.</summary>
/// <param name="Report">The full path of report.md.</param>
/// <param name="Csv">The full paths of the CSV files.</param>
/// <param name="Figures">The figures (PNG and SVG paths, captions), in the order report.md shows them.</param>
/// <param name="Table">The analysis the report shows.</param>
public sealed record ReportFiles(string Report, IReadOnlyList<string> Csv, IReadOnlyList<ReportFigure> Figures, StudyTable Table);

/// <summary>How <see cref="StudyReport.Write(IResultStore, ResearchQuestion, string, StudyReportOptions?)"/> writes a report.</summary>
public sealed record StudyReportOptions
{
    /// <summary>The study; needed only when the store holds several studies of the question.</summary>
    public string? Study { get; init; }

    /// <summary>Markdown placed after the report's title (a note on the data, say), or null.</summary>
    public string? Preface { get; init; }

    /// <summary>The p-value rule of the Spearman (and Kendall) correlations; default <see cref="PValueRule.Auto"/>.</summary>
    public PValueRule PValues { get; init; } = PValueRule.Auto;

    /// <summary>
    /// Suite folders (<see cref="Runner.StudyRunSummary.SuiteFolders"/>) to draw a grid of sample images from: clean, and
    /// Gaussian and FGSM at three levels each; none by default.
    /// </summary>
    public IReadOnlyList<string> SampleSuites { get; init; } = [];

    /// <summary>The title of the sample grid.</summary>
    public string SampleTitle { get; init; } = "Sample test images: clean, Gaussian noise and FGSM (against the clean model)";
}

/// <summary>
/// A study's report, as <c>robustness study report</c> writes it: the table from the store (read once), the figures
/// (ScottPlot PNG and SVG), report.md and the CSV files (docs/reports.md). A notebook calls it after
/// <see cref="Runner.StudyRunner.Run"/>
/// and shows <see cref="ReportFiles.Figures"/>.
/// </summary>
/// <remarks>
/// The report is built in a hidden folder beside the output folder and published as one set (report.md, the CSV files and
/// figures/ together): a failure (a full disk, say) leaves the previous report as it was, and a report folder never holds
/// files of two reports. Other files in the folder are left alone. While an SVG is saved, the process's native stderr is
/// redirected for a few milliseconds (SkiaSharp prints a harmless warning there); another thread's native stderr output in
/// that moment is lost.
/// </remarks>
public static class StudyReport
{
    /// <summary>The figures' folder inside a report folder.</summary>
    public const string FigureFolder = StudyReportWriter.FigureFolder;

    /// <summary>True when SkiaSharp finds at least one font; without one the figures are drawn without any text (install fonts-dejavu-core).</summary>
    /// <returns>Whether figure text can be drawn.</returns>
    public static bool HasFonts() => StudyFigures.HasFonts();

    /// <summary>Writes the report of a research question from a store opened read-only by location.</summary>
    /// <param name="storeLocation">An SQLite file or a postgresql:// location (<see cref="ResultStores.OpenReadOnly"/>).</param>
    /// <param name="question">The research question.</param>
    /// <param name="outDir">The report folder (created when absent).</param>
    /// <param name="options">Study, preface, p-value rule, sample grid; defaults when null.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="InvalidOperationException">The store holds no study of the question, or several and none was named.</exception>
    /// <exception cref="IOException"><paramref name="outDir"/> is a file, or writing failed (the previous report stays).</exception>
    public static ReportFiles Write(string storeLocation, ResearchQuestion question, string outDir, StudyReportOptions? options = null)
    {
        using var results = ResultStores.OpenReadOnly(storeLocation);
        return Write(results, question, outDir, options);
    }

    /// <summary>Writes the report of a research question from an open store.</summary>
    /// <param name="store">The result store.</param>
    /// <param name="question">The research question.</param>
    /// <param name="outDir">The report folder (created when absent).</param>
    /// <param name="options">Study, preface, p-value rule, sample grid; defaults when null.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="InvalidOperationException">The store holds no study of the question, or several and none was named.</exception>
    /// <exception cref="IOException"><paramref name="outDir"/> is a file, or writing failed (the previous report stays).</exception>
    public static ReportFiles Write(IResultStore store, ResearchQuestion question, string outDir, StudyReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        options ??= new StudyReportOptions();
        var analyzer = new StudyAnalyzer(new CorrelationAnalyzer(), new StudyAnalysisOptions(PValues: options.PValues));
        List<StudyRow> rows = StudyAnalyzer.RowsOf(store, question, options.Study);
        StudyTable table = analyzer.Analyze(rows);
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
            if (options.SampleSuites.Count > 0 && SampleGrid(options.SampleSuites, figureFolder, options.SampleTitle) is { } grid)
            {
                figures.Add(grid);
            }

            var written = StudyReportWriter.Write(store, table, staging, figures, options.Preface);
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

    /// <summary>The grid of sample images from suite folders: clean, then Gaussian and FGSM at a quarter, half and all of their levels.</summary>
    private static ReportFigure? SampleGrid(IReadOnlyList<string> suiteFolders, string figureFolder, string title)
    {
        var suites = suiteFolders
            .Select(f => BenchmarkSuite.Load(f))
            .GroupBy(s => s.Kind)
            .ToDictionary(g => g.Key, g => g.First());
        if (!suites.TryGetValue(BenchmarkKind.Clean, out var clean))
        {
            return null;
        }

        var rows = new List<(string Label, ImageSet Images)> { ("clean", clean.LevelSets[0].Images) };
        foreach (var (kind, label) in new[] { (BenchmarkKind.Gaussian, "Gaussian"), (BenchmarkKind.Fgsm, "FGSM") })
        {
            if (!suites.TryGetValue(kind, out var suite) || suite.LevelSets.Count == 0)
            {
                continue;
            }

            int n = suite.LevelSets.Count;
            foreach (int i in new[] { (n - 1) / 4, (n - 1) / 2, n - 1 }.Distinct())
            {
                var set = suite.LevelSets[i];
                rows.Add((string.Create(CultureInfo.InvariantCulture, $"{label} l2={set.Level:G}"), set.Images));
            }
        }

        return StudyFigures.SampleGrid(rows, 10, title, figureFolder, FigureFolder, "samples");
    }
}
