using Robustness.Evaluation.Benchmarks;
using Robustness.Models;
using Robustness.Tests.Shared;

namespace Robustness.Evaluation.Tests.Attacks;

public sealed class PgdSuiteTests
{
    private static readonly double[] _levels = [0.5, 1.5, 3];

    [Test]
    public void TransferPgd_AgainstTheReferenceModel_ScoresLikeWhiteBoxPgd_AndIsCachedUnderItsSettings()
    {
        var model = EvaluationTestData.TrainedLeNet;
        var test = EvaluationTestData.SyntheticTest;
        var builder = BenchmarkBuilder.CreateDefault().WithAttackOptions(new PgdOptions { Steps = 5 });
        using var temp = new TempFolder();
        var cache = new SuiteCache(temp.Combine("suites"));

        var fixedSuite = cache.GetOrBuildPgd(builder, test, model, levels: _levels);
        var again = cache.GetOrBuildPgd(builder, test, model, levels: _levels);
        var moreSteps = cache.GetOrBuildPgd(builder.WithAttackOptions(new PgdOptions { Steps = 6 }), test, model, levels: _levels);
        Assert.That((cache.BuildCount, cache.LoadCount), Is.EqualTo((2, 1)), "5 and 6 steps are two suites; 5 steps is loaded the second time");
        Assert.That(again.Key, Is.EqualTo(fixedSuite.Key));
        Assert.That(moreSteps.Key, Is.Not.EqualTo(fixedSuite.Key));
        Assert.That(fixedSuite.Key.CanonicalText, Does.EndWith(";settings=steps=5;scale=2.5;random=no"));
        Assert.That(again.Generator.Steps, Is.EqualTo(5), "the manifest records the PGD settings");
        Assert.That(fixedSuite.MaxAbsoluteError, Is.LessThanOrEqualTo(1e-4));

        var whiteBox = builder.CreateWhiteBoxPgd(test, _levels).Score(model);
        var transfer = again.Score(model);
        Assert.That(whiteBox.IsWhiteBox, Is.True);
        Assert.That(transfer.Levels.Select(l => l.Accuracy), Is.EqualTo(whiteBox.Levels.Select(l => l.Accuracy)), "against its own source, transfer is white-box");
        var fgsm = builder.CreateWhiteBoxFgsm(test, _levels).Score(model);
        for (int l = 0; l < _levels.Length; l++)
        {
            Assert.That(whiteBox.Levels[l].Accuracy, Is.LessThanOrEqualTo(fgsm.Levels[l].Accuracy), $"level {_levels[l]}: PGD is at least as strong as FGSM");
        }
    }

    [Test]
    public void MinimalBenchmark_ScoresRobustAccuracyPerLevel_AndCarriesTheMedianDistance()
    {
        var model = EvaluationTestData.TrainedLeNet;
        var test = EvaluationTestData.SyntheticTest;
        var benchmark = BenchmarkBuilder.CreateDefault().CreateMinimal(test, _levels);
        var attack = benchmark.Attack(model);
        var result = benchmark.Score(attack);
        Assert.That(result.Kind, Is.EqualTo(BenchmarkKind.MinimalL2));
        Assert.That(result.Levels.Select(l => l.Accuracy), Is.EqualTo(_levels.Select(attack.RobustAccuracy)));
        Assert.That(result.MedianMinimalDistance, Is.EqualTo(attack.MedianDistance));
        Assert.That(attack.MaxDistance, Is.EqualTo(3), "searched up to the largest level");
        Assert.That(attack.Outcomes.Where(o => o.Status == MinimalL2Status.Found).Select(o => o.Distance), Is.All.LessThanOrEqualTo(3.0));
        Assert.That(result.Levels[0].Report.Count, Is.EqualTo(test.Count));
        Assert.That(result.Levels[0].Accuracy, Is.LessThanOrEqualTo(model.Evaluate(test).Accuracy));
        Assert.That(result.Levels.Select(l => l.Accuracy), Is.Ordered.Descending);
    }
}
