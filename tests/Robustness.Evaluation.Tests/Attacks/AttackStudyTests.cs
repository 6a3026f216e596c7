using Microsoft.Data.Sqlite;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Benchmarks;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Evaluation.Runner;
using Robustness.Evaluation.Tests.Analysis;
using Robustness.Evaluation.Tests.Runner;
using Robustness.Models;
using Robustness.Tests.Shared;

namespace Robustness.Evaluation.Tests.Attacks;

/// <summary>Attack columns in studies: runner, result store, gradient-masking check and analysis.</summary>
public sealed class AttackStudyTests
{
    private static readonly double[] _levels = [1, 2, 3];

    private static StudyRunner CpuRunner() => EvaluationTestData.CpuRunner();

    private static StudyDesign SmallDesign() => StudyDesign.Scaled(ResearchQuestion.Rq2, perClassTrain: 60, perClassTest: 20, levels: [0, 3], maxEpochs: 2, imagesPerClass: 20) with { Name = "attacks" };

    private static StudyRow WithAttacks(params AttackScore[] attacks) =>
        AnalysisRows.Row("m", ResearchQuestion.Rq2, "lenet5", "rq2-clean", 0, 1, 0.9, 0.9, 0.8, 0.5) with { BenchmarkLevels = _levels, GaussianAccuracies = [0.8, 0.8, 0.8], FgsmAccuracies = [0.5, 0.5, 0.5], Attacks = attacks };

    private static AttackScore Score(string attack, bool whiteBox, params double[] accuracies) => new(attack, whiteBox, accuracies, accuracies.Average());

    [Test]
    public void Run_WithAttacks_StoresEveryColumn_IncludingMnistA_AndResumesToTheSameRows()
    {
        var design = SmallDesign();
        var data = StudyData.FromSplits(design, EvaluationTestData.SyntheticTrain, EvaluationTestData.SyntheticTest);
        var options = new StudyRunOptions
        {
            WorkDirectory = "",
            BenchmarkLevels = _levels,
            Attacks = StudyAttack.ParseList("fgsm,pgd,minimal,pgd-transfer"),
            Pgd = new PgdOptions { Steps = 5 },
        };
        using var temp = new TempFolder();
        IReadOnlyList<StudyRow> rows;
        using (var store = SqliteResultStore.Open(temp.Combine("a.db")))
        {
            var summary = CpuRunner().Run(design, data, store, options with { WorkDirectory = temp.Combine("work") });
            Assert.That(summary.SuitesBuilt, Is.EqualTo(4), "clean, Gaussian, FGSM (transfer) and PGD (transfer) are fixed suites");
            rows = store.Rows();
        }

        Assert.That(rows, Has.Count.EqualTo(2));
        foreach (var row in rows)
        {
            Assert.That(row.Attacks.Select(a => a.Key), Is.EqualTo(new[] { "fgsm", "pgd", "minimal", "pgd-transfer", "fgsm-transfer" }));
            Assert.That(row.Attack("fgsm-transfer")!.Accuracies, Is.EqualTo(row.FgsmAccuracies), "MNIST-A is listed as the transfer FGSM column");
            Assert.That(row.Attacks.All(a => a.Accuracies.Count == 3), Is.True);
            Assert.That(row.Attack("minimal")!.MedianMinimalDistance, Is.Not.Null.And.GreaterThan(0));
            Assert.That(row.Attack("pgd")!.MedianMinimalDistance, Is.Null);
            for (int l = 0; l < 3; l++)
            {
                Assert.That(row.Attack("pgd")!.Accuracies[l], Is.LessThanOrEqualTo(row.Attack("fgsm")!.Accuracies[l] + 0.05), $"{row.Key} level {_levels[l]}: white-box PGD is about as strong as FGSM or stronger");
            }
        }

        var clean = rows.Single(r => r.PointId == "rq2-clean");
        Assert.That(clean.Attack("pgd-transfer")!.Accuracies, Is.EqualTo(clean.Attack("pgd")!.Accuracies), "the clean model is its own transfer source");
        Assert.That(clean.Attack("fgsm-transfer")!.Accuracies, Is.EqualTo(clean.Attack("fgsm")!.Accuracies));

        // Reopened (attacks_json read back) and resumed in a second store: same rows, bit for bit.
        using (var store = SqliteResultStore.Open(temp.Combine("a.db")))
        {
            Assert.That(store.Rows().Select(RunnerTestData.Outcome), Is.EqualTo(rows.Select(RunnerTestData.Outcome)));
            Assert.That(() => CpuRunner().Run(design, data, store, new StudyRunOptions { WorkDirectory = temp.Combine("work"), BenchmarkLevels = _levels }),
                Throws.InvalidOperationException.With.Message.Contains("other data"), "the same study without its attack columns is refused");
        }

        using (var store = SqliteResultStore.Open(temp.Combine("b.db")))
        {
            var summary = CpuRunner().Run(design, data, store, options with { WorkDirectory = temp.Combine("work") });
            Assert.That((summary.CleanModelsLoaded, summary.SuitesLoaded), Is.EqualTo((1, 4)));
            Assert.That(store.Rows().Select(RunnerTestData.Outcome), Is.EqualTo(rows.Select(RunnerTestData.Outcome)), "same seeds, same attack columns");
        }

        var table = new StudyAnalyzer().Analyze(rows);
        var attacks = table.Architectures[0].Attacks!;
        Assert.That(attacks.Keys, Is.EqualTo(new[] { "fgsm", "pgd", "minimal", "pgd-transfer", "fgsm-transfer" }));
        Assert.That(attacks.Points.Select(p => p.PointId), Is.EqualTo(new[] { "rq2-clean", "rq2-f3" }));
        Assert.That(attacks.Points[0].Attacks.First(a => a.Key == "pgd").MeanAccuracy, Is.EqualTo(clean.Attack("pgd")!.MeanAccuracy));
        Assert.That(attacks.Correlations.Select(c => c.Key), Is.EqualTo(attacks.Keys));
        Assert.That(attacks.Totals.Sum(t => t.Models), Is.EqualTo(3 * 2));
        string text = StudyTableWriter.ToText(table);
        Assert.That(text, Does.Contain("attack columns").And.Contain("PGD (transfer)").And.Contain("gradient-masking flags"));
        Assert.That(StudyTableWriter.ToJson(table), Does.Contain("\"maskingTotals\"").And.Contain("\"medianMinimalDistance\""));
    }

