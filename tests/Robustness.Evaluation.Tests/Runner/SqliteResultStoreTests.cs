using System.Text.Json;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Tests.Shared;
using Robustness.Evaluation.Tests.Results;

namespace Robustness.Evaluation.Tests.Runner;

public sealed class SqliteResultStoreTests
{
    private static StudyRow Row(string point, int index, ulong seed, double? ci = null, double fgsm = 0.5) => RoundTripRows.Row("st", point, index, seed, ci, fgsm);

    [Test]
    public void Add_ThenRows_RoundTripsEveryField_AcrossReopen()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("store.db");
        var a = Row("rq2-f2", 1, ulong.MaxValue - 5, ci: 0.3);
        var b = Row("rq2-clean", 0, 7);
        using (var store = SqliteResultStore.Open(path))
        {
            Assert.That(store.Add(a), Is.True);
            Assert.That(store.Add(b), Is.True);
        }

        using var again = SqliteResultStore.Open(path);
        var rows = again.Rows();
        Assert.That(rows, Has.Count.EqualTo(2));
        Assert.That(rows[0].Key, Is.EqualTo(b.Key), "ordered by point index");
        foreach (var (stored, original) in new[] { (rows[0], b), (rows[1], a) })
        {
            Assert.That(RunnerTestData.Outcome(stored), Is.EqualTo(RunnerTestData.Outcome(original)));
            Assert.That(stored.TrainingSeconds, Is.EqualTo(original.TrainingSeconds));
            Assert.That(stored.TotalSeconds, Is.EqualTo(original.TotalSeconds));
            Assert.That(stored.CompletedUtc, Is.EqualTo(original.CompletedUtc));
            Assert.That(stored.TrainingReportJson, Is.EqualTo(original.TrainingReportJson));
            Assert.That(stored.FgsmAccuracies, Is.EqualTo(original.FgsmAccuracies), "doubles stored exactly");
        }

