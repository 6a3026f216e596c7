using static Robustness.Statistics.Tests.ReferenceData;

namespace Robustness.Statistics.Tests;

/// <summary>Pearson, Spearman and Kendall against SciPy 1.10.1 (reference/make_reference.py).</summary>
[TestFixture]
public sealed class CorrelationReferenceTests
{
    private readonly CorrelationAnalyzer _analyzer = new();

    /// <summary>Name, x, y, then SciPy's pearson r, p, spearman rho, p, kendall tau, p.</summary>
    private static IEnumerable<TestCaseData> SciPyCases()
    {
        yield return Case("levels~accA", Levels, AccA,
            0.72187046330585058, 6.8341389625706185e-05, 0.61632245410493525, 0.0013412088209166445, 0.48906412357179391, 0.00087292455493507008);
        yield return Case("levels~accT plateau with ties", Levels, AccT,
            -0.96867027752086932, 8.5086758925151394e-15, -0.9775085185803728, 2.3138582249322917e-16, -0.90688239666679715, 1.5178984403878184e-09);
        yield return Case("levels~accC no ties", Levels, AccC,
            0.99174736147801601, 4.0104219570512703e-21, 0.99478260869565205, 2.6225015915247586e-23, 0.95652173913043481, 1.465295095386325e-18);
        yield return Case("segment I levels~accA", Head(Levels, 16), Head(AccA, 16),
            0.98653848968368252, 2.0730303559611784e-12, 1, 0, 1, 9.5589546647747705e-14);
        yield return Case("segment II levels~accA", Tail(Levels, 16), Tail(AccA, 16),
            -0.98310877071273806, 1.1896128105271136e-05, -0.99402979738800479, 5.2961535156451228e-07, -0.98198050606196563, 0.00076198963953042376);
        yield return Case("ties", TiesX, TiesY,
            0.87672278537057324, 0.0042613257025336327, 0.90077751054014765, 0.0022640090646742633, 0.80064076902543579, 0.0091919958625937513);
        yield return Case("n = 3", N3X, N3Y,
            0.65465367070797709, 0.54562894834299003, 0.5, 0.66666666666666674, 0.33333333333333337, 1);
        yield return Case("negative", NegX, NegY,
            -0.97732055953393115, 1.1262597084330082e-06, -0.97575757575757571, 1.4675461874042197e-06, -0.91111111111111098, 2.9761904761904762e-05);
        yield return Case("perfect", PerfX, PerfY,
            0.99999999999999989, 0, 1, 0, 0.99999999999999989, 0.0027777777777777779);
        yield return Case("perfect negative", PerfX, PerfNegY,
            -0.99999999999999989, 0, -1, 0, -0.99999999999999989, 0.0027777777777777779);
        yield return Case("small with a tie in y", SmallX, SmallY,
            0.85125934728545793, 0.015101315807981937, 0.84688121493382551, 0.016197127467871632, 0.78072005835882652, 0.015074907310598044);
    }

    private static TestCaseData Case(string name, double[] x, double[] y, double r, double pr, double rho, double ps, double tau, double pk) =>
        new TestCaseData(x, y, new[] { r, pr, rho, ps, tau, pk }).SetArgDisplayNames(name);

    [TestCaseSource(nameof(SciPyCases))]
    public void Pearson_MatchesSciPy(double[] x, double[] y, double[] expected)
    {
        CorrelationResult result = _analyzer.Pearson(x, y);
        Assert.That(result.Status, Is.EqualTo(CorrelationStatus.Ok));
        Assert.That(result.PValueMethod, Is.EqualTo(PValueMethod.StudentT));
        Agree.Relative(result.Coefficient, expected[0], Agree.Coefficient, "pearson r");
        Agree.Relative(result.PValue, expected[1], Agree.PValue, "pearson p");
    }

    [TestCaseSource(nameof(SciPyCases))]
    public void Spearman_MatchesSciPy(double[] x, double[] y, double[] expected)
    {
        // SciPy's spearmanr p is the t approximation; the library's Auto rule takes the exact p for small n without ties.
        CorrelationResult result = _analyzer.Spearman(x, y, PValueRule.Asymptotic);
        Assert.That(result.Status, Is.EqualTo(CorrelationStatus.Ok));
        Assert.That(result.PValueMethod, Is.EqualTo(PValueMethod.StudentT));
        Agree.Relative(result.Coefficient, expected[2], Agree.Coefficient, "spearman rho");
        Agree.Relative(result.PValue, expected[3], Agree.PValue, "spearman p");
    }

    [TestCaseSource(nameof(SciPyCases))]
    public void Kendall_MatchesSciPy(double[] x, double[] y, double[] expected)
    {
        CorrelationResult result = _analyzer.Kendall(x, y);
        Assert.That(result.Status, Is.EqualTo(CorrelationStatus.Ok));
        Agree.Relative(result.Coefficient, expected[4], Agree.Coefficient, "kendall tau");
        Agree.Relative(result.PValue, expected[5], Agree.PValue, "kendall p");
    }

