using Robustness.Evaluation.Results;

namespace Robustness.Cli.Tests;

/// <summary>A store's rows as JSON without what differs between two runs of the same run (times; the training report holds them too).</summary>
internal static class StoreRows
{
    /// <summary>The rows of a store (an SQLite file or a PostgreSQL location).</summary>
    public static List<string> Results(string store)
    {
        using var results = ResultStores.OpenReadOnly(store);
        return [.. results.Rows().Select(r => System.Text.Json.JsonSerializer.Serialize(r with
        {
            TrainingSeconds = 0,
            TotalSeconds = 0,
            CompletedUtc = default,
            TrainingReportJson = "",
        }))];
    }
}
