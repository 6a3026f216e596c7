using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Robustness.Evaluation.Results;

/// <summary>
/// The result store in a PostgreSQL database (Npgsql), shared by worker processes on many machines (docs/scale-out.md):
/// the same <c>rows</c> and <c>studies</c> as <see cref="SqliteResultStore"/> (same columns, same values, same exports),
/// plus <c>runs</c> (the queue of claimable runs with their leases) and <c>workers</c> (every worker seen).
/// Every write is one transaction, so a row is stored once or not at all, also when the writing process is killed
/// (the server rolls back the transaction of a dropped connection). The schema is created explicitly, under an advisory
/// lock, and versioned in <c>robustness_schema</c>.
/// </summary>
/// <remarks>
/// Connections come from a pool (<see cref="NpgsqlDataSource"/>), one per operation, so the store is safe to use from
/// several threads. The seed is stored as the bigint with the same 64 bits, lists and times as the same text as in SQLite.
/// </remarks>
public sealed partial class PostgresResultStore : ISharedResultStore
{
    /// <summary>The schema version written to <c>robustness_schema</c>.</summary>
    public const int SchemaVersion = 1;

    private const long SchemaLockKey = 0x526F627573746E65; // "Robustne": serialises schema creation across processes

    private static readonly IReadOnlyList<string> _columns = StoredRowFormat.Columns;

    private readonly NpgsqlDataSource _source;
    private readonly bool _readOnly;

    private PostgresResultStore(NpgsqlDataSource source, string location, bool readOnly)
    {
        _source = source;
        Path = location;
        _readOnly = readOnly;
    }

    /// <summary>The database as <c>postgresql://user@host:port/database</c> (never the password).</summary>
    public string Path { get; }

