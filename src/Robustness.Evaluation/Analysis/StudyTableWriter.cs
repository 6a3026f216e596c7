using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Robustness.Statistics;

namespace Robustness.Evaluation.Analysis;

/// <summary>
/// Writes a <see cref="StudyTable"/> as JSON (System.Text.Json, invariant culture, shortest round-trip numbers,
/// NaN and ±∞ as <c>null</c>) or as plain text with aligned columns, like the paper's Tables 2-7.
/// </summary>
public static partial class StudyTableWriter
{
    /// <summary>The table as one JSON object (shape in docs/evaluation.md, "Analysis").</summary>
    /// <param name="table">The table.</param>
    /// <param name="indented">Whether to indent.</param>
    /// <returns>The JSON text.</returns>
    public static string ToJson(StudyTable table, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(table);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteJson(w, table);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the table as one JSON object.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="table">The table.</param>
    public static void WriteJson(Utf8JsonWriter writer, StudyTable table)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(table);
        var w = writer;
        w.WriteStartObject();
        w.WriteString("study", table.Study);
        w.WriteNumber("question", (int)table.Question);
        w.WriteString("kind", table.IsMultiFactor ? "multi-factor" : "single-factor");
        w.WriteStartArray("nearChanceRuns");
        foreach (var (key, accuracy) in table.NearChanceRuns)
        {
            w.WriteStartObject();
            w.WriteString("key", key);
            w.WriteNumber("trainingAccuracy", accuracy);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("factors");
        foreach (string f in table.Factors)
        {
            w.WriteStringValue(f);
        }

        w.WriteEndArray();
        Number(w, "alpha", table.Alpha);
        Number(w, "confidenceLevel", table.ConfidenceLevel);
        w.WriteString("variance", StudyTable.VarianceKind);
        w.WriteNumber("repetitions", table.Repetitions);
        w.WriteStartArray("architectures");
        foreach (ArchitectureTable a in table.Architectures)
        {
            w.WriteStartObject();
            w.WriteString("architecture", a.Architecture);
            w.WriteStartArray("points");
            foreach (PointSummary p in a.Points)
            {
                WritePoint(w, p, table.Factors);
            }

            w.WriteEndArray();
            if (a.SingleFactor is { } single)
            {
                WriteCells(w, "benchmarks", single);
            }

            if (a.PeakIndex is { } peak)
            {
                w.WriteStartObject("peak");
                w.WriteNumber("index", peak);
                Number(w, "level", a.Points[peak].Factors[0]);
                w.WriteEndObject();
            }

            if (a.Segments is { } segments)
            {
                w.WriteStartArray("segments");
                foreach (SegmentTable s in segments)
                {
                    w.WriteStartObject();
                    w.WriteString("name", s.Name);
                    w.WriteNumber("start", s.Start);
                    w.WriteNumber("count", s.Count);
                    Number(w, "firstLevel", s.FirstLevel);
                    Number(w, "lastLevel", s.LastLevel);
                    WriteCells(w, "benchmarks", s.Cells);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (a.MultiFactor is { } multi)
            {
                w.WriteStartArray("benchmarks");
                foreach (MultiFactorCell c in multi)
                {
                    w.WriteStartObject();
                    w.WriteString("benchmark", AccuracyMeasures.Name(c.Measure));
                    WriteRegressionFields(w, c.Fit);
                    w.WriteString("strength", StrengthName(c.Strength));
                    w.WriteBoolean("significant", c.Significant);
                    w.WriteString("status", StatusName(c.Fit.Status));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (a.Attacks is { } attacks)
            {
                WriteAttacks(w, attacks, table.Factors);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteAttacks(Utf8JsonWriter w, AttackTable attacks, IReadOnlyList<string> factors)
    {
        w.WriteStartObject("attacks");
        w.WriteStartArray("columns");
        foreach (string key in attacks.Keys)
        {
            w.WriteStringValue(key);
        }

        w.WriteEndArray();
        w.WriteStartArray("points");
        foreach (AttackPointSummary p in attacks.Points)
        {
            w.WriteStartObject();
            w.WriteString("id", p.PointId);
            w.WriteStartObject("factors");
            for (int j = 0; j < factors.Count; j++)
            {
                Number(w, factors[j], p.Factors[j]);
            }

            w.WriteEndObject();
            w.WriteNumber("models", p.Models);
            w.WriteStartObject("columns");
            foreach (AttackMean m in p.Attacks)
            {
                w.WriteStartObject(m.Key);
                Number(w, "meanAccuracy", m.MeanAccuracy);
                w.WriteStartArray("levelAccuracies");
                foreach (double v in m.LevelAccuracies)
                {
                    if (double.IsFinite(v))
                    {
                        w.WriteNumberValue(v);
                    }
                    else
                    {
                        w.WriteNullValue();
                    }
                }

                w.WriteEndArray();
                if (m.MedianMinimalDistance is { } median)
                {
                    Number(w, "medianMinimalDistance", median);
                    w.WriteBoolean("medianBeyondLargestLevel", double.IsPositiveInfinity(median));
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
            WriteMaskingCounts(w, "maskingFlags", p.Flags);
            w.WriteStartArray("maskingDetails");
            foreach (string d in p.Details)
            {
                w.WriteStringValue(d);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("correlations");
        foreach (AttackCorrelation c in attacks.Correlations)
        {
            w.WriteStartObject();
            w.WriteString("column", c.Key);
            Correlation(w, "spearman", c.Spearman);
            Number(w, "mean", c.Mean);
            Number(w, "variance", c.Variance);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteMaskingCounts(w, "maskingTotals", attacks.Totals);
        w.WriteEndObject();
    }

    private static void WriteMaskingCounts(Utf8JsonWriter w, string name, IReadOnlyList<MaskingCount> counts)
    {
        w.WriteStartObject(name);
        foreach (MaskingCount c in counts)
        {
            w.WriteStartObject(c.Code);
            w.WriteNumber("flagged", c.Flagged);
            w.WriteNumber("models", c.Models);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WritePoint(Utf8JsonWriter w, PointSummary p, IReadOnlyList<string> factors)
    {
        w.WriteStartObject();
        w.WriteString("id", p.PointId);
        w.WriteNumber("index", p.PointIndex);
        w.WriteStartObject("factors");
        for (int j = 0; j < factors.Count; j++)
        {
            Number(w, factors[j], p.Factors[j]);
        }

        w.WriteEndObject();
        w.WriteNumber("repetitions", p.Seeds.Count);
        w.WriteStartArray("seeds");
        foreach (ulong s in p.Seeds)
        {
            w.WriteNumberValue(s);
        }

        w.WriteEndArray();
        w.WriteStartObject("metrics");
        foreach (MetricSummary m in p.Metrics)
        {
            w.WriteStartObject(AccuracyMeasures.Name(m.Measure));
            w.WriteNumber("n", m.Count);
            Number(w, "mean", m.Mean);
            Number(w, "sd", m.StandardDeviation);
            Number(w, "ciLow", m.ConfidenceLow);
            Number(w, "ciHigh", m.ConfidenceHigh);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteCells(Utf8JsonWriter w, string name, IReadOnlyList<SingleFactorCell> cells)
    {
        w.WriteStartArray(name);
        foreach (SingleFactorCell c in cells)
        {
            w.WriteStartObject();
            w.WriteString("benchmark", AccuracyMeasures.Name(c.Measure));
            w.WriteNumber("n", c.Count);
            Correlation(w, "spearman", c.Spearman);
            Correlation(w, "pearson", c.Pearson);
            w.WriteString("strength", StrengthName(c.Strength));
            w.WriteBoolean("significant", c.Significant);
            Number(w, "mean", c.Mean);
            Number(w, "variance", c.Variance);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Correlation(Utf8JsonWriter w, string name, CorrelationResult r)
    {
        w.WriteStartObject(name);
        WriteCorrelationFields(w, r);
        w.WriteString("status", StatusName(r.Status));
        w.WriteEndObject();
    }

    /// <summary>
    /// Writes the fields of a correlation into the JSON object being written: <c>"r"</c>, <c>"p"</c> (shortest round-trip
    /// numbers, <c>null</c> when undefined) and <c>"pMethod"</c> (<see cref="CorrelationResult.PValueMethodName"/>: <c>exact</c>,
    /// <c>t</c>, <c>normal</c> or <c>none</c>). The one writer of a correlation's JSON, used by <c>study analyze</c> and
    /// <c>stats correlate</c>.
    /// </summary>
    /// <param name="writer">The writer, inside an object.</param>
    /// <param name="result">The correlation.</param>
    public static void WriteCorrelationFields(Utf8JsonWriter writer, CorrelationResult result)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        Number(writer, "r", result.Coefficient);
        Number(writer, "p", result.PValue);
        writer.WriteString("pMethod", result.PValueMethodName);
    }

    /// <summary>
    /// Writes the fields of a regression into the JSON object being written: <c>"n"</c>, <c>"k"</c>, <c>"R"</c>, <c>"R2"</c>,
    /// <c>"adjR2"</c>, <c>"F"</c>, <c>"df1"</c>, <c>"df2"</c>, <c>"p"</c> (shortest round-trip numbers, <c>null</c> when not
    /// finite). The one writer of a regression's JSON, used by <c>study analyze</c> (RQ5/RQ6) and <c>stats correlate --method multiple</c>.
    /// </summary>
    /// <param name="writer">The writer, inside an object.</param>
    /// <param name="fit">The regression.</param>
    public static void WriteRegressionFields(Utf8JsonWriter writer, RegressionResult fit)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(fit);
        writer.WriteNumber("n", fit.N);
        writer.WriteNumber("k", fit.K);
        Number(writer, "R", fit.R);
        Number(writer, "R2", fit.RSquared);
        Number(writer, "adjR2", fit.AdjustedRSquared);
        Number(writer, "F", fit.FStatistic);
        writer.WriteNumber("df1", fit.Df1);
        writer.WriteNumber("df2", fit.Df2);
        Number(writer, "p", fit.PValue);
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>The strength label's text: <c>significant</c>, <c>high</c>, <c>moderate</c>, <c>low</c>, <c>weak/none</c> or <c>undefined</c>.</summary>
    /// <param name="strength">The label.</param>
    /// <returns>The text.</returns>
    public static string StrengthName(CorrelationStrength strength) => strength switch
    {
        CorrelationStrength.Significant => "significant",
        CorrelationStrength.High => "high",
        CorrelationStrength.Moderate => "moderate",
        CorrelationStrength.Low => "low",
        CorrelationStrength.WeakOrNone => "weak/none",
        _ => "undefined",
    };

    private static string StatusName(CorrelationStatus status) => status switch
    {
        CorrelationStatus.Ok => "ok",
        CorrelationStatus.TooFewSamples => "too-few-samples",
        CorrelationStatus.ConstantInput => "constant-input",
        CorrelationStatus.RankDeficient => "rank-deficient",
        _ => status.ToString(),
    };

    /// <summary>A value with 4 decimals (invariant), "-" when not finite.</summary>
    internal static string F4(double value) => double.IsFinite(value) ? value.ToString("F4", CultureInfo.InvariantCulture) : "-";

    /// <summary>A value with 4 significant digits (invariant), "-" when not finite.</summary>
    internal static string G4(double value) => double.IsFinite(value) ? value.ToString("G4", CultureInfo.InvariantCulture) : "-";

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
