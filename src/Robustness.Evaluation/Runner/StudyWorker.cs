using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Robustness.Evaluation.Benchmarks;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;

namespace Robustness.Evaluation.Runner;

/// <summary>How a worker shares a study with other workers (<see cref="StudyRunner.RunWorker"/>, docs/scale-out.md).</summary>
public sealed record StudyWorkerOptions
{
    /// <summary>The most a lease lasts; a lease shorter than a second leaves no time for a heartbeat.</summary>
    public static readonly TimeSpan MaxLease = TimeSpan.FromDays(1);

    /// <summary>The worker's name in the store (unique among the study's workers, e.g. host:pid or the Slurm array task).</summary>
    public required string Name { get; init; }

    /// <summary>How long a claim lasts without a heartbeat; a worker that dies is replaced after at most this long. Default 5 minutes.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The heartbeat interval: a third of <see cref="Lease"/>, so that two missed beats still hold the claim.</summary>
    public TimeSpan Heartbeat => Lease / 3;

    /// <summary>Checks the name and the lease.</summary>
    /// <exception cref="ArgumentException">The name is empty or the lease is outside 1 s to 1 day.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Name);
        if (Lease < TimeSpan.FromSeconds(1) || Lease > MaxLease)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The lease {Lease.TotalSeconds:R} s is outside 1 s to {MaxLease.TotalSeconds:R} s."), nameof(Lease));
        }
    }
}

