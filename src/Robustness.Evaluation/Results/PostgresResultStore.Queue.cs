using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Robustness.Evaluation.Designs;

namespace Robustness.Evaluation.Results;

/// <summary>The claim queue of <see cref="PostgresResultStore"/> (docs/scale-out.md): enqueue, claim with a lease, renew, complete with the row in one transaction, release, named locks; rows and studies are in PostgresResultStore.cs.</summary>
public sealed partial class PostgresResultStore
{
    /// <inheritdoc />
    public void Enqueue(string study, IReadOnlyList<QueuedRun> runs)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(runs);
        ThrowIfReadOnly();
        Guard(() =>
        {
            using var command = _source.CreateCommand("""
                INSERT INTO runs (key, study, number, architecture)
                SELECT k, $1, n, a FROM unnest($2::text[], $3::integer[], $4::text[]) AS q (k, n, a) ON CONFLICT (key) DO NOTHING;
                """);
            AddValues(command, study, runs.Select(r => r.Key).ToArray(), runs.Select(r => r.Number).ToArray(), runs.Select(r => r.Architecture).ToArray());
            return command.ExecuteNonQuery();
        });
    }

    /// <inheritdoc />
    public RunLease? Claim(string study, string worker, TimeSpan lease)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(worker);
        ThrowIfReadOnly();
        return Guard(() =>
        {
            using var connection = _source.OpenConnection();
            using var tx = connection.BeginTransaction();
            RunLease? claimed = null;
            using (var command = new NpgsqlCommand("""
                UPDATE runs SET worker = $2, lease_expires = clock_timestamp() + make_interval(secs => $3), attempts = attempts + 1
                WHERE key = (
                  SELECT q.key FROM runs q
                  WHERE q.study = $1 AND q.stored IS NULL AND (q.lease_expires IS NULL OR q.lease_expires < clock_timestamp())
                    AND NOT EXISTS (SELECT 1 FROM rows r WHERE r.key = q.key)
                  ORDER BY q.number LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING key, number, attempts;
                """, connection, tx))
            {
                AddValues(command, study, worker, lease.TotalSeconds);
                using var reader = command.ExecuteReader();
                if (reader.Read())
                {
                    claimed = new RunLease(study, reader.GetString(0), reader.GetInt32(1), worker, reader.GetInt32(2));
                }
            }

            Seen(connection, tx, worker);
            tx.Commit();
            return claimed;
        });
    }

    /// <inheritdoc />
    public bool Renew(RunLease lease, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ThrowIfReadOnly();
        return Guard(() =>
        {
            using var connection = _source.OpenConnection();
            using var tx = connection.BeginTransaction();
            using var command = new NpgsqlCommand(
                "UPDATE runs SET lease_expires = clock_timestamp() + make_interval(secs => $4) WHERE key = $1 AND worker = $2 AND attempts = $3 AND lease_expires IS NOT NULL;",
                connection, tx);
            AddValues(command, lease.Key, lease.Worker, lease.Attempt, duration.TotalSeconds);
            bool held = command.ExecuteNonQuery() == 1;
            Seen(connection, tx, lease.Worker);
            tx.Commit();
            return held;
        });
    }

    /// <inheritdoc />
    public bool Complete(RunLease lease, StudyRow row)
    {
        ArgumentNullException.ThrowIfNull(lease);
        StoredRowFormat.Validate(row);
        if (!string.Equals(lease.Key, row.Key, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The row '{row.Key}' is not the claimed run '{lease.Key}'.", nameof(row));
        }

        ThrowIfReadOnly();
        return Guard(() =>
        {
            using var connection = _source.OpenConnection();
            using var tx = connection.BeginTransaction();
            bool added = InsertRow(connection, tx, row);

            // The run is marked stored on its own row: a concurrent claim that rechecks this row (READ COMMITTED) sees it.
            using (var command = new NpgsqlCommand("UPDATE runs SET lease_expires = NULL, stored = clock_timestamp() WHERE key = $1;", connection, tx))
            {
                AddValues(command, lease.Key);
                command.ExecuteNonQuery();
            }

            using (var command = new NpgsqlCommand("UPDATE workers SET stored = stored + $2, last_seen = clock_timestamp() WHERE name = $1;", connection, tx))
            {
                AddValues(command, lease.Worker, added ? 1 : 0);
                command.ExecuteNonQuery();
            }

            tx.Commit();
            return added;
        });
    }

    /// <inheritdoc />
    public void Release(RunLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ThrowIfReadOnly();
        Guard(() =>
        {
            using var command = _source.CreateCommand("UPDATE runs SET worker = NULL, lease_expires = NULL WHERE key = $1 AND worker = $2 AND attempts = $3;");
            AddValues(command, lease.Key, lease.Worker, lease.Attempt);
            return command.ExecuteNonQuery();
        });
    }

    /// <inheritdoc />
    public IDisposable Lock(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        long key = BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("robustness-lock\n" + name)), 0);
        return Guard(() =>
        {
            var connection = _source.OpenConnection();
            try
            {
                using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1);", connection) { CommandTimeout = 0 };
                AddValues(command, key);
                using (cancellationToken.Register(command.Cancel))
                {
                    command.ExecuteNonQuery();
                }

                return new AdvisoryLock(connection, key);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.QueryCanceled)
            {
                connection.Dispose();
                throw new OperationCanceledException(cancellationToken);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        });
    }

    /// <inheritdoc />
    public void RegisterWorker(string worker, string study)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(study);
        ThrowIfReadOnly();
        Guard(() =>
        {
            using var command = _source.CreateCommand("""
                INSERT INTO workers (name, study, started, last_seen) VALUES ($1, $2, clock_timestamp(), clock_timestamp())
                ON CONFLICT (name) DO UPDATE SET study = EXCLUDED.study, last_seen = EXCLUDED.last_seen;
                """);
            AddValues(command, worker, study);
            return command.ExecuteNonQuery();
        });
    }

    /// <inheritdoc />
    public RunQueueState Queue(string study)
    {
        ArgumentNullException.ThrowIfNull(study);
        return Guard(() =>
        {
            using var connection = _source.OpenConnection();
            int queued, stored, claimed;
            using (var command = new NpgsqlCommand("""
                SELECT count(*)::int,
                       count(*) FILTER (WHERE q.stored IS NOT NULL OR EXISTS (SELECT 1 FROM rows r WHERE r.key = q.key))::int,
                       count(*) FILTER (WHERE q.stored IS NULL AND NOT EXISTS (SELECT 1 FROM rows r WHERE r.key = q.key) AND q.lease_expires >= clock_timestamp())::int
                FROM runs q WHERE q.study = $1;
                """, connection))
            {
                AddValues(command, study);
                using var reader = command.ExecuteReader();
                reader.Read();
                (queued, stored, claimed) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
            }

            var workers = new List<WorkerSeen>();
            using (var command = new NpgsqlCommand("""
                SELECT w.name, w.started, w.last_seen, w.stored,
                       (SELECT q.key FROM runs q WHERE q.worker = w.name AND q.lease_expires >= clock_timestamp() ORDER BY q.number LIMIT 1)
                FROM workers w WHERE w.study = $1 ORDER BY w.started, w.name COLLATE "C";
                """, connection))
            {
                AddValues(command, study);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    workers.Add(new WorkerSeen(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetInt32(3),
                        reader.IsDBNull(4) ? null : reader.GetString(4)));
                }
            }

            return new RunQueueState(queued, stored, claimed, queued - stored - claimed, workers);
        });
    }

    private static void Seen(NpgsqlConnection connection, NpgsqlTransaction tx, string worker)
    {
        using var command = new NpgsqlCommand("UPDATE workers SET last_seen = clock_timestamp() WHERE name = $1;", connection, tx);
        AddValues(command, worker);
        command.ExecuteNonQuery();
    }

    /// <summary>A held advisory lock: its own connection, unlocked and closed on dispose (the server releases it if the process dies).</summary>
    private sealed class AdvisoryLock(NpgsqlConnection connection, long key) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            try
            {
                using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1);", connection);
                command.Parameters.Add(new NpgsqlParameter { Value = key });
                command.ExecuteNonQuery();
            }
            catch (NpgsqlException)
            {
                // Closing the connection below releases the lock too.
            }
            finally
            {
                connection.Dispose();
            }
        }
    }
}
