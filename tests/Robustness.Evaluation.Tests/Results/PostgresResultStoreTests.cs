using System.Collections.Concurrent;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Evaluation.Runner;
using Robustness.Evaluation.Tests.Runner;
using Robustness.Tests.Shared;

namespace Robustness.Evaluation.Tests.Results;

/// <summary>The PostgreSQL store against a real server: the same rows and exports as SQLite, the claim queue, leases, locks, read-only opening.</summary>
[NonParallelizable]
public sealed class PostgresResultStoreTests
{
    private static StudyRow Row(string key, int index, ulong seed, double? ci = null) =>
        RoundTripRows.Row(key.Split('/')[0], "rq2-f" + index, index, seed, ci) with
        {
            Key = key,
            FgsmAccuracies = [0.5, 0.25, 1.0 / 3],
            Attacks = [new AttackScore("pgd", true, [0.4, 0.3, 0.2], 0.3, 1.25)],
        };

    private static StoredStudy Study(string name, string design = "{\"d\":1}") => new(name, 2, design, 40, "{\"data\":1}", new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    private static QueuedRun[] Runs(string study, int count) => [.. Enumerable.Range(1, count).Select(i => new QueuedRun($"{study}/lenet5/p{i}/s1", i, "lenet5"))];

    [Test]
    public void Rows_RoundTripEveryField_AndExportTheSameBytesAsSqlite()
    {
        using var db = new TestPostgres();
        using var temp = new TempFolder();
        var a = Row("st/lenet5/rq2-f2/s1", 2, ulong.MaxValue - 5, ci: 0.3);
        var b = Row("st/lenet5/rq2-f0/s7", 0, 7);
        using var sqlite = SqliteResultStore.Open(temp.Combine("s.db"));
        using (var store = PostgresResultStore.Open(db.Uri))
        {
            foreach (IResultStore s in new IResultStore[] { store, sqlite })
            {
                s.RecordStudy(Study("st"));
                Assert.That(s.Add(a), Is.True);
                Assert.That(s.Add(b), Is.True);
                Assert.That(s.Add(a with { TrainingAccuracy = 0.1 }), Is.False, "a stored key is kept");
            }
        }

        using var again = PostgresResultStore.OpenReadOnly(db.ConnectionString);
        var rows = again.Rows();
        Assert.That(rows.Select(RunnerTestData.Outcome), Is.EqualTo(sqlite.Rows().Select(RunnerTestData.Outcome)), "same rows, same order");
        Assert.That(rows[1].Seed, Is.EqualTo(ulong.MaxValue - 5), "all 64 bits of the seed");
        Assert.That(rows[0].ClassImbalance, Is.Null);
        Assert.That(rows[1].FgsmAccuracies, Is.EqualTo(a.FgsmAccuracies), "doubles stored exactly");
        Assert.That((rows[1].CompletedUtc, rows[1].TrainingReportJson), Is.EqualTo((a.CompletedUtc, a.TrainingReportJson)));
        Assert.That(rows[1].Attacks[0].MedianMinimalDistance, Is.EqualTo(1.25));
        Assert.That(again.Contains(a.Key) && !again.Contains("st/lenet5/x/s1"), Is.True);
        Assert.That(again.Rows("other"), Is.Empty);
        Assert.That(again.Studies().Single(), Is.EqualTo(sqlite.Studies().Single()));
        Assert.That(again.IntegrityCheck(), Is.EqualTo(new[] { "ok" }));
        Assert.That(again.Path, Is.EqualTo(db.Uri), "shown as a URI without a password");

        var csv = new[] { new StringWriter(), new StringWriter() };
        var json = new[] { new StringWriter(), new StringWriter() };
        again.ExportCsv(csv[0]);
        sqlite.ExportCsv(csv[1]);
        again.ExportJson(json[0]);
        sqlite.ExportJson(json[1]);
        Assert.That(csv[0].ToString(), Is.EqualTo(csv[1].ToString()));
        Assert.That(json[0].ToString(), Is.EqualTo(json[1].ToString()));
    }

    [Test]
    public void RecordStudy_KeepsTheFirstDesign_AndRefusesAnother_FromAnyProcess()
    {
        using var db = new TestPostgres();
        using var first = PostgresResultStore.Open(db.Uri);
        using var second = PostgresResultStore.Open(db.Uri);
        var recorded = first.RecordStudy(Study("st"));

        Assert.That(second.RecordStudy(Study("st") with { CreatedUtc = DateTimeOffset.UnixEpoch }), Is.EqualTo(recorded), "the earlier record is kept");
        Assert.That(() => second.RecordStudy(Study("st", "{\"d\":2}")),
            Throws.InvalidOperationException.With.Message.StartsWith(db.Uri + ": study 'st' is stored with another design"));
    }

    [Test]
    public void Claims_FromEightConcurrentStores_TakeEveryRunExactlyOnce()
    {
        using var db = new TestPostgres();
        using (var setup = PostgresResultStore.Open(db.Uri))
        {
            setup.RecordStudy(Study("st"));
            setup.Enqueue("st", Runs("st", 40));
            setup.Enqueue("st", Runs("st", 40)); // idempotent
        }

        var claimed = new ConcurrentBag<(string Worker, string Key)>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, w =>
        {
            using var store = PostgresResultStore.Open(db.ConnectionString);
            string name = "w" + w;
            store.RegisterWorker(name, "st");
            while (store.Claim("st", name, TimeSpan.FromMinutes(1)) is { } lease)
            {
                claimed.Add((name, lease.Key));
                Assert.That(store.Complete(lease, Row(lease.Key, lease.Number, 1)), Is.True);
            }
        });

        Assert.That(claimed.Select(c => c.Key).Order(), Is.EqualTo(Runs("st", 40).Select(r => r.Key).Order()), "each run once, none lost");
        using var check = PostgresResultStore.OpenReadOnly(db.Uri);
        var queue = check.Queue("st");
        Assert.That((queue.Queued, queue.Stored, queue.Claimed, queue.Left), Is.EqualTo((40, 40, 0, 0)));
        Assert.That(queue.Workers.Select(w => w.Name).Order(), Is.EqualTo(Enumerable.Range(0, 8).Select(i => "w" + i).Order()));
        Assert.That(queue.Workers.Sum(w => w.Stored), Is.EqualTo(40));
        Assert.That(check.Rows(), Has.Count.EqualTo(40));
    }