    [Test]
    public void Run_WithPgdTrainingImages_TrainsOnOtherImages_AndRecordsIt()
    {
        var design = SmallDesign() with { Name = "pgd-training" };
        var data = StudyData.FromSplits(design, EvaluationTestData.SyntheticTrain, EvaluationTestData.SyntheticTest);
        using var temp = new TempFolder();
        using var store = SqliteResultStore.Open(temp.Combine("a.db"));
        var baseOptions = new StudyRunOptions { WorkDirectory = temp.Combine("work"), BenchmarkLevels = _levels, Pgd = new PgdOptions { Steps = 5 } };
        CpuRunner().Run(design, data, store, baseOptions with { TrainingAttack = "pgd" });
        CpuRunner().Run(design with { Name = "fgsm-training" }, data, store, baseOptions);
        var pgdRow = store.Rows("pgd-training").Single(r => r.PointId == "rq2-f3");
        var fgsmRow = store.Rows("fgsm-training").Single(r => r.PointId == "rq2-f3");
        Assert.That(pgdRow.TrainingImages, Is.EqualTo(fgsmRow.TrainingImages), "the same number of added images");
        Assert.That(pgdRow.FinalLoss, Is.Not.EqualTo(fgsmRow.FinalLoss), "PGD images are other images than FGSM images");
        Assert.That(store.Studies().Single(s => s.Name == "pgd-training").DataJson, Does.Contain("\"trainingAttack\":\"pgd\"").And.Contain("\"steps\":5"));
        Assert.That(store.Studies().Single(s => s.Name == "fgsm-training").DataJson, Does.Not.Contain("trainingAttack"), "the paper's evaluation keeps its old identity");
        Assert.That(() => CpuRunner().Run(design, data, store, baseOptions with { TrainingAttack = "deepfool" }), Throws.ArgumentException.With.Message.Contains("fgsm, pgd"));
    }

    [Test]
    public void Store_OfSchemaVersion1_GainsTheAttackColumn_AndKeepsItsRows()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("v1.db");
        using (var store = SqliteResultStore.Open(path))
        {
            store.Add(WithAttacks());
        }

