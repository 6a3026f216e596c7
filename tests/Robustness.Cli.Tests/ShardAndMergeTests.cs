namespace Robustness.Cli.Tests;

/// <summary><c>study run --shard K/N</c> and <c>study merge</c>: the merged shards equal the one-process store (docs/scale-out.md).</summary>
[TestFixture]
public sealed class ShardAndMergeTests
{
    private string _temp = "";

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("robustness-shard-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_temp, recursive: true);

    private string Store(string name) => Path.Combine(_temp, name);

    private (int Exit, string Output, string Error) Run(string store, params string[] more) => CliRunner.Run(
    [
        "study", "run", "--rq", "4", "--dataset", "synthetic", "--levels", "0.2,0.4", "--train-per-class", "20", "--test-per-class", "10",
        "--bench-levels", "1,2", "--max-epochs", "1", "--threads", "1", "--seeds", "2", "--store", store, .. more,
    ]);

    private static List<string> Results(string store) => StoreRows.Results(store);

    [Test]
    public void MergedShards_EqualTheOneProcessStore_AndMergingAgainAddsNothing()
    {
        var (exit, _, error) = Run(Store("one.db"));
        Assert.That(exit, Is.Zero, error);
        string output;
        (exit, output, error) = Run(Store("s1.db"), "--shard", "1/2");
        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("3/3 runs stored of this shard; the study has 6"));
        (exit, _, error) = Run(Store("s2.db"), "--shard", "2/2");
        Assert.That(exit, Is.Zero, error);
        Assert.That(Results(Store("s1.db")).Intersect(Results(Store("s2.db"))), Is.Empty, "the shards share no run");

        (exit, output, error) = CliRunner.Run("study", "merge", "--store", Store("merged.db"), "--from", Store("s1.db"), Store("s2.db"));

        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("6 rows added, 0 already stored"));
        Assert.That(Results(Store("merged.db")), Is.EqualTo(Results(Store("one.db"))), "same rows, same results, same order");
        (exit, output, error) = CliRunner.Run("study", "merge", "--store", Store("merged.db"), "--from", Store("s2.db"));
        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("0 rows added, 3 already stored"));
        (exit, output, _) = CliRunner.Run("study", "status", "--store", Store("merged.db"));
        Assert.That(output, Does.Contain("6/6 runs finished, complete"));
    }

    [Test]
    public void Merge_RefusesAnotherDesign_AndWritesNothing()
    {
        var (exit, _, error) = Run(Store("a.db"), "--shard", "1/3");
        Assert.That(exit, Is.Zero, error);
        (exit, _, error) = Run(Store("b.db"), "--shard", "2/3", "--seed", "7");
        Assert.That(exit, Is.Zero, error);

        (exit, _, error) = CliRunner.Run("study", "merge", "--store", Store("m.db"), "--from", Store("a.db"), Store("b.db"));

        Assert.That(exit, Is.EqualTo(RobustnessCli.Failure));
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(error, Does.Contain("study 'rq4-scaled' has another design in " + Store("b.db")));
        Assert.That(Directory.GetFiles(_temp).Select(Path.GetFileName).Where(n => n!.StartsWith("m.db", StringComparison.Ordinal) || n.StartsWith(".m.db", StringComparison.Ordinal)), Is.Empty, "no store left behind");
    }

    [TestCase("0/2")]
    [TestCase("3/2")]
    [TestCase("1/0")]
    [TestCase("x")]
    public void Shard_OutsideKOfN_IsAUsageError(string shard)
    {
        var (exit, _, error) = Run(Store("x.db"), "--shard", shard);

        Assert.That(exit, Is.EqualTo(RobustnessCli.UsageError));
        Assert.That(error, Does.Contain($"--shard: Shard '{shard}' is not K/N with 1 <= K <= N <= 10000"));
        Assert.That(File.Exists(Store("x.db")), Is.False);
    }
}
