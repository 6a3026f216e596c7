using System.Globalization;
using Microsoft.Data.Sqlite;
using Robustness.Evaluation.Designs;

namespace Robustness.Evaluation.Results;

/// <summary>
/// The result store in one SQLite file (Microsoft.Data.Sqlite with its bundled native e_sqlite3).
/// Table <c>rows</c>: one row per <see cref="StudyRow.Key"/> with every field (lists as JSON text);
/// table <c>studies</c>: the design of every started study. Journal mode WAL with
/// <c>synchronous = FULL</c>: every <see cref="Add"/> is one transaction that is on disk when it
/// returns, and a process killed at any moment (kill -9) leaves the database as of its last commit.
/// </summary>
/// <remarks>
/// Why FULL and not NORMAL: in WAL mode NORMAL is already safe against a killed process (the WAL is
/// only appended to, and an incomplete tail is ignored on recovery); it is not durable against a power
/// loss or an OS crash, which may lose the last commits. A row costs seconds to hours of training and
/// one extra fsync per row costs milliseconds, so FULL (durable commits) is the better trade.
/// Connections are opened without pooling so that disposing the store releases the file.
/// </remarks>
public sealed class SqliteResultStore : IResultStore
{
    /// <summary>The schema version written to <c>PRAGMA user_version</c>.</summary>
    /// <remarks>
    /// Version 2 added <c>rows.attacks_json</c> (the attack columns), version 3 <c>rows.class_count</c> (the near-chance flag); an
    /// older store gains them (as <c>[]</c> and 10) when opened for writing, and reads with those values when opened read-only.
    /// </remarks>
    public const int SchemaVersion = 3;

    private static readonly IReadOnlyList<string> _columns = StoredRowFormat.Columns;

    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();
    private readonly string _select;
    private readonly bool _readOnly;