    [Test]
    public void AnExpiredLease_IsClaimedAgain_ARenewedOneIsNot_AndAReleasedOneAtOnce()
    {
        using var db = new TestPostgres();
        using var store = PostgresResultStore.Open(db.Uri);
        store.RecordStudy(Study("st"));
        store.Enqueue("st", Runs("st", 2));
        store.RegisterWorker("dead", "st");
        store.RegisterWorker("live", "st");

        var first = store.Claim("st", "dead", TimeSpan.FromSeconds(2))!;
        var second = store.Claim("st", "live", TimeSpan.FromSeconds(2))!;
        Assert.That((first.Number, first.Attempt, second.Number), Is.EqualTo((1, 1, 2)));
        Assert.That(store.Claim("st", "other", TimeSpan.FromSeconds(2)), Is.Null, "both runs are claimed");
        var state = store.Queue("st");
        Assert.That((state.Claimed, state.Left), Is.EqualTo((2, 0)));
        Assert.That(state.Workers.Single(w => w.Name == "dead").Current, Is.EqualTo(first.Key));

        // "live" renews, "dead" does not: after the lease only the dead worker's run is free again.
        for (int i = 0; i < 5; i++)
        {
            Thread.Sleep(600);
            Assert.That(store.Renew(second, TimeSpan.FromSeconds(2)), Is.True);
        }

        var taken = store.Claim("st", "other", TimeSpan.FromSeconds(30))!;
        Assert.That((taken.Key, taken.Attempt), Is.EqualTo((first.Key, 2)), "the dead worker's run, claimed a second time");
        Assert.That(store.Renew(first, TimeSpan.FromSeconds(30)), Is.False, "the dead worker has lost its claim");
        Assert.That(store.Claim("st", "other", TimeSpan.FromSeconds(30)), Is.Null);

        store.Release(second);
        var released = store.Claim("st", "other", TimeSpan.FromSeconds(30))!;
        Assert.That(released.Key, Is.EqualTo(second.Key), "a released run is free at once");
        Assert.That(store.Complete(released, Row(released.Key, 2, 1)), Is.True);
        Assert.That(store.Complete(taken, Row(taken.Key, 1, 1)), Is.True);
        Assert.That(store.Complete(first, Row(first.Key, 1, 1)), Is.False, "a late worker's row does not replace the stored one");
        state = store.Queue("st");
        Assert.That((state.Stored, state.Claimed, state.Left), Is.EqualTo((2, 0, 0)));
    }

    [Test]
    public void Lock_IsHeldByOneStoreAtATime_AndReleasedWhenItsHolderGoes()
    {
        using var db = new TestPostgres();
        using var a = PostgresResultStore.Open(db.Uri);
        using var b = PostgresResultStore.Open(db.Uri);
        var held = a.Lock("prepare\n/work");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        Assert.That(() => b.Lock("prepare\n/work", timeout.Token), Throws.InstanceOf<OperationCanceledException>(), "held by a");
        using (b.Lock("prepare\n/other"))
        {
            // Another name is another lock.
        }

        held.Dispose();
        using var after = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using (b.Lock("prepare\n/work", after.Token))
        {
            Assert.That(after.IsCancellationRequested, Is.False);
        }
    }