    /// <summary>Whether a store argument names a PostgreSQL database rather than an SQLite file: a <c>postgresql://</c> or <c>postgres://</c> URI, or an Npgsql connection string (<c>Host=...;...</c>).</summary>
    /// <param name="location">The store argument.</param>
    /// <returns>True for PostgreSQL.</returns>
    public static bool IsPostgres(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || System.Text.RegularExpressions.Regex.IsMatch(location, @"(^|;)\s*(host|server)\s*=", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
    }

    /// <summary>
    /// Opens the store, creating its tables when the database has none (the database itself must exist).
    /// </summary>
    /// <param name="location">A <c>postgresql://[user[:password]@]host[:port]/database</c> URI or an Npgsql connection string; a password may also come from <c>PGPASSWORD</c> or <c>~/.pgpass</c>.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="InvalidDataException">The database holds a store of a newer schema, or the location is malformed.</exception>
    /// <exception cref="IOException">The server cannot be reached or refuses the login (the message names the database).</exception>
    public static PostgresResultStore Open(string location) => OpenCore(location, readOnly: false);

    /// <summary>Opens an existing store for reading only: nothing is created or changed, and a database without a store is refused.</summary>
    /// <param name="location">As for <see cref="Open"/>.</param>
    /// <returns>The open store; writes throw <see cref="InvalidOperationException"/>.</returns>
    public static PostgresResultStore OpenReadOnly(string location) => OpenCore(location, readOnly: true);

    private static PostgresResultStore OpenCore(string location, bool readOnly)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        var builder = Parse(location);
        builder.Pooling = true;
        if (readOnly)
        {
            builder.Options = ((builder.Options ?? "") + " -c default_transaction_read_only=on").Trim();
        }

        string display = Display(builder);
        var source = NpgsqlDataSource.Create(builder.ConnectionString);
        var store = new PostgresResultStore(source, display, readOnly);
        try
        {
            store.Guard(() =>
            {
                using var connection = source.OpenConnection();
                if (readOnly)
                {
                    long? version = SchemaVersionOf(connection, null);
                    if (version is null or < 1 or > SchemaVersion)
                    {
                        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                            $"{display}: expected a study result store (schema 1 to {SchemaVersion}), found {(version is null ? "a database without one" : $"schema version {version}")}."));
                    }

                    return 0;
                }

                using var tx = connection.BeginTransaction();
                Execute(connection, tx, $"SELECT pg_advisory_xact_lock({SchemaLockKey});");
                long? found = SchemaVersionOf(connection, tx);
                if (found > SchemaVersion)
                {
                    throw new InvalidDataException($"{display}: expected a result store of schema version {SchemaVersion} or older, found version {found}.");
                }

                if (found is null)
                {
                    Execute(connection, tx, """
                        CREATE TABLE robustness_schema (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL);
                        CREATE TABLE rows (
                          key text PRIMARY KEY, study text NOT NULL, question integer NOT NULL, architecture text NOT NULL,
                          point_id text NOT NULL, point_index integer NOT NULL, seed bigint NOT NULL, repetition integer NOT NULL,
                          gaussian_level double precision NOT NULL, fgsm_level double precision NOT NULL, class_imbalance double precision,
                          label_disturbance double precision NOT NULL, reached_class_imbalance double precision NOT NULL,
                          reached_label_disturbance double precision NOT NULL, training_images integer NOT NULL, epochs integer NOT NULL,
                          stop_reason text NOT NULL, final_loss double precision NOT NULL, training_accuracy double precision NOT NULL,
                          clean_accuracy double precision NOT NULL, benchmark_levels text NOT NULL, gaussian_accuracies text NOT NULL,
                          fgsm_accuracies text NOT NULL, gaussian_mean_accuracy double precision NOT NULL, fgsm_mean_accuracy double precision NOT NULL,
                          training_seconds double precision NOT NULL, total_seconds double precision NOT NULL, completed_utc text NOT NULL,
                          training_report_json text NOT NULL, attacks_json text NOT NULL, class_count integer NOT NULL);
                        CREATE INDEX rows_study ON rows (study, architecture, point_index, repetition);
                        CREATE TABLE studies (
                          name text PRIMARY KEY, question integer NOT NULL, design_json text NOT NULL, planned_runs integer NOT NULL,
                          data_json text NOT NULL, created_utc text NOT NULL);
                        CREATE TABLE runs (
                          key text PRIMARY KEY, study text NOT NULL REFERENCES studies (name), number integer NOT NULL, architecture text NOT NULL,
                          worker text, lease_expires timestamptz, attempts integer NOT NULL DEFAULT 0, stored timestamptz);
                        CREATE INDEX runs_study ON runs (study, number);
                        CREATE TABLE workers (
                          name text PRIMARY KEY, study text NOT NULL, started timestamptz NOT NULL, last_seen timestamptz NOT NULL,
                          stored integer NOT NULL DEFAULT 0);
                        """);
                    Execute(connection, tx, $"INSERT INTO robustness_schema (id, version) VALUES (1, {SchemaVersion});");
                }

                tx.Commit();
                return 0;
            });
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public bool Contains(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Guard(() =>
        {
            using var command = _source.CreateCommand("SELECT 1 FROM rows WHERE key = $1;");
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            return command.ExecuteScalar() is not null;
        });
    }

