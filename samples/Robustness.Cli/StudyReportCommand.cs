using System.CommandLine;
using System.Globalization;
using Robustness.Evaluation.Reports;
using Robustness.Evaluation.Designs;

namespace Robustness.Cli;

/// <summary>
/// <c>robustness study report --rq N --store FILE --out DIR [--study NAME] [--p exact|t|auto]</c>: report.md with the paper-style table of one
/// research question, CSV files and PNG/SVG figures (docs/reports.md).
/// </summary>
internal static class StudyReportCommand
{
    /// <summary>Creates the <c>report</c> command (a subcommand of <c>study</c>).</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var rq = CliOptions.ResearchQuestion();
        var store = new Option<string>("--store") { Description = "The result store written by 'study run' (an SQLite file, or postgresql://user@host:port/database).", Required = true };
        var outDir = new Option<string>("--out") { Description = "The report folder (created when absent); the new report replaces the previous one as a whole (report.md, the CSV files and figures/ together), other files are left alone.", Required = true };
        var study = new Option<string?>("--study") { Description = "The study's name (needed when the store holds several studies of the question)." };
        var pValues = CliOptions.PValues();
        var report = new Command("report", "Write report.md (the paper-style table: r, p, mean, variance, strength; RQ2 segments; R, F, p for RQ5/RQ6), CSV files and PNG/SVG figures for one research question; the store is opened read-only. Example: robustness study report --rq 2 --store rq2.db --out rq2-report")
        {
            rq, store, outDir, study, pValues,
        };
        report.SetAction(parsed => context.Execute(parsed, () =>
        {
            var rule = CliOptions.ReadPValues(parsed.GetValue(pValues));
            ReportFiles files = CliOptions.WithPValues(rule, () => StudyReport.Write(parsed.GetValue(store)!, (ResearchQuestion)parsed.GetValue(rq), parsed.GetValue(outDir)!,
                new StudyReportOptions { Study = parsed.GetValue(study), PValues = rule }));
            Print(context, files);
            return RobustnessCli.Success;
        }));
        return report;
    }

    /// <summary>Prints where a report was written (and warns when figure text cannot be drawn).</summary>
    internal static void Print(CliContext context, ReportFiles files)
    {
        TextWriter o = context.Output;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"report: {files.Report}"));
        foreach (string csv in files.Csv)
        {
            o.WriteLine($"csv: {csv}");
        }

        string folder = Path.GetDirectoryName(files.Report)!;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"figures: {files.Figures.Count} (PNG and SVG) in {Path.Combine(folder, StudyReport.FigureFolder)}"));
        if (!StudyReport.HasFonts())
        {
            context.Error.WriteLine("warning: no fonts found under /usr/share/fonts; figure text is missing (Debian: apt-get install fonts-dejavu-core).");
        }
    }
}
