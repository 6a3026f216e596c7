using Microsoft.Extensions.DependencyInjection;

namespace Robustness.Statistics.Tests;

[TestFixture]
public sealed class EdgeCaseTests
{
    private readonly CorrelationAnalyzer _analyzer = new();

    [TestCase(CorrelationMethod.Pearson)]
    [TestCase(CorrelationMethod.Spearman)]
    [TestCase(CorrelationMethod.Kendall)]
    public void Correlate_ReturnsConstantInput_WhenASeriesIsConstant(CorrelationMethod method)
    {
        CorrelationResult result = _analyzer.Correlate(method, [1, 2, 3, 4], [0.9, 0.9, 0.9, 0.9]);
        Assert.That(result.Status, Is.EqualTo(CorrelationStatus.ConstantInput));
        Assert.That(result.Coefficient, Is.NaN);
        Assert.That(result.PValue, Is.NaN);
        Assert.That(result.Strength, Is.EqualTo(CorrelationStrength.Undefined));
        Assert.That(result.IsSignificant(), Is.False);
    }

    [TestCase(CorrelationMethod.Pearson, 2)]
    [TestCase(CorrelationMethod.Spearman, 1)]
    [TestCase(CorrelationMethod.Kendall, 0)]
    public void Correlate_ReturnsTooFewSamples_WhenFewerThanThreePairs(CorrelationMethod method, int n)
    {
        double[] x = [.. Enumerable.Range(0, n).Select(i => (double)i)];
        CorrelationResult result = _analyzer.Correlate(method, x, x);
        Assert.That(result.Status, Is.EqualTo(CorrelationStatus.TooFewSamples));
        Assert.That(result.N, Is.EqualTo(n));
        Assert.That(result.Coefficient, Is.NaN);
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void Correlate_Throws_NamingTheIndex_WhenValueIsNotFinite(double bad)
    {
        double[] y = [1, 2, bad, 4];
        Assert.That(() => _analyzer.Pearson([1, 2, 3, 4], y),
            Throws.ArgumentException.With.Message.Contains("y[2]").And.Property(nameof(ArgumentException.ParamName)).EqualTo("y"));
        Assert.That(() => _analyzer.Multiple([1, 2, 3, 4, 5], [[1, 2, 3, 4, 5], [1, 3, 2, 5, bad]]),
            Throws.ArgumentException.With.Message.Contains("factors[1][4]"));
    }

    [Test]
    public void Correlate_Throws_WhenLengthsDiffer()
    {
        Assert.That(() => _analyzer.Spearman([1, 2, 3], [1, 2, 3, 4]), Throws.ArgumentException.With.Message.Contains("3").And.Message.Contains("4"));
        Assert.That(() => _analyzer.Multiple([1, 2, 3, 4], [[1, 2, 3]]), Throws.ArgumentException);
    }

    [Test]
    public void Correlate_Throws_WhenNull()
    {
        Assert.That(() => _analyzer.Kendall(null!, [1.0]), Throws.InstanceOf<ArgumentNullException>());
    }

    [TestCase(CorrelationMethod.Pearson)]
    [TestCase(CorrelationMethod.Spearman)]
    public void Correlate_GivesPZeroWithoutNaN_WhenCorrelationIsPerfect(CorrelationMethod method)
    {
        double[] x = [.. Enumerable.Range(0, 30).Select(i => 0.5 * i)];
        double[] y = [.. x.Select(v => 1.0 - (0.25 * v))];
        CorrelationResult result = _analyzer.Correlate(method, x, y);
        Assert.That(result.Status, Is.EqualTo(CorrelationStatus.Ok));
        Assert.That(result.Coefficient, Is.EqualTo(-1.0).Within(1e-15));
        Assert.That(result.PValue, Is.EqualTo(0.0));
    }

    [Test]
    public void Multiple_GivesFInfinityAndPZero_WhenFitIsPerfect()
    {
        double[] x1 = [1, 2, 3, 4, 5, 6];
        double[] x2 = [2, 1, 4, 3, 6, 5];
        double[] y = [.. x1.Select((v, i) => 1 + (2 * v) - (0.5 * x2[i]))];
        RegressionResult fit = _analyzer.Multiple(y, [x1, x2]);
        Assert.That(fit.Status, Is.EqualTo(CorrelationStatus.Ok));
        Assert.That(fit.R, Is.EqualTo(1.0).Within(1e-12));
        Assert.That(fit.PValue, Is.Not.NaN.And.LessThan(1e-12));
    }

    [Test]
    public void Multiple_ReportsRankDeficient_WhenAFactorIsConstantOrCollinear()
    {
        double[] y = [1, 3, 2, 5, 4, 6];
        double[] x1 = [1, 2, 3, 4, 5, 6];
        Assert.That(_analyzer.Multiple(y, [x1, [7, 7, 7, 7, 7, 7]]).Status, Is.EqualTo(CorrelationStatus.RankDeficient));
        Assert.That(_analyzer.Multiple(y, [x1, [.. x1.Select(v => (3 * v) - 1)]]).Status, Is.EqualTo(CorrelationStatus.RankDeficient));
    }

    [Test]
    public void Multiple_ReportsTooFewSamplesAndConstantInput()
    {
        RegressionResult few = _analyzer.Multiple([1, 2, 4], [[1, 2, 3], [3, 1, 2]]);
        Assert.That(few.Status, Is.EqualTo(CorrelationStatus.TooFewSamples));
        Assert.That(few.R, Is.NaN);
        Assert.That(few.Coefficients, Is.Empty);
        Assert.That(_analyzer.Multiple([2, 2, 2, 2], [[1, 2, 3, 4]]).Status, Is.EqualTo(CorrelationStatus.ConstantInput));
    }

    [Test]
    public void AddRobustnessStatistics_RegistersSingletonOnce_AndKeepsExistingRegistration()
    {
        var services = new ServiceCollection();
        Assert.That(services.AddRobustnessStatistics(), Is.SameAs(services));
        services.AddRobustnessStatistics();
        ServiceDescriptor descriptor = services.Single(d => d.ServiceType == typeof(ICorrelationAnalyzer));
        Assert.That(descriptor.Lifetime, Is.EqualTo(ServiceLifetime.Singleton));
        Assert.That(descriptor.ImplementationType, Is.EqualTo(typeof(CorrelationAnalyzer)));

        var custom = new ServiceCollection();
        var mine = new CorrelationAnalyzer();
        custom.AddSingleton<ICorrelationAnalyzer>(mine);
        custom.AddRobustnessStatistics();
        Assert.That(custom.Single(d => d.ServiceType == typeof(ICorrelationAnalyzer)).ImplementationInstance, Is.SameAs(mine));
    }

    [Test]
    public void Spearman_GivesExactlyOneAndZeroP_ForAPerfectMonotoneSeriesOfSeven()
    {
        // Pearson on these ranks rounds to 1 - 2e-16 (p ~ 1e-39); SciPy prints rho = 1, p = 0.
        double[] level = [0, 2, 4, 6, 8, 10, 12];
        double[] accuracy = [0.61, 0.70, 0.74, 0.80, 0.86, 0.9, 0.95];
        var analyzer = new CorrelationAnalyzer();

        CorrelationResult up = analyzer.Spearman(level, accuracy, PValueRule.Asymptotic);
        CorrelationResult down = analyzer.Spearman(level, accuracy.Select(a => -a).ToArray(), PValueRule.Asymptotic);

        Assert.That((up.Coefficient, up.PValue), Is.EqualTo((1.0, 0.0)));
        Assert.That((down.Coefficient, down.PValue), Is.EqualTo((-1.0, 0.0)));

        // The default rule takes the exact permutation p here (n = 7, no ties): 2 / 7!.
        Assert.That(analyzer.Spearman(level, accuracy).PValue, Is.EqualTo(2.0 / 5040).Within(1e-15));
    }
}