public sealed partial class StudyRunner
{
    /// <summary>
    /// Works on a study that other workers share through <paramref name="store"/>: records the study and queues its runs
    /// (both idempotent), then claims one run at a time with a lease that a heartbeat renews, trains and scores it, and
    /// stores its row and ends the claim in one transaction; when no run is free but others hold live leases it waits, so
    /// that the run of a worker that died is taken over once its lease expires. Clean models and suites are prepared under
    /// the store's lock on the work folder, so the first worker builds them and the others load them (verified by their
    /// checksums and manifests). Rows equal those of <see cref="Run"/> with the same design and seeds on the CPU.
    /// </summary>
    /// <param name="design">The design (the same for every worker).</param>
    /// <param name="data">The data (the same for every worker).</param>
    /// <param name="store">The shared store.</param>
    /// <param name="worker">The worker's name and lease.</param>
    /// <param name="options">Work folder (on a file system every worker sees) and suite settings.</param>
    /// <param name="progress">Progress reports.</param>
    /// <param name="cancellationToken">Cancels between batches; the claim is given up so another worker takes the run at once.</param>
    /// <returns>What this worker did: <see cref="StudyRunSummary.CompletedRuns"/> are the rows it stored.</returns>
    public StudyRunSummary RunWorker(StudyDesign design, StudyData data, ISharedResultStore store, StudyWorkerOptions worker, StudyRunOptions options,
        IProgress<StudyProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(options);
        worker.Validate();
        if (options.Shard is not null)
        {
            throw new ArgumentException("A worker claims runs from the shared store; it takes no shard.", nameof(options));
        }

        var clock = Stopwatch.StartNew();
        var plan = Plan(design, data, options);
        string study = design.StudyName;
        store.RecordStudy(plan.Record);
        store.Enqueue(study, [.. plan.Runs.Select((r, i) => new QueuedRun(r.Key, i + 1, r.Architecture))]);
        store.RegisterWorker(worker.Name, study);
        int storedBefore = store.Queue(study).Stored; // one query, not one per run
        var session = new Session(plan, progress, clock, storedBefore);
        LogWorkerStart(worker.Name, study, plan.Runs.Count, storedBefore, worker.Lease.TotalSeconds);

        var cache = new SuiteCache(plan.SuiteFolder);
        var prepared = new Dictionary<string, PreparedArchitecture>(StringComparer.Ordinal);
        int trained = 0, loaded = 0, completed = 0;
        bool cleaned = false;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var lease = store.Claim(study, worker.Name, worker.Lease);
                if (lease is null)
                {
                    var queue = store.Queue(study);
                    if (queue.Claimed == 0 && queue.Left == 0)
                    {
                        break;
                    }

                    // Others hold the rest: wait, then look again (a dead worker's lease expires and its run becomes free).
                    session.Report(StudyStage.Waiting, "", 0, null, 0, string.Create(CultureInfo.InvariantCulture,
                        $"{worker.Name}: waiting; {queue.Stored}/{queue.Queued} stored, {queue.Claimed} claimed by other workers"));
                    cancellationToken.WaitHandle.WaitOne(worker.Heartbeat < TimeSpan.FromSeconds(5) ? worker.Heartbeat : TimeSpan.FromSeconds(5));
                    continue;
                }

                var run = plan.Runs[lease.Number - 1];
                if (!string.Equals(run.Key, lease.Key, StringComparison.Ordinal))
                {
                    store.Release(lease);
                    throw new InvalidOperationException($"{store.Path}: queued run {lease.Number} of study '{study}' is '{lease.Key}', but this design's run {lease.Number} is '{run.Key}'.");
                }

                if (lease.Attempt > 1)
                {
                    LogTakenOver(worker.Name, lease.Key, lease.Attempt);
                }

                using var heartbeat = new Timer(_ => Beat(store, lease, worker), null, worker.Heartbeat, worker.Heartbeat);
                try
                {
                    if (!prepared.TryGetValue(run.Architecture, out var architecture))
                    {
                        using (store.Lock("prepare\n" + plan.WorkFolder, cancellationToken))
                        {
                            Directory.CreateDirectory(plan.ModelFolder);
                            Directory.CreateDirectory(plan.SuiteFolder);
                            if (!cleaned)
                            {
                                // Only under the lock: no other worker is writing a temporary here now.
                                RemoveStaleTemporaries(plan.ModelFolder);
                                RemoveStaleTemporaries(plan.SuiteFolder);
                                cleaned = true;
                            }

                            architecture = Prepare(plan, run.Architecture, cache, session, cancellationToken);
                        }

                        prepared[run.Architecture] = architecture;
                        _ = architecture.CleanTrained ? trained++ : loaded++;
                    }

                    var row = RunOne(plan, architecture, run, lease.Number, session, cancellationToken);
                    heartbeat.Dispose();
                    bool added = store.Complete(lease, row);
                    session.Finished(row.TotalSeconds);
                    if (added)
                    {
                        completed++;
                        LogRow(run.Key, row.TrainingAccuracy, row.CleanAccuracy, row.GaussianMeanAccuracy, row.FgsmMeanAccuracy, row.TotalSeconds);
                    }

                    session.Report(StudyStage.RunFinished, run.Architecture, lease.Number, run, row.Epochs, string.Create(CultureInfo.InvariantCulture,
                        $"{Label(plan, run, lease.Number)}: {(added ? "stored" : "already stored by another worker")}; test {row.CleanAccuracy:P2}, MNIST-C {row.GaussianMeanAccuracy:P2}, MNIST-A {row.FgsmMeanAccuracy:P2}, {row.TotalSeconds:F1} s"));
                }
                catch
                {
                    heartbeat.Dispose();
                    TryRelease(store, lease);
                    throw;
                }
            }
        }
        finally
        {
            foreach (var p in prepared.Values)
            {
                p.Dispose();
            }
        }

        LogDone(study, completed, storedBefore, clock.Elapsed.TotalSeconds);
        return new StudyRunSummary(study, plan.Runs.Count, storedBefore, completed, trained, loaded, cache.BuildCount, cache.LoadCount, clock.Elapsed)
        {
            WorkDirectory = plan.WorkFolder,
            SuiteDirectory = plan.SuiteFolder,
            CleanCheckpoints = prepared.ToDictionary(p => p.Key, p => p.Value.CleanPath, StringComparer.Ordinal),
            SuiteFolders = [.. prepared.Values.SelectMany(p => p.SuiteFolders).Distinct(StringComparer.Ordinal)],
        };
    }

    private void Beat(ISharedResultStore store, RunLease lease, StudyWorkerOptions worker)
    {
        try
        {
            if (!store.Renew(lease, worker.Lease))
            {
                LogLeaseLost(worker.Name, lease.Key);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException)
        {
            LogHeartbeatFailed(worker.Name, lease.Key, e.Message);
        }
    }

    private void TryRelease(ISharedResultStore store, RunLease lease)
    {
        try
        {
            store.Release(lease);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException)
        {
            LogHeartbeatFailed(lease.Worker, lease.Key, e.Message);
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Worker {Worker} on study {Study}: {Planned} runs, {Stored} stored already; lease {Lease:R} s")]
    private partial void LogWorkerStart(string worker, string study, int planned, int stored, double lease);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Worker {Worker} takes over {Key} (claim {Attempt}): an earlier worker's lease expired or it gave the run up")]
    private partial void LogTakenOver(string worker, string key, int attempt);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Worker {Worker}: the lease on {Key} expired and another worker claimed it; both store the same row, the first one is kept")]
    private partial void LogLeaseLost(string worker, string key);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "Worker {Worker}: the heartbeat for {Key} failed ({Reason}); the lease may expire")]
    private partial void LogHeartbeatFailed(string worker, string key, string reason);
}
