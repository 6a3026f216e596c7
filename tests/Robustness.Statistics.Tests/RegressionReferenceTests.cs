using static Robustness.Statistics.Tests.ReferenceData;

namespace Robustness.Statistics.Tests;

/// <summary>Multiple regression against R 4.2.2's summary(lm) (reference/make_reference.R).</summary>
[TestFixture]
public sealed class RegressionReferenceTests
{
    private readonly CorrelationAnalyzer _analyzer = new();

    private static double[][] L25Factors() => OrthogonalArrays.MapFactors(OrthogonalArrays.L25(), FactorLevels);

    [Test]
    public void Multiple_MatchesRLm_OnL25FourFactorDesign()
    {
        RegressionResult fit = _analyzer.Multiple(L25Y, L25Factors(), ["fgsm", "gauss", "ci", "ld"]);

        Assert.That(fit.Status, Is.EqualTo(CorrelationStatus.Ok));
        Assert.That((fit.N, fit.K, fit.Df1, fit.Df2), Is.EqualTo((25, 4, 4, 20)));
        Agree.Relative(fit.R, 0.99679023153658586, Agree.Coefficient, "R");
        Agree.Relative(fit.RSquared, 0.99359076568676041, Agree.Coefficient, "R2");
        Agree.Relative(fit.AdjustedRSquared, 0.99230891882411254, Agree.Coefficient, "adjR2");
        Agree.Relative(fit.FStatistic, 775.12438859841313, Agree.Coefficient, "F");
        Agree.Relative(fit.PValue, 1.2791348325506476e-21, Agree.PValue, "F p");
        Agree.Relative(fit.ResidualStandardError, 0.013774178741398718, Agree.Coefficient, "sigma");

        (string Name, double B, double Se, double T, double P)[] expected =
        [
            ("(Intercept)", 0.29848000000000041, 0.013774178741398737, 21.669531491043394, 2.3247870305867597e-15),
            ("fgsm", 0.05003999999999998, 0.00097398151933186187, 51.376744842475802, 1.0225255008723606e-22),
            ("gauss", 0.01191999999999999, 0.00097398151933186187, 12.238425230262015, 9.5956240337722126e-11),
            ("ci", -0.36480000000000062, 0.038959260773274496, -9.363627357381695, 9.446359489600076e-09),
            ("ld", -0.58240000000000047, 0.038959260773274482, -14.948948938977788, 2.5626369106443325e-12),
        ];
        AssertCoefficients(fit, expected);
    }

    [Test]
    public void Multiple_MatchesRLm_OnTwoFactors()
    {
        double[][] factors = L25Factors();
        RegressionResult fit = _analyzer.Multiple(L25Y, [factors[0], factors[1]], ["fgsm", "gauss"]);

        Assert.That((fit.Df1, fit.Df2), Is.EqualTo((2, 22)));
        Agree.Relative(fit.R, 0.94545203695110924, Agree.Coefficient, "R");
        Agree.Relative(fit.RSquared, 0.89387955417500153, Agree.Coefficient, "R2");
        Agree.Relative(fit.AdjustedRSquared, 0.88423224091818353, Agree.Coefficient, "adjR2");
        Agree.Relative(fit.FStatistic, 92.655802748321776, Agree.Coefficient, "F");
        Agree.Relative(fit.PValue, 1.9221608358316301e-11, Agree.PValue, "F p");
        AssertCoefficients(fit,
        [
            ("(Intercept)", 0.13080000000000011, 0.023899060460802451, 5.4730184985526531, 1.6894926862374666e-05),
            ("fgsm", 0.050039999999999987, 0.0037787732497104498, 13.242392886060133, 5.8612616532804207e-12),
            ("gauss", 0.011919999999999998, 0.0037787732497104498, 3.1544628937217585, 0.0045991879736483991),
        ]);
    }

    [Test]
    public void Multiple_WithOneFactor_MatchesRLmAndEqualsAbsolutePearson()
    {
        RegressionResult fit = _analyzer.Multiple(AccA, [Levels], ["levels"]);

        Agree.Relative(fit.R, 0.72187046330585047, Agree.Coefficient, "R");
        Agree.Relative(fit.FStatistic, 23.938318257781795, Agree.Coefficient, "F");
        Agree.Relative(fit.PValue, 6.8341389625706293e-05, Agree.PValue, "F p");
        AssertCoefficients(fit,
        [
            ("(Intercept)", 0.46803985507246382, 0.054563639627197125, 8.5778708728068498, 1.8195030308459546e-08),
            ("levels", 0.037366956521739117, 0.0076373186054706898, 4.8926800690196144, 6.8341389625706429e-05),
        ]);
        Assert.That(fit.R, Is.EqualTo(Math.Abs(_analyzer.Pearson(Levels, AccA).Coefficient)).Within(1e-12));
    }

    [Test]
    public void Multiple_DefaultNames_AreInterceptThenX1ToXk()
    {
        RegressionResult fit = _analyzer.Multiple(L25Y, L25Factors());
        Assert.That(fit.Coefficients.Select(c => c.Name), Is.EqualTo(new[] { "(Intercept)", "x1", "x2", "x3", "x4" }));
    }

    private static void AssertCoefficients(RegressionResult fit, (string Name, double B, double Se, double T, double P)[] expected)
    {
        Assert.That(fit.Coefficients, Has.Count.EqualTo(expected.Length));
        for (int j = 0; j < expected.Length; j++)
        {
            RegressionCoefficient c = fit.Coefficients[j];
            Assert.That(c.Name, Is.EqualTo(expected[j].Name));
            Agree.Relative(c.Estimate, expected[j].B, Agree.Coefficient, $"{c.Name} estimate");
            Agree.Relative(c.StandardError, expected[j].Se, Agree.Coefficient, $"{c.Name} se");
            Agree.Relative(c.TValue, expected[j].T, Agree.Coefficient, $"{c.Name} t");
            Agree.Relative(c.PValue, expected[j].P, Agree.PValue, $"{c.Name} p");
        }
    }
}