        Assert.That(rows[1].Seed, Is.EqualTo(ulong.MaxValue - 5));
        Assert.That(rows[0].ClassImbalance, Is.Null);
        Assert.That(again.Contains(a.Key), Is.True);
        Assert.That(again.Contains("st/lenet5/rq2-f4/s7"), Is.False);
        Assert.That(again.Rows("other"), Is.Empty);
        Assert.That(again.IntegrityCheck(), Is.EqualTo(new[] { "ok" }));
    }

    [Test]
    public void Add_KeepsTheStoredRow_WhenTheKeyExists()
    {
        using var temp = new TempFolder();
        using var store = SqliteResultStore.Open(temp.Combine("store.db"));
        Assert.That(store.Add(Row("rq2-f2", 1, 7, fgsm: 0.5)), Is.True);
        Assert.That(store.Add(Row("rq2-f2", 1, 7, fgsm: 0.75)), Is.False);
        var rows = store.Rows();
        Assert.That(rows, Has.Count.EqualTo(1));
        Assert.That(rows[0].FgsmAccuracies[0], Is.EqualTo(0.5));
    }

    [Test]
    public void Add_Throws_WhenAccuracyListsDoNotMatchTheLevels()
    {
        using var temp = new TempFolder();
        using var store = SqliteResultStore.Open(temp.Combine("store.db"));
        var bad = Row("rq2-f2", 1, 7) with { FgsmAccuracies = [0.5] };
        Assert.That(() => store.Add(bad), Throws.ArgumentException.With.Message.Contains("3 benchmark levels"));
        Assert.That(store.Rows(), Is.Empty);
    }

    [Test]
    public void ExportCsvAndJson_HoldEveryRowAndField()
    {
        using var temp = new TempFolder();
        using var store = SqliteResultStore.Open(temp.Combine("store.db"));
        store.Add(Row("rq2-clean", 0, 7));
        store.Add(Row("rq2-f2", 1, 7, ci: 0.3));
        using var csv = new StringWriter();
        store.ExportCsv(csv);
        string[] lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(3), "header + 2 rows (the report's line break is inside quotes)");
        string[] header = lines[0].Split(',');
        Assert.That(header, Has.Length.EqualTo(32));
        Assert.That(header[0], Is.EqualTo("key"));
        Assert.That(header[^3], Is.EqualTo("attacks_json"), "schema 2 adds the attack columns");
        Assert.That(header[^2..], Is.EqualTo(new[] { "class_count", "near_chance" }), "schema 3 the class count; the export adds the near-chance flag");
        Assert.That(lines[1], Does.EndWith(",[],10,false"), "a row without attack columns, ten classes, not near chance");
        Assert.That(lines[1], Does.StartWith("st/lenet5/rq2-clean/s7,st,2,lenet5,rq2-clean,0,7,0,0,2.5,,0.1,"));
        Assert.That(lines[2], Does.Contain(",0.3,0.1,"), "CI 0.3 then LD 0.1");
        Assert.That(lines[1], Does.Contain("\"[0.5,1,1.5]\""), "lists as quoted JSON");
        Assert.That(lines[1], Does.Contain("\"[0.9,0.8,0.30000000000000004]\""), "round-trip precision");
        Assert.That(lines[1], Does.Contain("\"\"quoted\\\"\""), "quotes doubled");

        using var json = new StringWriter();
        store.ExportJson(json, "st");
        using var document = JsonDocument.Parse(json.ToString());
        Assert.That(document.RootElement.GetArrayLength(), Is.EqualTo(2));
        var second = document.RootElement[1];
        Assert.That(second.GetProperty("pointId").GetString(), Is.EqualTo("rq2-f2"));
        Assert.That(second.GetProperty("classImbalance").GetDouble(), Is.EqualTo(0.3));
        Assert.That(second.GetProperty("fgsmAccuracies")[2].GetDouble(), Is.EqualTo(1.0 / 3));
        Assert.That(second.GetProperty("seed").GetUInt64(), Is.EqualTo(7UL));
    }

    [Test]
    public void RecordStudy_KeepsTheFirstDesign_AndRefusesAnother()
    {
        using var temp = new TempFolder();
        using var store = SqliteResultStore.Open(temp.Combine("store.db"));
        var study = new StoredStudy("st", 2, "{\"a\":1}", 5, "{\"d\":1}", DateTimeOffset.UnixEpoch);
        Assert.That(store.RecordStudy(study), Is.EqualTo(study));
        Assert.That(store.RecordStudy(study with { CreatedUtc = DateTimeOffset.UtcNow }).CreatedUtc, Is.EqualTo(DateTimeOffset.UnixEpoch));
        Assert.That(() => store.RecordStudy(study with { DesignJson = "{\"a\":2}" }), Throws.InvalidOperationException.With.Message.Contains("another design"));
        Assert.That(() => store.RecordStudy(study with { DataJson = "{\"d\":2}" }), Throws.InvalidOperationException.With.Message.Contains("other data"));
        Assert.That(store.Studies(), Has.Count.EqualTo(1));
    }

    [Test]
    public void Open_Throws_WhenTheFileIsNotADatabase()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("notes.db");
        File.WriteAllText(path, new string('x', 4096));
        Assert.That(() => SqliteResultStore.Open(path), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith(path));
    }

    [Test]
    public void Open_UsesWalWithFullSync()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("store.db");
        using (var store = SqliteResultStore.Open(path))
        {
            store.Add(Row("rq2-clean", 0, 7));
        }

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.That(command.ExecuteScalar(), Is.EqualTo("wal"));
        command.CommandText = "SELECT count(*) FROM rows;";
        Assert.That(command.ExecuteScalar(), Is.EqualTo(1L));
    }

    [Test]
    public void OpenReadOnly_ReadsAStore_AndNeverWritesIt()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("store.db");
        using (var store = SqliteResultStore.Open(path))
        {
            store.Add(Row("rq2-f2", 1, 3) with { ClassCount = 4 });
        }

        byte[] before = File.ReadAllBytes(path);
        using (var store = SqliteResultStore.OpenReadOnly(path))
        {
            Assert.That(store.Rows().Single().ClassCount, Is.EqualTo(4));
            Assert.That(() => store.Add(Row("rq2-f4", 2, 3)), Throws.InvalidOperationException.With.Message.Contains("read-only"));
            Assert.That(store.IntegrityCheck(), Is.EqualTo(new[] { "ok" }));
        }

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
    }

    [TestCase(0)]
    [TestCase(1)]
    public void OpenReadOnly_RefusesAFileThatIsNoStore_ByName_AndLeavesItAlone(int kind)
    {
        using var temp = new TempFolder();
        string path = temp.Combine("other.db");
        if (kind == 0)
        {
            File.WriteAllBytes(path, []);
        }
        else
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE notes (text TEXT);";
            command.ExecuteNonQuery();
        }

        byte[] before = File.ReadAllBytes(path);
        Assert.That(() => SqliteResultStore.OpenReadOnly(path), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith(path).And.Message.Contains("expected a study result store"));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before), "not one byte changed");
        Assert.That(Directory.GetFiles(temp.Path), Is.EqualTo(new[] { path }), "no -wal or -shm beside it");
        Assert.That(() => SqliteResultStore.OpenReadOnly(temp.Combine("absent.db")), Throws.TypeOf<FileNotFoundException>());
        Assert.That(File.Exists(temp.Combine("absent.db")), Is.False);
    }

    [Test]
    public void ADamagedStore_IsOneLineNamingTheFile_NotASqliteException()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("store.db");
        using (var store = SqliteResultStore.Open(path))
        {
            for (int i = 0; i < 200; i++)
            {
                store.Add(Row($"rq2-p{i}", i, 1));
            }
        }

        // Overwrite every page after the first (the schema) with garbage: the rows' b-tree is gone.
        byte[] bytes = File.ReadAllBytes(path);
        Assert.That(bytes.Length, Is.GreaterThan(3 * 4096), "a store of several pages");
        for (int i = 4096; i < bytes.Length; i++)
        {
            bytes[i] = 0xA5;
        }

        File.WriteAllBytes(path, bytes);
        Assert.That(() =>
        {
            using var store = SqliteResultStore.OpenReadOnly(path);
            _ = store.Rows();
        }, Throws.TypeOf<InvalidDataException>().With.Message.StartsWith(path).And.Message.Contains("damaged").And.Message.Not.Contains("\n"));
    }

    [TestCase(13, typeof(IOException), "the disk is full")]
    [TestCase(11, typeof(InvalidDataException), "the result store is damaged")]
    [TestCase(26, typeof(InvalidDataException), "no SQLite database")]
    [TestCase(5, typeof(IOException), "locked by another process")]
    [TestCase(8, typeof(UnauthorizedAccessException), "permissions")]
    [TestCase(10 | (3 << 8), typeof(IOException), "a disk error")]
    public void SqliteErrors_BecomeOneLine_ByTheirPrimaryCode(int code, Type type, string expected)
    {
        var e = new Microsoft.Data.Sqlite.SqliteException($"SQLite Error {code & 0xFF}: 'something'.", code);
        var translated = SqliteResultStore.Translate("/x/store.db", e);
        Assert.That(translated, Is.TypeOf(type));
        Assert.That(translated.Message, Does.StartWith("/x/store.db: ").And.Contain(expected));
        Assert.That(translated.InnerException, Is.SameAs(e));
    }
}
