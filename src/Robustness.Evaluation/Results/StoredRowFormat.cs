using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Robustness.Evaluation.Designs;

namespace Robustness.Evaluation.Results;

/// <summary>
/// How a <see cref="StudyRow"/> is laid out in a store's <c>rows</c> table, one definition for every store
/// (<see cref="SqliteResultStore"/>, <see cref="PostgresResultStore"/>): the column names in order, the values written,
/// the row read back, the checks before a write, and the CSV and JSON exports (so that both stores export the same bytes).
/// </summary>
internal static class StoredRowFormat
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);
    private static readonly JsonSerializerOptions _attackJson = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The columns of <c>rows</c>, in the order of <see cref="Values"/> and <see cref="Read"/>.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "key", "study", "question", "architecture", "point_id", "point_index", "seed", "repetition",
        "gaussian_level", "fgsm_level", "class_imbalance", "label_disturbance", "reached_class_imbalance",
        "reached_label_disturbance", "training_images", "epochs", "stop_reason", "final_loss",
        "training_accuracy", "clean_accuracy", "benchmark_levels", "gaussian_accuracies", "fgsm_accuracies",
        "gaussian_mean_accuracy", "fgsm_mean_accuracy", "training_seconds", "total_seconds", "completed_utc",
        "training_report_json", "attacks_json", "class_count",
    ];

    /// <summary>Refuses a row whose lists do not match its benchmark levels (before any write).</summary>
    public static void Validate(StudyRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.BenchmarkLevels.Count != row.GaussianAccuracies.Count || row.BenchmarkLevels.Count != row.FgsmAccuracies.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Row '{row.Key}': {row.BenchmarkLevels.Count} benchmark levels need as many Gaussian and FGSM accuracies; {row.GaussianAccuracies.Count} and {row.FgsmAccuracies.Count} were given."), nameof(row));
        }

        if (row.Attacks.FirstOrDefault(a => a.Accuracies.Count != row.BenchmarkLevels.Count) is { } off)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Row '{row.Key}': attack column {off.Key} has {off.Accuracies.Count} accuracies for {row.BenchmarkLevels.Count} benchmark levels."), nameof(row));
        }
    }

    /// <summary>The values of a row in <see cref="Columns"/> order (the seed as its 64-bit pattern, lists as JSON text, times as ISO 8601 text; null: no class imbalance).</summary>
    public static object?[] Values(StudyRow row) =>
    [
        row.Key, row.Study, (int)row.Question, row.Architecture, row.PointId, row.PointIndex, unchecked((long)row.Seed), row.Repetition,
        row.GaussianLevel, row.FgsmLevel, row.ClassImbalance, row.LabelDisturbance, row.ReachedClassImbalance,
        row.ReachedLabelDisturbance, row.TrainingImages, row.Epochs, row.StopReason, row.FinalLoss,
        row.TrainingAccuracy, row.CleanAccuracy, ToJson(row.BenchmarkLevels), ToJson(row.GaussianAccuracies), ToJson(row.FgsmAccuracies),
        row.GaussianMeanAccuracy, row.FgsmMeanAccuracy, row.TrainingSeconds, row.TotalSeconds,
        Time(row.CompletedUtc), row.TrainingReportJson, AttacksToJson(row.Attacks), row.ClassCount,
    ];

    /// <summary>Reads a row selected with <see cref="Columns"/> in order.</summary>
    public static StudyRow Read(DbDataReader reader) =>
        new()
        {
            Key = reader.GetString(0),
            Study = reader.GetString(1),
            Question = (ResearchQuestion)reader.GetInt32(2),
            Architecture = reader.GetString(3),
            PointId = reader.GetString(4),
            PointIndex = reader.GetInt32(5),
            Seed = unchecked((ulong)reader.GetInt64(6)),
            Repetition = reader.GetInt32(7),
            GaussianLevel = reader.GetDouble(8),
            FgsmLevel = reader.GetDouble(9),
            ClassImbalance = reader.IsDBNull(10) ? null : reader.GetDouble(10),
            LabelDisturbance = reader.GetDouble(11),
            ReachedClassImbalance = reader.GetDouble(12),
            ReachedLabelDisturbance = reader.GetDouble(13),
            TrainingImages = reader.GetInt32(14),
            Epochs = reader.GetInt32(15),
            StopReason = reader.GetString(16),
            FinalLoss = reader.GetDouble(17),
            TrainingAccuracy = reader.GetDouble(18),
            CleanAccuracy = reader.GetDouble(19),
            BenchmarkLevels = FromJson(reader.GetString(20)),
            GaussianAccuracies = FromJson(reader.GetString(21)),
            FgsmAccuracies = FromJson(reader.GetString(22)),
            GaussianMeanAccuracy = reader.GetDouble(23),
            FgsmMeanAccuracy = reader.GetDouble(24),
            TrainingSeconds = reader.GetDouble(25),
            TotalSeconds = reader.GetDouble(26),
            CompletedUtc = DateTimeOffset.Parse(reader.GetString(27), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            TrainingReportJson = reader.GetString(28),
            Attacks = AttacksFromJson(reader.GetString(29)),
            ClassCount = reader.GetInt32(30),
        };

    /// <summary>Every row a reader selected with <see cref="Columns"/> in order.</summary>
    public static List<StudyRow> ReadAll(DbDataReader reader)
    {
        var rows = new List<StudyRow>();
        while (reader.Read())
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    /// <summary>Refuses to record a study again with another design or other data (every store's <see cref="IResultStore.RecordStudy"/>).</summary>
    /// <param name="store">The store's path or location, for the message.</param>
    /// <param name="existing">The recorded study.</param>
    /// <param name="given">The study being recorded.</param>
    /// <exception cref="InvalidOperationException">The design or the data differ; the message shows both.</exception>
    public static void CheckSameStudy(string store, StoredStudy existing, StoredStudy given)
    {
        if (!string.Equals(existing.DesignJson, given.DesignJson, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{store}: study '{given.Name}' is stored with another design; run it with the stored settings, or give another --store or study name. Stored: {existing.DesignJson}; given: {given.DesignJson}");
        }

        if (!string.Equals(existing.DataJson, given.DataJson, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{store}: study '{given.Name}' is stored with other data; run it on the same data, or give another --store or study name. Stored: {existing.DataJson}; given: {given.DataJson}");
        }
    }

    /// <summary>A time as stored: UTC, round-trip ISO 8601.</summary>
    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A stored time read back.</summary>
    public static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <summary>Rows as CSV: one header line (the columns and <c>near_chance</c>), one line per row, lists as JSON text in a quoted field.</summary>
    public static void WriteCsv(TextWriter writer, IReadOnlyList<StudyRow> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(string.Join(',', Columns));
        writer.Write(",near_chance\n");
        var c = CultureInfo.InvariantCulture;
        foreach (var r in rows)
        {
            string[] fields =
            [
                r.Key, r.Study, ((int)r.Question).ToString(c), r.Architecture, r.PointId, r.PointIndex.ToString(c), r.Seed.ToString(c),
                r.Repetition.ToString(c), D(r.GaussianLevel), D(r.FgsmLevel), r.ClassImbalance is { } ci ? D(ci) : "", D(r.LabelDisturbance),
                D(r.ReachedClassImbalance), D(r.ReachedLabelDisturbance), r.TrainingImages.ToString(c), r.Epochs.ToString(c), r.StopReason,
                D(r.FinalLoss), D(r.TrainingAccuracy), D(r.CleanAccuracy), ToJson(r.BenchmarkLevels), ToJson(r.GaussianAccuracies),
                ToJson(r.FgsmAccuracies), D(r.GaussianMeanAccuracy), D(r.FgsmMeanAccuracy), D(r.TrainingSeconds), D(r.TotalSeconds),
                Time(r.CompletedUtc), r.TrainingReportJson, AttacksToJson(r.Attacks), r.ClassCount.ToString(c), r.NearChance ? "true" : "false",
            ];
            writer.Write(string.Join(',', fields.Select(Csv)));
            writer.Write('\n');
        }

        static string D(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Rows as one indented JSON array of objects (camelCase, the fields of <see cref="StudyRow"/>).</summary>
    public static void WriteJson(TextWriter writer, IReadOnlyList<StudyRow> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(JsonSerializer.Serialize(rows, new JsonSerializerOptions(_attackJson) { WriteIndented = true }));
        writer.Write('\n');
    }

    /// <summary>Quotes a CSV field when it holds a comma, quote or line break (RFC 4180).</summary>
    public static string Csv(string field)
    {
        if (field.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return field;
        }

        return "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static string ToJson(IReadOnlyList<double> values) => JsonSerializer.Serialize(values, _json);

    private static string AttacksToJson(IReadOnlyList<AttackScore> attacks) => JsonSerializer.Serialize(attacks, _attackJson);

    private static AttackScore[] AttacksFromJson(string json) => JsonSerializer.Deserialize<AttackScore[]>(json, _attackJson) ?? [];

    private static double[] FromJson(string json) => JsonSerializer.Deserialize<double[]>(json, _json) ?? [];
}