        // Make it a version-1 store: drop the column (SQLite 3.35+) and set the old version.
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "ALTER TABLE rows DROP COLUMN attacks_json; ALTER TABLE rows DROP COLUMN class_count; PRAGMA user_version = 1;";
            command.ExecuteNonQuery();
        }

        var row = WithAttacks(Score("pgd", true, 0.5, 0.2, 0.0)) with { Key = "m/lenet5/rq2-clean/s2", Seed = 2 };
        using (var store = SqliteResultStore.Open(path))
        {
            Assert.That(store.Rows().Single().Attacks, Is.Empty);
            Assert.That(store.Rows().Single().ClassCount, Is.EqualTo(10), "schema 3 reads old rows as ten-class data");
            Assert.That(store.Add(row), Is.True);
            Assert.That(store.Rows()[1].Attacks.Single().Accuracies, Is.EqualTo(new[] { 0.5, 0.2, 0.0 }));
        }

        using var check = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        Assert.That(Convert.ToInt32(version.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(SqliteResultStore.SchemaVersion).And.EqualTo(3));
    }

    [Test]
    public void Store_RefusesAnAttackColumnWithOtherLevelsThanTheRow()
    {
        using var temp = new TempFolder();
        using var store = SqliteResultStore.Open(temp.Combine("s.db"));
        Assert.That(() => store.Add(WithAttacks(Score("pgd", true, 0.5, 0.25))), Throws.ArgumentException.With.Message.Contains("attack column pgd has 2 accuracies"));
        Assert.That(store.Rows(), Is.Empty);
    }

    [Test]
    public void Store_RoundTripsAttackColumns_WithInfinityAndNaN_InRowsCsvAndJson()
    {
        using var temp = new TempFolder();
        var row = WithAttacks(Score("pgd", true, 0.5, 0.25, double.NaN), new AttackScore("minimal", true, [0.6, 0.3, 0.1], 1.0 / 3, double.PositiveInfinity));
        using var store = SqliteResultStore.Open(temp.Combine("s.db"));
        store.Add(row);
        var back = store.Rows().Single();
        Assert.That(back.Attacks.Select(a => a.Key), Is.EqualTo(new[] { "pgd", "minimal" }));
        Assert.That(double.IsNaN(back.Attacks[0].Accuracies[2]), Is.True);
        Assert.That(back.Attacks[1].MedianMinimalDistance, Is.EqualTo(double.PositiveInfinity));
        Assert.That(back.Attacks[1].MeanAccuracy, Is.EqualTo(1.0 / 3), "exact doubles");
        using var csv = new StringWriter();
        store.ExportCsv(csv);
        Assert.That(csv.ToString().Split('\n')[0], Does.EndWith(",attacks_json,class_count,near_chance"));
        Assert.That(csv.ToString(), Does.Contain("\"\"medianMinimalDistance\"\":\"\"Infinity\"\""));
        using var json = new StringWriter();
        store.ExportJson(json);
        Assert.That(json.ToString(), Does.Contain("\"attacks\"").And.Contain("\"NaN\""));
    }

    [Test]
    public void MaskingCheck_FlagsAnIterativeAttackWeakerThanFgsm_AtTheFirstSuchLevel()
    {
        var flags = GradientMaskingCheck.Check(WithAttacks(Score("fgsm", true, 0.6, 0.4, 0.05), Score("pgd", true, 0.55, 0.42, 0.01)));
        Assert.That(flags.Select(f => (f.Sign, f.Level)), Is.EqualTo(new[] { (MaskingSign.IterativeWeakerThanSingleStep, 2.0) }));
        Assert.That(flags[0].Detail, Is.EqualTo("PGD 0.420 > FGSM 0.400 at l2 2"));
        Assert.That(flags[0].Code, Is.EqualTo("iterative-weaker"));
        Assert.That(GradientMaskingCheck.Check(WithAttacks(Score("fgsm", true, 0.6, 0.4, 0.05), Score("pgd", true, 0.605, 0.405, 0.0))), Is.Empty, "within the 1-point tolerance");
    }

    [Test]
    public void MaskingCheck_FlagsATransferAttackStrongerThanWhiteBox_ForFgsmAndPgd()
    {
        var flags = GradientMaskingCheck.Check(WithAttacks(
            Score("fgsm", true, 0.6, 0.5, 0.05), Score("fgsm", false, 0.5, 0.5, 0.05),
            Score("pgd", true, 0.3, 0.1, 0.0), Score("pgd", false, 0.31, 0.05, 0.0)));
        Assert.That(flags.Select(f => (f.Sign, f.Level, f.Detail)), Is.EqualTo(new[]
        {
            (MaskingSign.TransferStrongerThanWhiteBox, 1.0, "FGSM transfer 0.500 < white-box 0.600 at l2 1"),
            (MaskingSign.TransferStrongerThanWhiteBox, 2.0, "PGD transfer 0.050 < white-box 0.100 at l2 2"),
        }));
    }

    [Test]
    public void MaskingCheck_FlagsAccuracyThatDoesNotFallTowardsZero_UsingTheStrongestWhiteBoxColumn()
    {
        var flagged = GradientMaskingCheck.Check(WithAttacks(Score("fgsm", true, 0.9, 0.8, 0.7), Score("pgd", true, 0.8, 0.6, 0.4), Score("pgd", false, 0.9, 0.85, 0.5)));
        Assert.That(flagged.Select(f => f.Sign), Is.EqualTo(new[] { MaskingSign.NoFallTowardsZero }));
        Assert.That(flagged[0].Detail, Does.Contain("(PGD) leaves 0.400 at l2 3"));
        Assert.That(GradientMaskingCheck.Check(WithAttacks(Score("fgsm", true, 0.9, 0.8, 0.7), Score("minimal", true, 0.5, 0.2, 0.05))), Is.Empty, "a transfer column never counts as the strongest white-box one; minimal-l2 does");
        Assert.That(GradientMaskingCheck.Check(WithAttacks()), Is.Empty, "no attack columns, nothing to check");
    }

    [Test]
    public void Analyzer_AveragesAttackColumnsOverSeeds_AndCountsFlaggedModels()
    {
        var a = WithAttacks(Score("fgsm", true, 0.6, 0.4, 0.2), Score("pgd", true, 0.5, 0.45, 0.1));
        var b = WithAttacks(Score("fgsm", true, 0.6, 0.4, 0.0), Score("pgd", true, 0.4, 0.2, 0.0)) with { Key = "m/lenet5/rq2-clean/s2", Seed = 2 };
        var c = AnalysisRows.Row("m", ResearchQuestion.Rq2, "lenet5", "rq2-f2", 1, 1, 0.9, 0.9, 0.8, 0.6, fgsmLevel: 2) with
        {
            BenchmarkLevels = _levels,
            GaussianAccuracies = [0.8, 0.8, 0.8],
            FgsmAccuracies = [0.6, 0.6, 0.6],
            Attacks = [Score("fgsm", true, 0.7, 0.5, 0.3), Score("pgd", true, 0.6, 0.3, 0.2)],
        };
        var table = new StudyAnalyzer().Analyze([a, b, c]);
        var attacks = table.Architectures[0].Attacks!;
        var clean = attacks.Points[0];
        Assert.That(clean.Models, Is.EqualTo(2));
        Assert.That(clean.Attacks.First(m => m.Key == "pgd").LevelAccuracies, Is.EqualTo(new[] { 0.45, 0.325, 0.05 }).Within(1e-15));
        Assert.That(clean.Attacks.First(m => m.Key == "pgd").MeanAccuracy, Is.EqualTo((0.35 + (0.6 / 3)) / 2).Within(1e-15));
        Assert.That(clean.Flags.First(f => f.Sign == MaskingSign.IterativeWeakerThanSingleStep), Is.EqualTo(new MaskingCount(MaskingSign.IterativeWeakerThanSingleStep, 1, 2)));
        Assert.That(clean.Details, Is.EqualTo(new[] { "s1: iterative-weaker: PGD 0.450 > FGSM 0.400 at l2 2" }));
        Assert.That(attacks.Points[1].Flags.First(f => f.Sign == MaskingSign.NoFallTowardsZero).Flagged, Is.EqualTo(1), "PGD leaves 20% at the largest level");
        Assert.That(attacks.Totals.Select(t => (t.Code, t.Flagged, t.Models)), Is.EqualTo(new[] { ("iterative-weaker", 1, 3), ("transfer-stronger", 0, 3), ("no-fall", 1, 3) }));
    }

    [Test]
    public void StudyAttack_ParsesTheCliList_AndRefusesWhatDoesNotExist()
    {
        Assert.That(StudyAttack.ParseList(" FGSM, pgd ,minimal,pgd-transfer").Select(a => (a.Key, a.DisplayName)), Is.EqualTo(new[]
        {
            ("fgsm", "FGSM"), ("pgd", "PGD"), ("minimal", "minimal-l2"), ("pgd-transfer", "PGD (transfer)"),
        }));
        Assert.That(() => StudyAttack.ParseList("fgsm,cw"), Throws.ArgumentException.With.Message.Contains("'cw' is not one of"));
        Assert.That(() => StudyAttack.ParseList("pgd,pgd"), Throws.ArgumentException.With.Message.Contains("names pgd twice"));
        Assert.That(() => StudyAttack.ParseList("minimal-transfer"), Throws.ArgumentException.With.Message.Contains("white-box only"));
        Assert.That(() => StudyAttack.ParseList("fgsm,"), Throws.ArgumentException.With.Message.Contains("empty entry"));
    }
}
