using Npgsql;
using Robustness.Tests.Shared;

namespace Robustness.Evaluation.Tests.Results;

/// <summary>
/// A fresh, empty PostgreSQL database per test on the server named by ROBUSTNESS_TEST_POSTGRES (an Npgsql connection
/// string; .ci/servers/postgres.sh starts one and sets it), dropped again on dispose. Without the variable the test is
/// ignored with the reason, and under CI it fails: CI starts the server and must skip nothing.
/// </summary>
internal sealed class TestPostgres : IDisposable
{
    public const string Variable = "ROBUSTNESS_TEST_POSTGRES";

    private readonly string _admin;

    public TestPostgres()
    {
        string? server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(server))
        {
            const string Reason = $"{Variable} is not set: no PostgreSQL server for the shared-store tests (.ci/servers/postgres.sh start sets it).";
            if (TestData.InCi)
            {
                Assert.Fail(Reason);
            }

            Assert.Ignore(Reason);
        }

        _admin = server;
        Name = "robustness_t_" + Guid.NewGuid().ToString("N")[..12];
        Execute($"CREATE DATABASE {Name};");
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = Name }.ConnectionString;
        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        Uri = $"postgresql://{b.Username}@{b.Host}:{b.Port}/{Name}";
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>An Npgsql connection string for it.</summary>
    public string ConnectionString { get; }

    /// <summary>The same as a postgresql:// URI (no password: the test server trusts loopback).</summary>
    public string Uri { get; }

    /// <summary>Runs SQL in the test database.</summary>
    public object? Scalar(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Execute($"DROP DATABASE IF EXISTS {Name} WITH (FORCE);");
    }

    private void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_admin) { Pooling = false }.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