    private SqliteResultStore(string path, SqliteConnection connection, bool readOnly = false, ISet<string>? present = null)
    {
        Path = path;
        _connection = connection;
        _readOnly = readOnly;

        // A read-only store of an older schema lacks the newer columns: read their defaults instead.
        _select = string.Join(", ", _columns.Select(c => present is null || present.Contains(c) ? c : c switch
        {
            "attacks_json" => "'[]' AS attacks_json",
            "class_count" => "10 AS class_count",
            _ => c,
        }));
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <summary>Opens a store, creating the file (and its folder) and the tables when absent.</summary>
    /// <param name="path">The database file.</param>
    /// <returns>The open store; dispose it to close the file.</returns>
    /// <exception cref="InvalidDataException">The file is not a result store of this schema (the message starts with its path).</exception>
    public static SqliteResultStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = System.IO.Path.GetFullPath(path);
        string? folder = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        return OpenWith(full, SqliteOpenMode.ReadWriteCreate, connection =>
        {
            Execute(connection, "PRAGMA busy_timeout = 60000;");
            string mode = Convert.ToString(Scalar(connection, "PRAGMA journal_mode = WAL;"), CultureInfo.InvariantCulture) ?? "";
            if (!mode.Equals("wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"{full}: expected SQLite to switch to WAL journal mode, found '{mode}'.");
            }

            Execute(connection, "PRAGMA synchronous = FULL;");
            long version = Convert.ToInt64(Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
            if (version > SchemaVersion)
            {
                throw new InvalidDataException($"{full}: expected a result store of schema version {SchemaVersion} or older, found version {version}.");
            }

            using (var tx = connection.BeginTransaction())
            {
                Execute(connection, """
                    CREATE TABLE IF NOT EXISTS rows (
                      key TEXT PRIMARY KEY NOT NULL, study TEXT NOT NULL, question INTEGER NOT NULL, architecture TEXT NOT NULL,
                      point_id TEXT NOT NULL, point_index INTEGER NOT NULL, seed INTEGER NOT NULL, repetition INTEGER NOT NULL,
                      gaussian_level REAL NOT NULL, fgsm_level REAL NOT NULL, class_imbalance REAL, label_disturbance REAL NOT NULL,
                      reached_class_imbalance REAL NOT NULL, reached_label_disturbance REAL NOT NULL, training_images INTEGER NOT NULL,
                      epochs INTEGER NOT NULL, stop_reason TEXT NOT NULL, final_loss REAL NOT NULL, training_accuracy REAL NOT NULL,
                      clean_accuracy REAL NOT NULL, benchmark_levels TEXT NOT NULL, gaussian_accuracies TEXT NOT NULL,
                      fgsm_accuracies TEXT NOT NULL, gaussian_mean_accuracy REAL NOT NULL, fgsm_mean_accuracy REAL NOT NULL,
                      training_seconds REAL NOT NULL, total_seconds REAL NOT NULL, completed_utc TEXT NOT NULL,
                      training_report_json TEXT NOT NULL, attacks_json TEXT NOT NULL DEFAULT '[]',
                      class_count INTEGER NOT NULL DEFAULT 10);
                    CREATE INDEX IF NOT EXISTS rows_study ON rows (study, architecture, point_index, repetition);
                    CREATE TABLE IF NOT EXISTS studies (
                      name TEXT PRIMARY KEY NOT NULL, question INTEGER NOT NULL, design_json TEXT NOT NULL,
                      planned_runs INTEGER NOT NULL, data_json TEXT NOT NULL, created_utc TEXT NOT NULL);
                    """, tx);
                if (version == 1 && !HasColumn(connection, tx, "rows", "attacks_json"))
                {
                    Execute(connection, "ALTER TABLE rows ADD COLUMN attacks_json TEXT NOT NULL DEFAULT '[]';", tx);
                }

                // Schema 3: the training set's class count (for the near-chance flag); every store before it held ten-class data.
                if (version is 1 or 2 && !HasColumn(connection, tx, "rows", "class_count"))
                {
                    Execute(connection, "ALTER TABLE rows ADD COLUMN class_count INTEGER NOT NULL DEFAULT 10;", tx);
                }

                Execute(connection, $"PRAGMA user_version = {SchemaVersion};", tx);
                tx.Commit();
            }

            return new SqliteResultStore(full, connection);
        });
    }

    /// <summary>
    /// Opens an existing store for reading only (<c>study status</c>, <c>analyze</c>, <c>report</c>): the file is never created,
    /// migrated or switched to another journal mode, and a file that is not a result store is refused by name.
    /// </summary>
    /// <param name="path">The database file.</param>
    /// <returns>The open store; <see cref="Add"/> and <see cref="RecordStudy"/> throw <see cref="InvalidOperationException"/>.</returns>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a result store of a known schema (the message starts with its path).</exception>
    public static SqliteResultStore OpenReadOnly(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"{full}: no such result store.", full);
        }

        return OpenWith(full, SqliteOpenMode.ReadOnly, connection =>
        {
            long version = Convert.ToInt64(Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
            long tables = Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('rows', 'studies');"), CultureInfo.InvariantCulture);
            if (tables != 2 || version is < 1 or > SchemaVersion)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{full}: expected a study result store (tables 'rows' and 'studies', schema 1 to {SchemaVersion}), found a SQLite database with {tables} of the tables and schema version {version}."));
            }

            var present = new HashSet<string>(StringComparer.Ordinal);
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT name FROM pragma_table_info('rows');";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    present.Add(reader.GetString(0));
                }
            }

            return new SqliteResultStore(full, connection, readOnly: true, present);
        });
    }

    /// <inheritdoc />
    public bool Contains(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Locked(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT 1 FROM rows WHERE key = $key LIMIT 1;";
            command.Parameters.AddWithValue("$key", key);
            return command.ExecuteScalar() is not null;
        });
    }

    /// <inheritdoc />
    public bool Add(StudyRow row)
    {
        StoredRowFormat.Validate(row);
        ThrowIfReadOnly();
        return Locked(() =>
        {
            using var tx = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = $"INSERT OR IGNORE INTO rows ({string.Join(", ", _columns)}) VALUES ({string.Join(", ", _columns.Select(c => "$" + c))});";
            object?[] values = StoredRowFormat.Values(row);
            for (int i = 0; i < _columns.Count; i++)
            {
                command.Parameters.AddWithValue("$" + _columns[i], values[i] ?? DBNull.Value);
            }

            int added = command.ExecuteNonQuery();
            tx.Commit();
            return added == 1;
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<StudyRow> Rows(string? study = null)
    {
        return Locked(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT {_select} FROM rows {(study is null ? "" : "WHERE study = $study ")}ORDER BY study, architecture, point_index, repetition, key;";
            if (study is not null)
            {
                command.Parameters.AddWithValue("$study", study);
            }

            using var reader = command.ExecuteReader();
            return StoredRowFormat.ReadAll(reader);
        });
    }

    /// <inheritdoc />
    public StoredStudy RecordStudy(StoredStudy study)
    {
        ArgumentNullException.ThrowIfNull(study);
        ThrowIfReadOnly();
        return Locked(() =>
        {
            using var tx = _connection.BeginTransaction();
            var existing = ReadStudies(study.Name, tx).FirstOrDefault();
            if (existing is not null)
            {
                StoredRowFormat.CheckSameStudy(Path, existing, study);

                tx.Commit();
                return existing;
            }

            using var command = _connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = "INSERT INTO studies (name, question, design_json, planned_runs, data_json, created_utc) VALUES ($n, $q, $d, $p, $data, $c);";
            command.Parameters.AddWithValue("$n", study.Name);
            command.Parameters.AddWithValue("$q", study.Question);
            command.Parameters.AddWithValue("$d", study.DesignJson);
            command.Parameters.AddWithValue("$p", study.PlannedRuns);
            command.Parameters.AddWithValue("$data", study.DataJson);
            command.Parameters.AddWithValue("$c", StoredRowFormat.Time(study.CreatedUtc));
            command.ExecuteNonQuery();
            tx.Commit();
            return study;
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<StoredStudy> Studies()
    {
        return Locked(() => ReadStudies(null, null));
    }

    /// <inheritdoc />
    public void ExportCsv(TextWriter writer, string? study = null) => StoredRowFormat.WriteCsv(writer, Rows(study));

    /// <inheritdoc />
    public void ExportJson(TextWriter writer, string? study = null) => StoredRowFormat.WriteJson(writer, Rows(study));

    /// <inheritdoc />
    public IReadOnlyList<string> IntegrityCheck()
    {
        return Locked(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check;";
            var lines = new List<string>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                lines.Add(reader.GetString(0));
            }

            return lines;
        });
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    /// <summary>
    /// Opens a connection and runs <paramref name="open"/> on it; the connection is closed again when that fails, and an
    /// SQLite error becomes the store's one-line message (<see cref="Translate"/>).
    /// </summary>
    private static SqliteResultStore OpenWith(string full, SqliteOpenMode mode, Func<SqliteConnection, SqliteResultStore> open)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = full, Mode = mode, Pooling = false, DefaultTimeout = 60 };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            return open(connection);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw Translate(full, e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs one operation on the connection under the store's lock, with SQLite errors as one-line messages.</summary>
    private T Locked<T>(Func<T> operation)
    {
        lock (_lock)
        {
            try
            {
                return operation();
            }
            catch (SqliteException e)
            {
                throw Translate(Path, e);
            }
        }
    }

    /// <summary>
    /// An SQLite error as one line that names the store and says what to do (docs/reliability.md): a full disk, a damaged file,
    /// a file that is no database, a lock held too long, no permission. A transaction that failed stored nothing.
    /// </summary>
    internal static Exception Translate(string path, SqliteException e)
    {
        const int Perm = 3, Busy = 5, Locked = 6, ReadOnly = 8, IoErr = 10, Corrupt = 11, Full = 13, CantOpen = 14, NotADb = 26;
        string sqlite = e.Message.Replace("SQLite Error ", "SQLite error ", StringComparison.Ordinal);
        return (e.SqliteErrorCode & 0xFF) switch
        {
            Full => new IOException($"{path}: the disk is full; SQLite could not write the store ({sqlite}). Nothing of the failed write was stored; free space and run the command again to go on.", e),
            Corrupt => new InvalidDataException($"{path}: the result store is damaged ({sqlite}); restore it from a copy, or give another --store (rows can sometimes be saved with 'sqlite3 FILE .recover').", e),
            NotADb => new InvalidDataException($"{path}: expected a study result store (SQLite), found a file that is no SQLite database ({sqlite}).", e),
            IoErr => new IOException($"{path}: a disk error while SQLite read or wrote the store ({sqlite}).", e),
            Busy or Locked => new IOException($"{path}: the store stayed locked by another process for 60 s ({sqlite}); wait for it to finish or use another --store.", e),
            ReadOnly or Perm or CantOpen => new UnauthorizedAccessException($"{path}: SQLite cannot open or write the store ({sqlite}); check the file's and its folder's permissions.", e),
            _ => new InvalidDataException($"{path}: SQLite failed on the result store ({sqlite}).", e),
        };
    }

    private void ThrowIfReadOnly()
    {
        if (_readOnly)
        {
            throw new InvalidOperationException($"{Path}: the store was opened read-only.");
        }
    }

    private List<StoredStudy> ReadStudies(string? name, SqliteTransaction? tx)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"SELECT name, question, design_json, planned_runs, data_json, created_utc FROM studies {(name is null ? "" : "WHERE name = $n ")}ORDER BY name;";
        if (name is not null)
        {
            command.Parameters.AddWithValue("$n", name);
        }

        var result = new List<StoredStudy>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(new StoredStudy(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4),
                StoredRowFormat.ParseTime(reader.GetString(5))));
        }

        return result;
    }

    private static bool HasColumn(SqliteConnection connection, SqliteTransaction tx, string table, string column)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"SELECT count(*) FROM pragma_table_info('{table}') WHERE name = $c;";
        command.Parameters.AddWithValue("$c", column);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
