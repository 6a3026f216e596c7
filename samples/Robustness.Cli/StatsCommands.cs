using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Robustness.Evaluation.Analysis;
using Robustness.Statistics;

namespace Robustness.Cli;

/// <summary>
/// <c>robustness stats correlate --csv FILE --y COL --x COL[,COL...] [--method pearson|spearman|kendall|multiple] [--p exact|t|auto] [--json]</c>:
/// correlation of a CSV column with one or more others. With one --x the default method is spearman (the paper's),
/// with several it is multiple. The p of spearman and kendall follows <c>--p</c> (<see cref="PValueRule"/>). Output numbers
/// are invariant-culture, shortest round-trip ("R") doubles; text never prints p = 0 (<see cref="CorrelationStrengths.FormatPValue"/>).
/// </summary>
internal static class StatsCommands
{
    private static readonly string[] _methods = ["pearson", "spearman", "kendall", "multiple"];

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var csv = new Option<FileInfo>("--csv")
        {
            Description = "CSV file with a header row, comma separated, optional double quotes, invariant-culture numbers.",
            Required = true,
        };
        var y = new Option<string>("--y")
        {
            Description = "Column of the response (e.g. accuracy).",
            Required = true,
        };
        var x = new Option<string>("--x")
        {
            Description = "Column(s) of the factor(s), comma separated (e.g. level, or fgsm,gauss,ci,ld).",
            Required = true,
        };
        var method = new Option<string?>("--method")
        {
            Description = "The correlation [default: spearman for one --x column, multiple for several].",
        };
        method.AcceptOnlyFromAmong(_methods);
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object: {method,n,r,p,pMethod} (pMethod: exact, t or normal), or {method,n,k,R,R2,adjR2,F,df1,df2,p} for multiple.",
        };
        var pValues = CliOptions.PValues();

        var correlate = new Command("correlate", "Correlate a CSV column with one column (Pearson, Spearman, Kendall) or several (multiple correlation R of an OLS fit). Example: robustness stats correlate --csv points.csv --y mnist_a_mean --x fgsm --p exact");
        correlate.Options.Add(csv);
        correlate.Options.Add(y);
        correlate.Options.Add(x);
        correlate.Options.Add(method);
        correlate.Options.Add(pValues);
        correlate.Options.Add(json);
        correlate.SetAction(parsed => context.Execute(parsed, () =>
        {
            Correlate(
                context.Output,
                parsed.GetValue(csv)!,
                parsed.GetValue(y)!,
                parsed.GetValue(x)!,
                parsed.GetValue(method),
                CliOptions.ReadPValues(parsed.GetValue(pValues)),
                parsed.GetValue(json));
            return RobustnessCli.Success;
        }));

        var stats = new Command("stats", "Statistics of the study's results: correlation and multiple correlation, matching SciPy and R.");
        stats.Subcommands.Add(correlate);
        return stats;
    }

    private static void Correlate(TextWriter output, FileInfo file, string yColumn, string xColumns, string? method, PValueRule rule, bool json)
    {
        string[] xs = [.. xColumns.Split(',').Select(c => c.Trim())];
        if (xs.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException($"--x '{xColumns}' names an empty column; give COL or COL1,COL2,...");
        }

        string chosen = method ?? (xs.Length == 1 ? "spearman" : "multiple");
        if (chosen != "multiple" && xs.Length != 1)
        {
            throw new ArgumentException($"--method {chosen} correlates one --x column but {xs.Length} were given ({xColumns}); use --method multiple.");
        }

        if (rule == PValueRule.Exact && chosen is "pearson" or "multiple")
        {
            throw new ArgumentException($"--p exact applies to spearman and kendall; the p of {chosen} is always {(chosen == "pearson" ? "Student t" : "the F test")}.");
        }

        string path = file.FullName;
        var columns = CsvColumns.Read(path, [yColumn, .. xs]);
        double[] yValues = columns[0];
        int n = yValues.Length;
        var analyzer = new CorrelationAnalyzer();
        if (chosen == "multiple")
        {
            int minimum = xs.Length + 2;
            if (n < minimum)
            {
                throw new InvalidDataException($"{path}: {n} data rows; a multiple regression on {xs.Length} factor(s) needs at least {minimum}.");
            }

            RegressionResult fit = analyzer.Multiple(yValues, columns[1..], xs);
            EnsureDefined(fit.Status, path, yColumn, xs);
            WriteRegression(output, fit, json);
            return;
        }

        if (n < 3)
        {
            throw new InvalidDataException($"{path}: {n} data rows; {chosen} correlation needs at least 3.");
        }

        CorrelationMethod m = chosen switch
        {
            "pearson" => CorrelationMethod.Pearson,
            "kendall" => CorrelationMethod.Kendall,
            _ => CorrelationMethod.Spearman,
        };
        CorrelationResult result = CliOptions.WithPValues(rule, () => analyzer.Correlate(m, columns[1], yValues, rule));
        EnsureDefined(result.Status, path, yColumn, xs);
        WriteCorrelation(output, chosen, result, json);
    }

    private static void EnsureDefined(CorrelationStatus status, string path, string yColumn, string[] xs)
    {
        switch (status)
        {
            case CorrelationStatus.Ok:
                return;
            case CorrelationStatus.ConstantInput:
                throw new InvalidDataException($"{path}: column '{yColumn}' or '{string.Join(",", xs)}' is constant; the correlation is undefined.");
            case CorrelationStatus.RankDeficient:
                throw new InvalidDataException($"{path}: the --x columns {string.Join(",", xs)} are constant or linearly dependent; the regression is not unique.");
            default:
                throw new InvalidDataException($"{path}: too few data rows for the analysis ({status}).");
        }
    }

    private static void WriteCorrelation(TextWriter output, string method, CorrelationResult result, bool json)
    {
        if (json)
        {
            output.WriteLine(Json(w =>
            {
                w.WriteString("method", method);
                w.WriteNumber("n", result.N);
                StudyTableWriter.WriteCorrelationFields(w, result);
            }));
            return;
        }

        output.WriteLine($"method       {method}");
        output.WriteLine($"n            {result.N}");
        output.WriteLine($"r            {R(result.Coefficient)}");
        output.WriteLine($"p            {P(result.PValue)} ({result.PValueMethodName}: {PValueText(result.PValueMethod)})");
        output.WriteLine($"strength     {StrengthText(result.Strength)}");
        output.WriteLine($"significant  {(result.IsSignificant() ? "yes" : "no")} (p < {R(CorrelationStrengths.DefaultAlpha)})");
    }

    private static void WriteRegression(TextWriter output, RegressionResult fit, bool json)
    {
        if (json)
        {
            output.WriteLine(Json(w =>
            {
                w.WriteString("method", "multiple");
                StudyTableWriter.WriteRegressionFields(w, fit);
            }));
            return;
        }

        output.WriteLine("method       multiple (OLS with intercept, QR)");
        output.WriteLine($"n            {fit.N}");
        output.WriteLine($"k            {fit.K}");
        output.WriteLine($"R            {R(fit.R)}");
        output.WriteLine($"R2           {R(fit.RSquared)}");
        output.WriteLine($"adjR2        {R(fit.AdjustedRSquared)}");
        output.WriteLine($"F            {R(fit.FStatistic)} on {fit.Df1} and {fit.Df2} DF");
        output.WriteLine($"p            {P(fit.PValue)} (F test)");
        output.WriteLine($"strength     {StrengthText(fit.Strength)}");
        output.WriteLine($"significant  {(fit.IsSignificant() ? "yes" : "no")} (p < {R(CorrelationStrengths.DefaultAlpha)})");
        output.WriteLine("coefficients estimate std.error t p");
        foreach (RegressionCoefficient c in fit.Coefficients)
        {
            output.WriteLine($"  {c.Name} {R(c.Estimate)} {R(c.StandardError)} {R(c.TValue)} {P(c.PValue)}");
        }
    }

    private static string Json(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A p-value in full (round-trip) precision, or the bound <c>&lt; 1e-16</c>: never p = 0.</summary>
    private static string P(double value) => CorrelationStrengths.FormatPValue(value, "R");

    private static string PValueText(PValueMethod method) => method switch
    {
        PValueMethod.StudentT => "two-sided, Student t approximation",
        PValueMethod.ExactPermutation => "two-sided, exact permutation p over all n! pairings",
        PValueMethod.KendallExact => "two-sided, exact null distribution",
        PValueMethod.Normal => "two-sided, normal approximation",
        _ => "two-sided",
    };

    private static string StrengthText(CorrelationStrength strength) => strength switch
    {
        CorrelationStrength.Significant => "significant (|r| > 0.95)",
        CorrelationStrength.High => "high (0.8 <= |r| <= 0.95)",
        CorrelationStrength.Moderate => "moderate (0.5 <= |r| < 0.8)",
        CorrelationStrength.Low => "low (0.3 <= |r| < 0.5)",
        CorrelationStrength.WeakOrNone => "weak or none (|r| < 0.3)",
        _ => "undefined",
    };

    /// <summary>Reads named numeric columns of a small CSV file (header row, commas, optional double quotes).</summary>
    internal static class CsvColumns
    {
        public static double[][] Read(string path, IReadOnlyList<string> wanted)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path}: file not found.", path);
            }

            using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            string? headerLine = reader.ReadLine();
            if (headerLine is null || headerLine.Trim().Length == 0)
            {
                throw new InvalidDataException($"{path}: expected a header row of column names, found an empty file.");
            }

            List<string> header = Split(headerLine, path, 1);
            if (header.Select(h => h.Trim()).GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                throw new InvalidDataException($"{path}: line 1 names the column '{twice.Key}' {twice.Count()} times; every column name must be unique.");
            }

            var indices = new int[wanted.Count];
            for (int w = 0; w < wanted.Count; w++)
            {
                indices[w] = header.FindIndex(h => string.Equals(h.Trim(), wanted[w], StringComparison.Ordinal));
                if (indices[w] < 0)
                {
                    throw new InvalidDataException($"{path}: no column '{wanted[w]}'; the columns are {string.Join(", ", header.Select(h => $"'{h.Trim()}'"))}.");
                }
            }

            var values = wanted.Select(_ => new List<double>()).ToArray();
            int lineNumber = 1;
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                lineNumber++;
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                List<string> fields = Split(line, path, lineNumber);
                if (fields.Count != header.Count)
                {
                    throw new InvalidDataException($"{path}: line {lineNumber} has {fields.Count} fields; expected {header.Count} as in the header.");
                }

                for (int w = 0; w < wanted.Count; w++)
                {
                    string cell = fields[indices[w]].Trim();
                    if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                    {
                        throw new InvalidDataException($"{path}: line {lineNumber}, column '{wanted[w]}': expected a finite number, found '{cell}'.");
                    }

                    values[w].Add(v);
                }
            }

            return [.. values.Select(v => v.ToArray())];
        }

        private static List<string> Split(string line, string path, int lineNumber)
        {
            var fields = new List<string>();
            var current = new StringBuilder();
            bool quoted = false;
            for (int i = 0; i < line.Length; i++)
            {
                char c = line[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                    {
                        current.Append('"');
                        i++;
                    }
                    else if (c == '"')
                    {
                        quoted = false;
                    }
                    else
                    {
                        current.Append(c);
                    }
                }
                else if (c == '"' && current.ToString().Trim().Length == 0)
                {
                    current.Clear();
                    quoted = true;
                }
                else if (c == ',')
                {
                    fields.Add(current.ToString());
                    current.Clear();
                }
                else
                {
                    current.Append(c);
                }
            }

            if (quoted)
            {
                throw new InvalidDataException($"{path}: line {lineNumber} has an unclosed double quote.");
            }

            fields.Add(current.ToString());
            return fields;
        }
    }
}