    [Test]
    public void OpenReadOnly_RefusesADatabaseWithoutAStore_AndCreatesNothing()
    {
        using var db = new TestPostgres();
        Assert.That(() => PostgresResultStore.OpenReadOnly(db.Uri),
            Throws.InstanceOf<InvalidDataException>().With.Message.EqualTo($"{db.Uri}: expected a study result store (schema 1 to 1), found a database without one."));
        Assert.That(db.Scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public';"), Is.EqualTo(0L));

        PostgresResultStore.Open(db.Uri).Dispose();
        using var reader = PostgresResultStore.OpenReadOnly(db.Uri);
        Assert.That(() => reader.Add(Row("st/lenet5/p/s1", 1, 1)), Throws.InvalidOperationException.With.Message.EqualTo(db.Uri + ": the store was opened read-only."));
    }

    [Test]
    public void Open_RefusesAStoreOfANewerSchema()
    {
        using var db = new TestPostgres();
        PostgresResultStore.Open(db.Uri).Dispose();
        db.Scalar("UPDATE robustness_schema SET version = 9;");

        Assert.That(() => PostgresResultStore.Open(db.Uri),
            Throws.InstanceOf<InvalidDataException>().With.Message.EqualTo($"{db.Uri}: expected a result store of schema version 1 or older, found version 9."));
    }

    [Test]
    public void OneWorker_StoresTheRowsOfAOneProcessRun()
    {
        using var db = new TestPostgres();
        using var temp = new TempFolder();
        var design = StudyDesign.Scaled(ResearchQuestion.Rq4, perClassTrain: 30, perClassTest: 10, levels: [0, 0.3], maxEpochs: 1).WithRepetitions(2, 3) with { Name = "w" };
        var data = StudyData.FromSplits(design, EvaluationTestData.SyntheticTrain, EvaluationTestData.SyntheticTest);
        IReadOnlyList<StudyRow> expected;
        using (var sqlite = SqliteResultStore.Open(temp.Combine("one.db")))
        {
            EvaluationTestData.CpuRunner().Run(design, data, sqlite, new StudyRunOptions { WorkDirectory = temp.Combine("one"), BenchmarkLevels = [1, 2] });
            expected = sqlite.Rows();
        }

        using var store = PostgresResultStore.Open(db.Uri);
        var worker = new StudyWorkerOptions { Name = "solo", Lease = TimeSpan.FromSeconds(30) };
        var summary = EvaluationTestData.CpuRunner().RunWorker(design, data, store, worker, new StudyRunOptions { WorkDirectory = temp.Combine("shared"), BenchmarkLevels = [1, 2] });

        Assert.That((summary.PlannedRuns, summary.CompletedRuns, summary.CleanModelsTrained), Is.EqualTo((4, 4, 1)));
        Assert.That(store.Rows().Select(RunnerTestData.Outcome), Is.EqualTo(expected.Select(RunnerTestData.Outcome)));
        var again = EvaluationTestData.CpuRunner().RunWorker(design, data, store, worker with { Name = "late" }, new StudyRunOptions { WorkDirectory = temp.Combine("shared"), BenchmarkLevels = [1, 2] });
        Assert.That((again.SkippedRuns, again.CompletedRuns, again.CleanModelsLoaded + again.CleanModelsTrained), Is.EqualTo((4, 0, 0)), "nothing left: no model prepared");
        Assert.That(store.Queue("w").Workers.Select(w => (w.Name, w.Stored)), Is.EqualTo(new[] { ("solo", 4), ("late", 0) }));
    }

    [TestCase("postgresql://u@h/db", true)]
    [TestCase("postgres://h:5433/db", true)]
    [TestCase("Host=db.lab;Database=study;Username=u", true)]
    [TestCase("results/rq2.db", false)]
    [TestCase("/data/hostname=x.db", false)]
    public void IsPostgres_TellsADatabaseFromAFile(string location, bool postgres) =>
        Assert.That(PostgresResultStore.IsPostgres(location), Is.EqualTo(postgres));

    [Test]
    public void AnUnreachableServer_IsOneLineNamingTheDatabase()
    {
        Assert.That(() => PostgresResultStore.Open("postgresql://nobody:secret@127.0.0.1:9/none?Timeout=2"),
            Throws.InstanceOf<IOException>().With.Message.StartsWith("postgresql://nobody@127.0.0.1:9/none: cannot reach the PostgreSQL server (")
                .And.Message.Not.Contain("secret").And.Message.Not.Contain("\n"));
        Assert.That(() => PostgresResultStore.Open("postgresql://h"), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("names no database"));
    }
}
