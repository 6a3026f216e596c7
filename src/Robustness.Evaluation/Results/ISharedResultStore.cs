namespace Robustness.Evaluation.Results;

/// <summary>
/// A result store that several worker processes share (<see cref="PostgresResultStore"/>): besides the rows it holds a
/// queue of a study's runs that workers claim with a lease (docs/scale-out.md). A run is finished when its row is stored;
/// a claim lasts until its lease expires unless the worker renews it, so the run of a killed worker is claimed again.
/// Every method is safe to call from several threads (the heartbeat renews on its own thread).
/// </summary>
public interface ISharedResultStore : IResultStore
{
    /// <summary>Adds the runs of a study to its queue; runs already queued are kept as they are.</summary>
    /// <param name="study">The study's name.</param>
    /// <param name="runs">Every run of the design, in the design's order.</param>
    void Enqueue(string study, IReadOnlyList<QueuedRun> runs);

    /// <summary>
    /// Claims the first run of the study (in design order) that has no row and no live lease, for <paramref name="lease"/>;
    /// concurrent claims never return the same run (<c>FOR UPDATE SKIP LOCKED</c>).
    /// </summary>
    /// <param name="study">The study's name.</param>
    /// <param name="worker">The claiming worker's name.</param>
    /// <param name="lease">How long the claim lasts unless renewed.</param>
    /// <returns>The claim, or null when no run is free now (all stored, or the rest claimed by live workers).</returns>
    RunLease? Claim(string study, string worker, TimeSpan lease);

    /// <summary>Extends a claim and records the worker as seen now (the heartbeat).</summary>
    /// <param name="lease">The claim.</param>
    /// <param name="duration">The new lease, from now.</param>
    /// <returns>False when the claim is no longer this worker's (it expired and another worker claimed the run).</returns>
    bool Renew(RunLease lease, TimeSpan duration);

    /// <summary>Stores the claimed run's row and ends the claim in one transaction: both happen or neither.</summary>
    /// <param name="lease">The claim.</param>
    /// <param name="row">The run's row.</param>
    /// <returns>True when the row was added; false when another worker had stored it first (the stored row is kept).</returns>
    bool Complete(RunLease lease, StudyRow row);

    /// <summary>Gives a claim up at once (a cancelled or failed run) so that another worker can take the run without waiting for the lease to expire.</summary>
    /// <param name="lease">The claim.</param>
    void Release(RunLease lease);

    /// <summary>
    /// Holds a lock that one process at a time holds across all workers (a PostgreSQL advisory lock, released when the
    /// handle is disposed or the process dies): the preparation of clean models and suites in a shared work folder.
    /// </summary>
    /// <param name="name">What is locked (e.g. the work folder's path).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The held lock; dispose it to release.</returns>
    IDisposable Lock(string name, CancellationToken cancellationToken = default);

    /// <summary>Records a worker as started (or seen again) on a study.</summary>
    /// <param name="worker">The worker's name.</param>
    /// <param name="study">The study it works on.</param>
    void RegisterWorker(string worker, string study);

    /// <summary>The queue of a study: runs stored, claimed under a live lease, and left, and the workers seen.</summary>
    /// <param name="study">The study's name.</param>
    /// <returns>The state.</returns>
    RunQueueState Queue(string study);
}

/// <summary>A run as queued: its key, its number (1-based, design order) and architecture.</summary>
/// <param name="Key">The run key (<see cref="StudyRow.Key"/>).</param>
/// <param name="Number">Its position in the design's runs, from 1.</param>
/// <param name="Architecture">The architecture it trains.</param>
public sealed record QueuedRun(string Key, int Number, string Architecture);

/// <summary>A worker's claim on a run.</summary>
/// <param name="Study">The study.</param>
/// <param name="Key">The run key.</param>
/// <param name="Number">The run's number (1-based, design order).</param>
/// <param name="Worker">The worker holding it.</param>
/// <param name="Attempt">How many times the run has been claimed, this claim included (more than 1: an earlier worker died or gave it up).</param>
public sealed record RunLease(string Study, string Key, int Number, string Worker, int Attempt);

/// <summary>The state of a study's queue.</summary>
/// <param name="Queued">Runs in the queue.</param>
/// <param name="Stored">Runs whose row is stored.</param>
/// <param name="Claimed">Runs without a row under a live lease.</param>
/// <param name="Left">Runs without a row and without a live lease (never claimed, released, or their worker's lease expired).</param>
/// <param name="Workers">The workers seen on the study, by name.</param>
public sealed record RunQueueState(int Queued, int Stored, int Claimed, int Left, IReadOnlyList<WorkerSeen> Workers);

/// <summary>A worker as the store saw it.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Started">When it registered.</param>
/// <param name="LastSeen">Its last heartbeat or claim.</param>
/// <param name="Stored">Rows it stored.</param>
/// <param name="Current">The run it holds a live lease on, if any.</param>
public sealed record WorkerSeen(string Name, DateTimeOffset Started, DateTimeOffset LastSeen, int Stored, string? Current);
