namespace Robustness.Evaluation.Results;

/// <summary>
/// Where a study's finished runs live: one <see cref="StudyRow"/> per <see cref="StudyRow.Key"/>
/// (study, architecture, design point, seed), plus the design of every study that was started.
/// The default is <see cref="SqliteResultStore"/> (see docs/evaluation.md, "Runner and result store").
/// </summary>
public interface IResultStore : IDisposable
{
    /// <summary>The store's file.</summary>
    string Path { get; }

    /// <summary>Whether a row with this key is stored.</summary>
    /// <param name="key">The run key (<c>study/architecture/point-id/s{seed}</c>).</param>
    /// <returns>True when the run is finished.</returns>
    bool Contains(string key);

    /// <summary>Stores one row in its own transaction. A row whose key is already stored is not replaced.</summary>
    /// <param name="row">The row.</param>
    /// <returns>True when the row was added, false when its key was already stored (the stored row is kept).</returns>
    bool Add(StudyRow row);

    /// <summary>The stored rows, ordered by study, architecture, point index and repetition.</summary>
    /// <param name="study">Only this study's rows; all when null.</param>
    /// <returns>The rows.</returns>
    IReadOnlyList<StudyRow> Rows(string? study = null);

    /// <summary>Records a study's design (JSON) when it starts; a study already recorded must have the same design.</summary>
    /// <param name="study">The study as recorded.</param>
    /// <returns>The stored record (the earlier one when the study was already recorded).</returns>
    /// <exception cref="InvalidOperationException">The study is recorded with another design or other data.</exception>
    StoredStudy RecordStudy(StoredStudy study);

    /// <summary>Every recorded study, by name.</summary>
    /// <returns>The studies.</returns>
    IReadOnlyList<StoredStudy> Studies();

    /// <summary>Writes rows as CSV (one header line, one line per row; lists as JSON text in a quoted field).</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="study">Only this study's rows; all when null.</param>
    void ExportCsv(TextWriter writer, string? study = null);

    /// <summary>Writes rows as one JSON array of objects (camelCase, the fields of <see cref="StudyRow"/>).</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="study">Only this study's rows; all when null.</param>
    void ExportJson(TextWriter writer, string? study = null);

    /// <summary>Runs SQLite's <c>PRAGMA integrity_check</c>.</summary>
    /// <returns>Its answer: the single line <c>ok</c> when the database is sound, else the problems found.</returns>
    IReadOnlyList<string> IntegrityCheck();
}

/// <summary>A study as recorded in the store when a run starts.</summary>
/// <param name="Name">The study's name (<see cref="Designs.StudyDesign.StudyName"/>).</param>
/// <param name="Question">The research question (1-6).</param>
/// <param name="DesignJson">The design as JSON (read it with <see cref="ReadDesign"/>).</param>
/// <param name="PlannedRuns">How many runs (architecture x point x seed) the design has.</param>
/// <param name="DataJson">The data the study runs on (names, fingerprints and counts of the train and test sets), as JSON.</param>
/// <param name="CreatedUtc">When the study was first recorded.</param>
public sealed record StoredStudy(string Name, int Question, string DesignJson, int PlannedRuns, string DataJson, DateTimeOffset CreatedUtc)
{
    /// <summary>The design the study was recorded with, read from <see cref="DesignJson"/>.</summary>
    /// <returns>The design.</returns>
    /// <exception cref="System.Text.Json.JsonException">The stored JSON is not a design.</exception>
    public Designs.StudyDesign ReadDesign() => Runner.StudyDesignJson.Deserialize(DesignJson);
}
