namespace Robustness.Statistics.Tests;

/// <summary>
/// <see cref="PValueRule"/>: exact permutation p for Spearman (n &lt;= 10, no ties) and the exact Kendall distribution by
/// default, the approximations on request, checked against closed forms (exact p-values are rational numbers) and
/// against exact integer counts (Python's big integers; see the comments).
/// </summary>
[TestFixture]
public sealed class PValueRuleTests
{
    private readonly CorrelationAnalyzer _analyzer = new();

    [TestCase(4, 2.0 / 24)]
    [TestCase(5, 2.0 / 120)]
    [TestCase(7, 2.0 / 5040)]
    public void SpearmanAuto_IsExactPermutation_ForPerfectOrderWithoutTies(int n, double expected)
    {
        // Only the identity and its reverse reach |rho| = 1 among the n! pairings: p = 2 (1 / n!) for either sign.
        double[] x = [.. Enumerable.Range(1, n).Select(i => (double)i)];
        double[] up = [.. x.Select(v => 0.3 + (0.1 * v))];
        double[] down = [.. x.Select(v => 1 - (0.1 * v))];

        CorrelationResult rising = _analyzer.Spearman(x, up);
        CorrelationResult falling = _analyzer.Spearman(x, down);

        Assert.That(rising.Coefficient, Is.EqualTo(1.0));
        Assert.That(rising.PValueMethod, Is.EqualTo(PValueMethod.ExactPermutation));
        Assert.That(rising.PValueMethodName, Is.EqualTo("exact"));
        Assert.That(rising.PValue, Is.EqualTo(expected).Within(1e-15));
        Assert.That(falling.Coefficient, Is.EqualTo(-1.0));
        Assert.That(falling.PValue, Is.EqualTo(expected).Within(1e-15));
        Assert.That(_analyzer.Spearman(x, up, PValueRule.Exact), Is.EqualTo(rising));
        Assert.That(_analyzer.Correlate(CorrelationMethod.Spearman, x, up), Is.EqualTo(rising));
    }

    [Test]
    public void SpearmanAsymptotic_IsSciPysT_WithPZeroForPerfectOrder()
    {
        double[] x = [1, 2, 3, 4, 5];
        CorrelationResult t = _analyzer.Spearman(x, [0.31, 0.42, 0.55, 0.61, 0.78], PValueRule.Asymptotic);
        Assert.That(t.PValueMethod, Is.EqualTo(PValueMethod.StudentT));
        Assert.That(t.PValueMethodName, Is.EqualTo("t"));
        Assert.That(t.PValue, Is.Zero);
        Assert.That(t.FormatPValue(), Is.EqualTo("< 1e-16 (t)"));
    }

    [Test]
    public void SpearmanAuto_FallsBackToT_WithTiesOrAboveTen()
    {
        // A tie in y (SmallY has 3.5 twice), a tie in x, and n = 11 without ties.
        Assert.That(_analyzer.Spearman(ReferenceData.SmallX, ReferenceData.SmallY).PValueMethod, Is.EqualTo(PValueMethod.StudentT));
        Assert.That(_analyzer.Spearman(ReferenceData.SmallY, ReferenceData.SmallX).PValueMethod, Is.EqualTo(PValueMethod.StudentT));
        Assert.That(_analyzer.Spearman(ReferenceData.SmallX, ReferenceData.SmallY), Is.EqualTo(_analyzer.Spearman(ReferenceData.SmallX, ReferenceData.SmallY, PValueRule.Asymptotic)));
        double[] eleven = [.. Enumerable.Range(1, 11).Select(i => (double)i)];
        double[] y = [.. eleven.Select(v => v * v)];
        Assert.That(_analyzer.Spearman(eleven, y).PValueMethod, Is.EqualTo(PValueMethod.StudentT));
        Assert.That(_analyzer.Spearman(eleven, y).PValue, Is.Zero);
        double[] ten = eleven[..10];
        Assert.That(_analyzer.Spearman(ten, y[..10]).PValueMethod, Is.EqualTo(PValueMethod.ExactPermutation));
    }

