using System.Globalization;
using System.Text.Json;

namespace Robustness.Evaluation.Results;

/// <summary>What <see cref="ResultStoreMerge.Merge"/> did.</summary>
/// <param name="Studies">The studies found in the sources (each recorded in the target).</param>
/// <param name="Added">Rows added to the target.</param>
/// <param name="AlreadyStored">Rows the target held already, with the same results (a shard merged twice, say).</param>
public sealed record StoreMergeSummary(IReadOnlyList<string> Studies, int Added, int AlreadyStored);

/// <summary>
/// Combines result stores of the same studies into one (<c>study merge</c>: the stores of <c>study run --shard K/N</c>,
/// docs/scale-out.md). Everything is checked before anything is written: every study must have one design and one data
/// identity across the sources and the target, and a run stored twice must have the same results (times aside), else the
/// merge refuses, naming the study or the run, and the target is left as it was.
/// </summary>
public static class ResultStoreMerge
{
    /// <summary>Merges <paramref name="sources"/> into <paramref name="target"/>.</summary>
    /// <param name="target">The store to add to (may already hold some of the rows).</param>
    /// <param name="sources">The stores to take studies and rows from.</param>
    /// <returns>What was merged.</returns>
    /// <exception cref="InvalidOperationException">Two stores disagree on a study's design or data, or on a run's results.</exception>
    public static StoreMergeSummary Merge(IResultStore target, IReadOnlyList<IResultStore> sources)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);
        var studies = new Dictionary<string, (StoredStudy Study, string Store)>(StringComparer.Ordinal);
        foreach (var (study, store) in target.Studies().Select(s => (s, target.Path)).Concat(sources.SelectMany(src => src.Studies().Select(s => (s, src.Path)))))
        {
            if (!studies.TryGetValue(study.Name, out var first))
            {
                studies[study.Name] = (study, store);
            }
            else if (first.Study.DesignJson != study.DesignJson || first.Study.DataJson != study.DataJson)
            {
                string what = first.Study.DesignJson != study.DesignJson ? "design" : "data";
                throw new InvalidOperationException($"study '{study.Name}' has another {what} in {store} than in {first.Store}; only stores of the same study (the same command with another --shard) can be merged.");
            }
        }

        var rows = new Dictionary<string, (StudyRow Row, string Store)>(StringComparer.Ordinal);
        foreach (var row in target.Rows())
        {
            rows[row.Key] = (row, target.Path);
        }

        var toAdd = new List<StudyRow>();
        int already = 0;
        foreach (var source in sources)
        {
            foreach (var row in source.Rows())
            {
                if (!studies.ContainsKey(row.Study))
                {
                    throw new InvalidOperationException($"{source.Path}: run '{row.Key}' belongs to study '{row.Study}', which the store does not record.");
                }

                if (rows.TryGetValue(row.Key, out var stored))
                {
                    if (Results(stored.Row) != Results(row))
                    {
                        throw new InvalidOperationException($"run '{row.Key}' has other results in {source.Path} than in {stored.Store} (training accuracy {stored.Row.TrainingAccuracy.ToString("R", CultureInfo.InvariantCulture)} vs {row.TrainingAccuracy.ToString("R", CultureInfo.InvariantCulture)}); the stores were not made by the same runs.");
                    }

                    already++;
                    continue;
                }

                rows[row.Key] = (row, source.Path);
                toAdd.Add(row);
            }
        }

        foreach (var (study, _) in studies.Values)
        {
            target.RecordStudy(study);
        }

        foreach (var row in toAdd)
        {
            target.Add(row);
        }

        return new StoreMergeSummary([.. studies.Keys.Order(StringComparer.Ordinal)], toAdd.Count, already);
    }

    /// <summary>A run's results without what differs between two runs of it (times; the training report holds them too).</summary>
    internal static string Results(StudyRow row) => JsonSerializer.Serialize(row with
    {
        TrainingSeconds = 0,
        TotalSeconds = 0,
        CompletedUtc = default,
        TrainingReportJson = "",
    });
}
