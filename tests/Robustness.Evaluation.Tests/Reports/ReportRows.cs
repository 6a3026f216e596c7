using System.Globalization;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Evaluation.Tests.Analysis;

namespace Robustness.Evaluation.Tests.Reports;

/// <summary>
/// Constructed study rows for the report and figure tests (here and in the CLI's report tests): per research question
/// its factor levels, four benchmark levels, and accuracies that vary with the factors. Built on <see cref="AnalysisRows.Row"/>.
/// </summary>
internal static class ReportRows
{
    /// <summary>Constructed rows of one architecture: per question its factor levels and accuracies that vary with them.</summary>
    public static List<StudyRow> Rows(ResearchQuestion question, string architecture)
    {
        double shift = architecture == "lenet5" ? 0 : 0.01;
        var rows = new List<StudyRow>();
        switch (question)
        {
            case ResearchQuestion.Rq1:
            case ResearchQuestion.Rq2:
                double[] fgsmA = [0.30, 0.55, 0.81, 0.88, 0.74, 0.70];
                for (int i = 0; i < 6; i++)
                {
                    double level = 2 * i;
                    string id = i == 0 ? $"rq{(int)question}-clean" : string.Create(CultureInfo.InvariantCulture, $"rq{(int)question}-{(question == ResearchQuestion.Rq1 ? "g" : "f")}{level}");
                    rows.Add(Row(question, architecture, id, i, 0.99 - (0.002 * i) - shift, 0.98 - (0.003 * i * i / 4) - shift, 0.60 + (0.05 * i) - (0.004 * i * i), fgsmA[i] - shift,
                        gaussian: question == ResearchQuestion.Rq1 ? level : 0, fgsm: question == ResearchQuestion.Rq2 ? level : 0));
                }

                break;
            case ResearchQuestion.Rq3:
                double?[] ci = [null, 0.3, 0.4, 0.5, 0.6];
                for (int i = 0; i < ci.Length; i++)
                {
                    string id = ci[i] is { } c ? string.Create(CultureInfo.InvariantCulture, $"rq3-ci{c}") : "rq3-clean";
                    rows.Add(Row(question, architecture, id, i, 0.99 - (0.01 * i * i / 3), 0.98 - (0.02 * i) - shift, 0.7 - (0.03 * i) + (0.01 * (i % 2)), 0.4 - (0.02 * i), ci: ci[i]));
                }

                break;
            case ResearchQuestion.Rq4:
                for (int i = 0; i < 6; i++)
                {
                    double ld = 0.1 * i;
                    string id = i == 0 ? "rq4-clean" : string.Create(CultureInfo.InvariantCulture, $"rq4-ld{ld}");
                    rows.Add(Row(question, architecture, id, i, 0.99 - (0.09 * i), 0.98 - (0.01 * i * i / 5) - shift, 0.7 - (0.02 * i) + (0.015 * (i % 2)), 0.35 + (0.01 * (i % 3)), ld: ld));
                }

                break;
            case ResearchQuestion.Rq5:
                double[] levels = [0, 4, 8];
                int index = 0;
                foreach (double g in levels)
                {
                    foreach (double f in levels)
                    {
                        string id = string.Create(CultureInfo.InvariantCulture, $"rq5-g{g}-f{f}");
                        rows.Add(Row(question, architecture, id, index, 0.99 - (0.001 * g) - (0.002 * f) + (0.001 * (index % 2)), 0.98 - (0.002 * f) - shift + (0.001 * (index % 3)),
                            0.6 + (0.03 * g) + (0.004 * f) + (0.002 * (index % 2)), 0.3 + (0.05 * f) + (0.003 * g) - (0.004 * (index % 3)), gaussian: g, fgsm: f));
                        index++;
                    }
                }

                break;
            default:
                double[] five = [0, 2, 4, 6, 8];
                double[] cis = [0.2, 0.25, 0.3, 0.35, 0.4];
                double[] lds = [0, 0.05, 0.1, 0.15, 0.2];
                for (int i = 0; i < 25; i++)
                {
                    int a = i / 5;
                    int b = i % 5;
                    double g = five[b];
                    double f = five[a];
                    double c = cis[(a + b) % 5];
                    double l = lds[((2 * a) + b) % 5];
                    string id = string.Create(CultureInfo.InvariantCulture, $"rq6-g{g}-f{f}-ci{c}-ld{l}");
                    rows.Add(Row(question, architecture, id, i, 0.99 - l + (0.001 * b), 0.98 - (0.1 * l) - (0.02 * c) - shift + (0.001 * a), 0.6 + (0.03 * g) - (0.1 * l) + (0.002 * (i % 3)),
                        0.3 + (0.05 * f) - (0.1 * c) + (0.003 * (i % 4)), gaussian: g, fgsm: f, ci: c, ld: l));
                }

                break;
        }

        return rows;
    }

    private static StudyRow Row(ResearchQuestion question, string architecture, string pointId, int index, double training, double clean, double gaussianMean, double fgsmMean,
        double gaussian = 0, double fgsm = 0, double? ci = null, double ld = 0)
    {
        string study = string.Create(CultureInfo.InvariantCulture, $"rq{(int)question}-test");
        double[] levels = [1, 2, 3, 4];
        double[] gaussianAccuracies = [.. levels.Select(l => Math.Clamp(gaussianMean + (0.1 * (2.5 - l)), 0, 1))];
        double[] fgsmAccuracies = [.. levels.Select(l => Math.Clamp(fgsmMean + (0.15 * (2.5 - l)), 0, 1))];
        return AnalysisRows.Row(study, question, architecture, pointId, index, 7, training, clean, gaussianAccuracies.Average(), fgsmAccuracies.Average(),
            gaussianLevel: gaussian, fgsmLevel: fgsm, classImbalance: ci, labelDisturbance: ld) with
        {
            BenchmarkLevels = levels,
            GaussianAccuracies = gaussianAccuracies,
            FgsmAccuracies = fgsmAccuracies,
        };
    }
}