    [Test]
    public void SpearmanExact_CountsPairings_ForSmallNonPerfectCase()
    {
        // n = 5, rho = 0.8 (sum d^2 = 4): pairings with sum d^2 <= 4 are the identity, 4 adjacent swaps and
        // 3 pairs of disjoint adjacent swaps (8 of 120); by symmetry as many reach rho <= -0.8. p = 16/120.
        CorrelationResult r = _analyzer.Spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]);
        Assert.That(r.Coefficient, Is.EqualTo(0.8).Within(1e-15));
        Assert.That(r.PValueMethod, Is.EqualTo(PValueMethod.ExactPermutation));
        Assert.That(r.PValue, Is.EqualTo(16.0 / 120).Within(1e-15));
    }

    [Test]
    public void KendallAutoAndExact_GiveTwoOverNFactorial_ForPerfectOrder()
    {
        double[] x = [1, 2, 3, 4, 5];
        double[] y = [0.2, 0.4, 0.5, 0.7, 0.9];
        CorrelationResult auto = _analyzer.Kendall(x, y);
        Assert.That(auto.Coefficient, Is.EqualTo(1.0).Within(1e-15));
        Assert.That(auto.PValueMethod, Is.EqualTo(PValueMethod.KendallExact));
        Assert.That(auto.PValueMethodName, Is.EqualTo("exact"));
        Assert.That(auto.PValue, Is.EqualTo(2.0 / 120).Within(1e-15));
        Assert.That(_analyzer.Kendall(x, y, PValueRule.Exact), Is.EqualTo(auto));
        Assert.That(_analyzer.Kendall(x, [.. y.Reverse()], PValueRule.Exact).PValue, Is.EqualTo(2.0 / 120).Within(1e-15));
        Assert.That(_analyzer.Kendall([1, 2, 3, 4], [1, 2, 3, 4], PValueRule.Exact).PValue, Is.EqualTo(2.0 / 24).Within(1e-15));
    }

    [Test]
    public void KendallAsymptotic_IsTheNormalApproximation()
    {
        // Perfect order, n = 5: S = 10, var = n(n - 1)(2n + 5)/18 = 50/3, z = sqrt(6), p = erfc(sqrt(3)).
        CorrelationResult r = _analyzer.Kendall([1, 2, 3, 4, 5], [0.2, 0.4, 0.5, 0.7, 0.9], PValueRule.Asymptotic);
        Assert.That(r.PValueMethod, Is.EqualTo(PValueMethod.Normal));
        Assert.That(r.PValueMethodName, Is.EqualTo("normal"));
        Agree.Relative(r.PValue, 0.014305878435429647, Agree.PValue, "kendall normal n5");
    }

    [Test]
    public void KendallExact_AboveSciPysAutoLimit_MatchesExactIntegerCounts()
    {
        // The n = 40 set of Kendall_UsesNormalApproximation_WhenNoTiesAndLargeN: 111 discordant pairs. The exact p,
        // 2 #{permutations with <= 111 inversions} / 40!, from Python's big integers, is 2.583829830045612e-13.
        double[] x = [.. Enumerable.Range(0, 40).Select(i => (double)i)];
        double[] y = [.. Enumerable.Range(0, 40).Select(i => i + ((double)(12 * ((i * 17) % 41)) / 41))];
        CorrelationResult r = _analyzer.Kendall(x, y, PValueRule.Exact);
        Assert.That(r.PValueMethod, Is.EqualTo(PValueMethod.KendallExact));
        Agree.Relative(r.PValue, 2.583829830045612e-13, Agree.PValue, "kendall exact n40");
        Assert.That(_analyzer.Kendall(x, y).PValueMethod, Is.EqualTo(PValueMethod.Normal), "Auto keeps SciPy's rule");
    }

    [TestCase(100, 60, 1.7504297067397766e-28)]
    [TestCase(170, 150, 9.434694539229384e-33)]
    public void KendallExact_StaysAccurate_UpToTheLargestN(int n, int scale, double expected)
    {
        // y_i = i + scale ((37 i) mod n) / n; the exact p from Python's big integers (813 and 3083 discordant pairs).
        double[] x = [.. Enumerable.Range(0, n).Select(i => (double)i)];
        double[] y = [.. Enumerable.Range(0, n).Select(i => i + (scale * ((i * 37) % n) / (double)n))];
        Agree.Relative(_analyzer.Kendall(x, y, PValueRule.Exact).PValue, expected, Agree.PValue, $"kendall exact n{n}");
    }

    [Test]
    public void KendallExact_Throws_WithTiesOrAboveTheLargestN()
    {
        Assert.That(() => _analyzer.Kendall(ReferenceData.TiesX, ReferenceData.TiesY, PValueRule.Exact),
            Throws.ArgumentException.With.Message.Contains("without ties").And.Message.Contains("x has tied values"));
        Assert.That(() => _analyzer.Kendall(ReferenceData.SmallX, ReferenceData.SmallY, PValueRule.Exact),
            Throws.ArgumentException.With.Message.Contains("y has tied values"));
        double[] big = [.. Enumerable.Range(0, CorrelationAnalyzer.MaxExactKendallN + 1).Select(i => (double)i)];
        Assert.That(() => _analyzer.Kendall(big, big, PValueRule.Exact), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("n <= 170"));
        Assert.That(_analyzer.Kendall(ReferenceData.TiesX, ReferenceData.TiesY, PValueRule.Asymptotic), Is.EqualTo(_analyzer.Kendall(ReferenceData.TiesX, ReferenceData.TiesY)));
    }

    [Test]
    public void SpearmanExact_AllowsTies_PermutingAverageRanks()
    {
        CorrelationResult r = _analyzer.Spearman(ReferenceData.SmallX, ReferenceData.SmallY, PValueRule.Exact);
        Assert.That(r.PValueMethod, Is.EqualTo(PValueMethod.ExactPermutation));
    }

    [Test]
    public void UndefinedInput_StaysUndefined_UnderEveryRule()
    {
        foreach (PValueRule rule in Enum.GetValues<PValueRule>())
        {
            Assert.That(_analyzer.Spearman([1, 2, 3], [4, 4, 4], rule).Status, Is.EqualTo(CorrelationStatus.ConstantInput));
            Assert.That(_analyzer.Kendall([1, 2], [3, 4], rule).Status, Is.EqualTo(CorrelationStatus.TooFewSamples));
            Assert.That(_analyzer.Kendall([1, 2, 3], [4, 4, 4], rule).PValueMethodName, Is.EqualTo("none"));
        }

        Assert.That(() => _analyzer.Spearman([1, 2, 3], [1, 2, 3], (PValueRule)7), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Segments_PassTheRuleOn()
    {
        double[] levels = [0, 1, 2, 3, 4, 5, 6];
        double[] acc = [0.3, 0.5, 0.7, 0.9, 0.8, 0.6, 0.55];
        SeriesSplit split = SeriesSegments.SplitAtPeak(acc);
        IReadOnlyList<SegmentAnalysis> auto = SeriesSegments.Analyze(_analyzer, levels, acc, split);
        IReadOnlyList<SegmentAnalysis> t = SeriesSegments.Analyze(_analyzer, levels, acc, split, CorrelationMethod.Spearman, PValueRule.Asymptotic);
        Assert.That(auto[0].Correlation.PValue, Is.EqualTo(2.0 / 24).Within(1e-15));
        Assert.That(auto[1].Correlation.PValue, Is.EqualTo(2.0 / 6).Within(1e-15));
        Assert.That(t[0].Correlation.PValue, Is.Zero);
        Assert.That(t[0].Correlation.PValueMethod, Is.EqualTo(PValueMethod.StudentT));
    }

    [TestCase(0.0, "< 1e-16")]
    [TestCase(9.9e-17, "< 1e-16")]
    [TestCase(1e-16, "1E-16")]
    [TestCase(2.5127812066725732e-05, "2.51E-05")]
    [TestCase(1.0 / 60, "0.0167")]
    [TestCase(0.067634994730281478, "0.0676")]
    [TestCase(1.0, "1")]
    [TestCase(double.NaN, "-")]
    public void FormatPValue_NeverPrintsZero(double p, string expected)
    {
        Assert.That(CorrelationStrengths.FormatPValue(p), Is.EqualTo(expected));
    }

    [Test]
    public void FormatPValue_KeepsTheOutputsFormat_AboveTheBound()
    {
        Assert.That(CorrelationStrengths.FormatPValue(1.0 / 60, "R"), Is.EqualTo("0.016666666666666666"));
        Assert.That(CorrelationStrengths.FormatPValue(0, "R"), Is.EqualTo("< 1e-16"));
        var result = new CorrelationResult(CorrelationMethod.Spearman, 5, 1, 1.0 / 60, PValueMethod.ExactPermutation, CorrelationStatus.Ok);
        Assert.That(result.FormatPValue(), Is.EqualTo("0.0167 (exact)"));
        Assert.That((result with { PValue = double.NaN, PValueMethod = PValueMethod.None }).FormatPValue(), Is.EqualTo("-"));
        Assert.That((result with { PValueMethod = PValueMethod.Normal }).PValueMethodName, Is.EqualTo("normal"));
        Assert.That((result with { PValueMethod = PValueMethod.FTest }).PValueMethodName, Is.EqualTo("F"));

        double[] x1 = [1, 2, 3, 4, 5, 6];
        double[] x2 = [2, 1, 4, 3, 6, 5];
        RegressionResult perfect = _analyzer.Multiple([.. x1.Select((v, i) => 1 + (2 * v) - (0.5 * x2[i]))], [x1, x2]);
        Assert.That(perfect.FormatPValue(), Is.EqualTo("< 1e-16"));
    }
}
