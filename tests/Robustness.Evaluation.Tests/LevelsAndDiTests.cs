using Microsoft.Extensions.DependencyInjection;
using Robustness.Data.Sources;
using Robustness.Evaluation.Benchmarks;
using Robustness.Models;
using Robustness.Perturbations;
using Robustness.Statistics;

namespace Robustness.Evaluation.Tests;

public sealed class LevelsAndDiTests
{
    [Test]
    public void DefaultLevels_AreThePapers24()
    {
        Assert.That(BenchmarkLevels.Default, Has.Count.EqualTo(24));
        Assert.That(BenchmarkLevels.Default[0], Is.EqualTo(0.5));
        Assert.That(BenchmarkLevels.Default[^1], Is.EqualTo(12.0));
    }

    [TestCase("0.5:12:0.5", 24, 0.5, 12.0)]
    [TestCase("0.5,1,2", 3, 0.5, 2.0)]
    [TestCase(" 2 ", 1, 2.0, 2.0)]
    [TestCase("0:8:2", 5, 0.0, 8.0)]
    public void Parse_ReadsListsAndRanges(string text, int count, double first, double last)
    {
        var levels = BenchmarkLevels.Parse(text);

        Assert.That(levels, Has.Length.EqualTo(count));
        Assert.That(levels[0], Is.EqualTo(first));
        Assert.That(levels[^1], Is.EqualTo(last));
    }

    [TestCase("1,x")]
    [TestCase("1:2")]
    public void Parse_Throws_FormatException_ForBadText(string text) =>
        Assert.That(() => BenchmarkLevels.Parse(text), Throws.TypeOf<FormatException>().With.Message.Contains(text));

    [TestCase("2,1")]
    [TestCase("-1,2")]
    [TestCase("3:1:1")]
    public void Parse_Throws_ArgumentException_ForBadLevels(string text) =>
        Assert.That(() => BenchmarkLevels.Parse(text), Throws.InstanceOf<ArgumentException>());

    [Test]
    public void AddRobustnessEvaluation_ResolvesEveryService()
    {
        var services = new ServiceCollection();

        var returned = services.AddRobustnessEvaluation(o =>
        {
            o.Levels = [1, 2];
            o.Seed = 8;
        });
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.That(returned, Is.SameAs(services));
        var options = provider.GetRequiredService<EvaluationOptions>();
        Assert.That(options.Levels, Is.EqualTo(new[] { 1.0, 2.0 }));
        Assert.That(options.Seed, Is.EqualTo(8UL));
        Assert.That(provider.GetRequiredService<BenchmarkBuilder>().DefaultLevels, Is.EqualTo(new[] { 1.0, 2.0 }));
        Assert.That(provider.GetRequiredService<IDatasetCatalog>(), Is.Not.Null);
        Assert.That(provider.GetRequiredService<GaussianNoisePerturbation>(), Is.Not.Null);
        Assert.That(provider.GetRequiredService<IModelFactory>().Architectures, Does.Contain("lenet5"));
        Assert.That(provider.GetRequiredService<ModelTrainer>(), Is.Not.Null);
        Assert.That(provider.GetRequiredService<PgdOptions>(), Is.Not.Null);
        Assert.That(provider.GetRequiredService<ICorrelationAnalyzer>(), Is.Not.Null);
        Assert.That(provider.GetRequiredService<Robustness.Evaluation.Training.ITrainingSetFactory>(), Is.Not.Null);
        Assert.That(provider.GetRequiredService<Robustness.Evaluation.Runner.StudyRunner>(), Is.Not.Null);
    }

    [Test]
    public void AddRobustnessEvaluation_AppliesEveryConfigure_AndRegistersEachServiceOnce()
    {
        var services = new ServiceCollection();
        services.AddRobustnessPerturbations(o => o.Seed = 123);
        services.AddRobustnessEvaluation();
        services.AddRobustnessEvaluation(o => o.Seed = 5);
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<PerturbationOptions>().Seed, Is.EqualTo(123UL));
        Assert.That(provider.GetRequiredService<EvaluationOptions>().Seed, Is.EqualTo(5UL), "a later configure is applied, not dropped");
        foreach (var type in services.Select(d => d.ServiceType).Where(t => t != typeof(Robustness.Models.IModelArchitecture) && t != typeof(IPerturbation)).Distinct())
        {
            Assert.That(services.Count(d => d.ServiceType == type), Is.EqualTo(1), type.Name);
        }
    }

    [Test]
    public void AddRobustnessEvaluation_Rejects_BadLevels() =>
        Assert.That(() => new ServiceCollection().AddRobustnessEvaluation(o => o.Levels = [2, 1]), Throws.ArgumentException);

    [Test]
    public void BuiltBuilder_FromDi_MakesAGaussianSuiteWithTheGivenSeed()
    {
        var services = new ServiceCollection().AddRobustnessEvaluation();
        using var provider = services.BuildServiceProvider();
        var builder = provider.GetRequiredService<BenchmarkBuilder>();

        var suite = builder.BuildGaussian(EvaluationTestData.SyntheticTest, 17, [1]);

        Assert.That(suite.Seed, Is.EqualTo(17UL));
        Assert.That(suite.ImageCount, Is.EqualTo(200));
        Assert.That(suite.MaxAbsoluteError, Is.LessThanOrEqualTo(1e-4));
    }
}