    /// <inheritdoc />
    public bool Add(StudyRow row)
    {
        StoredRowFormat.Validate(row);
        ThrowIfReadOnly();
        return Guard(() =>
        {
            using var connection = _source.OpenConnection();
            return InsertRow(connection, null, row);
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<StudyRow> Rows(string? study = null)
    {
        return Guard(() =>
        {
            using var command = _source.CreateCommand(
                $"SELECT {string.Join(", ", _columns)} FROM rows {(study is null ? "" : "WHERE study = $1 ")}ORDER BY study COLLATE \"C\", architecture COLLATE \"C\", point_index, repetition, key COLLATE \"C\";");
            if (study is not null)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = study });
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
        return Guard(() =>
        {
            using var connection = _source.OpenConnection();
            using var tx = connection.BeginTransaction();
            using (var insert = new NpgsqlCommand(
                "INSERT INTO studies (name, question, design_json, planned_runs, data_json, created_utc) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING;", connection, tx))
            {
                AddValues(insert, study.Name, study.Question, study.DesignJson, study.PlannedRuns, study.DataJson, StoredRowFormat.Time(study.CreatedUtc));
                insert.ExecuteNonQuery();
            }

            var existing = ReadStudies(connection, tx, study.Name)[0];
            StoredRowFormat.CheckSameStudy(Path, existing, study);

            tx.Commit();
            return existing;
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<StoredStudy> Studies()
    {
        return Guard(() =>
        {
            using var connection = _source.OpenConnection();
            return ReadStudies(connection, null, null);
        });
    }

    /// <inheritdoc />
    public void ExportCsv(TextWriter writer, string? study = null) => StoredRowFormat.WriteCsv(writer, Rows(study));

    /// <inheritdoc />
    public void ExportJson(TextWriter writer, string? study = null) => StoredRowFormat.WriteJson(writer, Rows(study));

    /// <summary>
    /// Checks what the schema cannot: the schema version, every row's lists as long as its benchmark levels, every row's
    /// and queued run's study recorded.
    /// </summary>
    /// <returns>The single line <c>ok</c>, else one line per problem.</returns>
    public IReadOnlyList<string> IntegrityCheck()
    {
        return Guard(() =>
        {
            using var connection = _source.OpenConnection();
            var problems = new List<string>();
            if (SchemaVersionOf(connection, null) is not SchemaVersion and var v)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"schema version {v?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, expected {SchemaVersion}"));
            }

            using (var command = new NpgsqlCommand("""
                SELECT key FROM rows WHERE json_array_length(gaussian_accuracies::json) <> json_array_length(benchmark_levels::json)
                  OR json_array_length(fgsm_accuracies::json) <> json_array_length(benchmark_levels::json) ORDER BY key;
                """, connection))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    problems.Add($"row {reader.GetString(0)}: its accuracy lists do not match its benchmark levels");
                }
            }

            using (var command = new NpgsqlCommand("SELECT DISTINCT study FROM rows WHERE study NOT IN (SELECT name FROM studies) ORDER BY study;", connection))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    problems.Add($"study {reader.GetString(0)}: rows without a recorded design");
                }
            }

            return problems.Count == 0 ? ["ok"] : problems;
        });
    }

    /// <inheritdoc />
    public void Dispose() => _source.Dispose();

    /// <summary>A store argument as an Npgsql connection string: a <c>postgresql://</c> URI (user, password, host, port, database, <c>?key=value</c> options) or a connection string as it is.</summary>
    internal static NpgsqlConnectionStringBuilder Parse(string location)
    {
        if (!location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) && !location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(location);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"The PostgreSQL connection string is malformed: {e.Message}", e);
            }
        }

        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new InvalidDataException($"'{Mask(location)}' is not a PostgreSQL URI of the form postgresql://user@host:port/database.");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port };
        string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0)
        {
            throw new InvalidDataException($"'{Mask(location)}' names no database: give postgresql://user@host:port/database.");
        }

        builder.Database = database;
        if (uri.UserInfo.Length > 0)
        {
            string[] user = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(user[0]);
            if (user.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(user[1]);
            }
        }

        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            try
            {
                builder[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"'{Mask(location)}': the option '{kv[0]}' is not an Npgsql connection setting ({e.Message}).", e);
            }
        }

        return builder;
    }

    private static string Display(NpgsqlConnectionStringBuilder builder) =>
        string.Create(CultureInfo.InvariantCulture, $"postgresql://{(string.IsNullOrEmpty(builder.Username) ? "" : Uri.EscapeDataString(builder.Username) + "@")}{builder.Host}:{builder.Port}/{builder.Database}");

    private static string Mask(string location)
    {
        int at = location.IndexOf('@', StringComparison.Ordinal);
        int colon = location.IndexOf(':', location.IndexOf("//", StringComparison.Ordinal) + 2);
        return at > 0 && colon > 0 && colon < at ? location[..(colon + 1)] + "***" + location[at..] : location;
    }

    private static bool InsertRow(NpgsqlConnection connection, NpgsqlTransaction? tx, StudyRow row)
    {
        using var command = new NpgsqlCommand(
            $"INSERT INTO rows ({string.Join(", ", _columns)}) VALUES ({string.Join(", ", _columns.Select((_, i) => "$" + (i + 1).ToString(CultureInfo.InvariantCulture)))}) ON CONFLICT (key) DO NOTHING;",
            connection, tx);
        object?[] values = StoredRowFormat.Values(row);
        foreach (object? value in values)
        {
            command.Parameters.Add(value is null ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double } : new NpgsqlParameter { Value = value });
        }

        return command.ExecuteNonQuery() == 1;
    }

    private static List<StoredStudy> ReadStudies(NpgsqlConnection connection, NpgsqlTransaction? tx, string? name)
    {
        using var command = new NpgsqlCommand(
            $"SELECT name, question, design_json, planned_runs, data_json, created_utc FROM studies {(name is null ? "" : "WHERE name = $1 ")}ORDER BY name COLLATE \"C\";", connection, tx);
        if (name is not null)
        {
            AddValues(command, name);
        }

        var result = new List<StoredStudy>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(new StoredStudy(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4), StoredRowFormat.ParseTime(reader.GetString(5))));
        }

        return result;
    }

    private static long? SchemaVersionOf(NpgsqlConnection connection, NpgsqlTransaction? tx)
    {
        using var exists = new NpgsqlCommand("SELECT to_regclass('robustness_schema') IS NOT NULL;", connection, tx);
        if (exists.ExecuteScalar() is not true)
        {
            return null;
        }

        using var command = new NpgsqlCommand("SELECT version FROM robustness_schema WHERE id = 1;", connection, tx);
        return command.ExecuteScalar() is int v ? v : null;
    }

    private static void AddValues(NpgsqlCommand command, params object[] values)
    {
        foreach (object value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        command.ExecuteNonQuery();
    }

    private void ThrowIfReadOnly()
    {
        if (_readOnly)
        {
            throw new InvalidOperationException($"{Path}: the store was opened read-only.");
        }
    }

    /// <summary>Runs one operation with PostgreSQL and network errors as one-line messages that name the database.</summary>
    private T Guard<T>(Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (PostgresException e)
        {
            throw e.SqlState switch
            {
                PostgresErrorCodes.InvalidCatalogName => new IOException($"{Path}: the database does not exist; create it (createdb) or give another --store.", e),
                PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
                    new UnauthorizedAccessException($"{Path}: PostgreSQL refused the login ({e.MessageText}); check the user and the password (PGPASSWORD or ~/.pgpass).", e),
                PostgresErrorCodes.InsufficientPrivilege => new UnauthorizedAccessException($"{Path}: PostgreSQL refused the operation ({e.MessageText}); the user needs rights on the store's tables.", e),
                PostgresErrorCodes.DiskFull => new IOException($"{Path}: the database server's disk is full ({e.MessageText}); nothing of the failed write was stored.", e),
                PostgresErrorCodes.ReadOnlySqlTransaction => new InvalidOperationException($"{Path}: the store was opened read-only.", e),
                _ => new InvalidDataException($"{Path}: PostgreSQL failed on the result store ({e.SqlState}: {e.MessageText}).", e),
            };
        }
        catch (NpgsqlException e)
        {
            throw new IOException($"{Path}: cannot reach the PostgreSQL server ({e.InnerException?.Message ?? e.Message}); nothing of the failed operation was stored.", e);
        }
    }
}
