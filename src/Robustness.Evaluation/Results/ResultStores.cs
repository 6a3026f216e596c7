namespace Robustness.Evaluation.Results;

/// <summary>
/// Opens the store a store argument names: a <c>postgresql://</c> URI or an Npgsql connection string opens a
/// <see cref="PostgresResultStore"/> (shared by workers, docs/scale-out.md), anything else an <see cref="SqliteResultStore"/> file.
/// </summary>
public static class ResultStores
{
    /// <summary>Opens a store for writing, creating it when absent.</summary>
    /// <param name="location">A file path, a <c>postgresql://user@host:port/database</c> URI or a connection string.</param>
    /// <returns>The open store.</returns>
    public static IResultStore Open(string location) =>
        PostgresResultStore.IsPostgres(location) ? PostgresResultStore.Open(location) : SqliteResultStore.Open(location);

    /// <summary>Opens an existing store for reading only; nothing is created or changed.</summary>
    /// <param name="location">As for <see cref="Open"/>.</param>
    /// <returns>The open store.</returns>
    public static IResultStore OpenReadOnly(string location) =>
        PostgresResultStore.IsPostgres(location) ? PostgresResultStore.OpenReadOnly(location) : SqliteResultStore.OpenReadOnly(location);

    /// <summary>Whether a stored location exists (a file; a PostgreSQL database is taken to exist and is checked on open).</summary>
    /// <param name="location">As for <see cref="Open"/>.</param>
    /// <returns>True when it may be opened read-only.</returns>
    public static bool Exists(string location) => PostgresResultStore.IsPostgres(location) || File.Exists(location);

    /// <summary>A store argument as shown and compared: the full path of a file, a PostgreSQL location as given.</summary>
    /// <param name="location">As for <see cref="Open"/>.</param>
    /// <returns>The normalised location.</returns>
    public static string Normalize(string location) => PostgresResultStore.IsPostgres(location) ? location : Path.GetFullPath(location);
}