    [Test]
    public void Kendall_UsesExactDistribution_WhenNoTiesAndSmallN()
    {
        Assert.That(_analyzer.Kendall(Levels, AccC).PValueMethod, Is.EqualTo(PValueMethod.KendallExact));
        Assert.That(_analyzer.Kendall(Levels, AccA).PValueMethod, Is.EqualTo(PValueMethod.Normal));
        Assert.That(_analyzer.Kendall(TiesX, TiesY).PValueMethod, Is.EqualTo(PValueMethod.Normal));
    }

    [Test]
    public void Kendall_UsesNormalApproximation_WhenNoTiesAndLargeN()
    {
        // n = 40 without ties: SciPy's 'auto' switches to the asymptotic normal (reference: make_reference.py "n40").
        double[] x = [.. Enumerable.Range(0, 40).Select(i => (double)i)];
        double[] y = [.. Enumerable.Range(0, 40).Select(i => i + ((double)(12 * ((i * 17) % 41)) / 41))];
        CorrelationResult result = _analyzer.Kendall(x, y);
        Assert.That(result.PValueMethod, Is.EqualTo(PValueMethod.Normal));
        Agree.Relative(result.Coefficient, N40Tau, Agree.Coefficient, "kendall tau n40");
        Agree.Relative(result.PValue, N40P, Agree.PValue, "kendall p n40");
    }

    [TestCase(nameof(SmallX), 0.84688121493382551, 0.023809523809523808)]
    [TestCase(nameof(TiesX), 0.90077751054014765, 0.0047619047619047623)]
    [TestCase(nameof(N3X), 0.5, 1.0)]
    public void SpearmanExact_MatchesSciPyPermutationTest(string data, double rho, double p)
    {
        (double[] x, double[] y) = data switch
        {
            nameof(SmallX) => (SmallX, SmallY),
            nameof(TiesX) => (TiesX, TiesY),
            _ => (N3X, N3Y),
        };
        CorrelationResult result = _analyzer.Spearman(x, y, PValueRule.Exact);
        Assert.That(result.PValueMethod, Is.EqualTo(PValueMethod.ExactPermutation));
        Agree.Relative(result.Coefficient, rho, Agree.Coefficient, "spearman exact rho");
        Agree.Relative(result.PValue, p, Agree.PValue, "spearman exact p");
    }

    [Test]
    public void SpearmanExact_EnumeratesTenFactorialPairings_ForNTen()
    {
        // Perfect ranking at n = 10: only the identity and its reverse reach |rho| = 1, so p = 2 / 10!.
        double[] x = [.. Enumerable.Range(1, 10).Select(i => (double)i)];
        CorrelationResult result = _analyzer.Spearman(x, x, PValueRule.Exact);
        Agree.Relative(result.PValue, 2.0 / 3628800.0, Agree.PValue, "spearman exact p n10");
    }

    [Test]
    public void SpearmanExact_Throws_WhenNAboveTen()
    {
        double[] x = [.. Enumerable.Range(1, 11).Select(i => (double)i)];
        Assert.That(() => _analyzer.Spearman(x, x, PValueRule.Exact), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("n <= 10"));
    }

    [Test]
    public void Pearson_AgreesWithR_CorTest()
    {
        // R 4.2.2 cor.test (reference/make_reference.R): an independent implementation (pt instead of the beta route).
        Agree.Relative(_analyzer.Pearson(Levels, AccA).Coefficient, 0.72187046330585036, Agree.Coefficient, "R pearson r");
        Agree.Relative(_analyzer.Pearson(Levels, AccA).PValue, 6.8341389625706673e-05, Agree.PValue, "R pearson p");
        Agree.Relative(_analyzer.Spearman(TiesX, TiesY, PValueRule.Asymptotic).PValue, 0.0022640090646742573, Agree.PValue, "R spearman p ties");
        Agree.Relative(_analyzer.Spearman(NegX, NegY, PValueRule.Asymptotic).PValue, 1.4675461874042982e-06, Agree.PValue, "R spearman p negative");
    }

    [Test]
    public void Correlate_DispatchesByMethod()
    {
        Assert.That(_analyzer.Correlate(CorrelationMethod.Pearson, NegX, NegY), Is.EqualTo(_analyzer.Pearson(NegX, NegY)));
        Assert.That(_analyzer.Correlate(CorrelationMethod.Spearman, NegX, NegY), Is.EqualTo(_analyzer.Spearman(NegX, NegY)));
        Assert.That(_analyzer.Correlate(CorrelationMethod.Kendall, NegX, NegY), Is.EqualTo(_analyzer.Kendall(NegX, NegY)));
        Assert.That(_analyzer.Correlate(CorrelationMethod.Spearman, NegX, NegY, PValueRule.Asymptotic), Is.EqualTo(_analyzer.Spearman(NegX, NegY, PValueRule.Asymptotic)));
        Assert.That(_analyzer.Correlate(CorrelationMethod.Kendall, NegX, NegY, PValueRule.Asymptotic), Is.EqualTo(_analyzer.Kendall(NegX, NegY, PValueRule.Asymptotic)));
        Assert.That(_analyzer.Correlate(CorrelationMethod.Pearson, NegX, NegY, PValueRule.Exact), Is.EqualTo(_analyzer.Pearson(NegX, NegY)), "Pearson's p is always t");
    }

    private const double N40Tau = 0.7153846153846154;
    private const double N40P = 7.9640878108284739e-11;
}
