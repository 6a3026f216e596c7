namespace Robustness.Statistics.Tests;

/// <summary>
/// The data sets of reference/make_reference.py and reference/make_reference.R, typed in identically.
/// The expected values in the tests are those scripts' output (SciPy 1.10.1, R 4.2.2).
/// </summary>
internal static class ReferenceData
{
    /// <summary>The paper's 24 training levels 0.5, 1.0, ..., 12.0.</summary>
    public static readonly double[] Levels = [.. Enumerable.Range(1, 24).Select(i => 0.5 * i)];

    /// <summary>MNIST-A-like accuracy: peak at 8.0, ties at 0.893 and 0.835.</summary>
    public static readonly double[] AccA =
    [
        0.312, 0.355, 0.401, 0.452, 0.503, 0.561, 0.612, 0.668, 0.721, 0.760, 0.802, 0.835,
        0.861, 0.880, 0.893, 0.901, 0.893, 0.870, 0.835, 0.835, 0.790, 0.741, 0.702, 0.655,
    ];

    /// <summary>MNIST-Test-like plateau with many ties.</summary>
    public static readonly double[] AccT =
    [
        0.987, 0.988, 0.988, 0.987, 0.986, 0.987, 0.986, 0.985, 0.986, 0.985, 0.984, 0.985,
        0.984, 0.983, 0.984, 0.983, 0.982, 0.982, 0.981, 0.982, 0.980, 0.979, 0.980, 0.978,
    ];

    /// <summary>No ties (Kendall's exact path at n = 24).</summary>
    public static readonly double[] AccC =
    [
        0.801, 0.806, 0.815, 0.812, 0.829, 0.833, 0.841, 0.838, 0.852, 0.860, 0.857, 0.866,
        0.871, 0.869, 0.880, 0.884, 0.889, 0.893, 0.891, 0.902, 0.905, 0.911, 0.909, 0.917,
    ];

    public static readonly double[] TiesX = [1, 2, 2, 3, 4, 4, 4, 5];
    public static readonly double[] TiesY = [2, 1, 3, 3, 5, 4, 6, 6];
    public static readonly double[] N3X = [1, 2, 3];
    public static readonly double[] N3Y = [2, 1, 4];
    public static readonly double[] NegX = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    public static readonly double[] NegY = [9.1, 8.7, 8.9, 7.2, 6.8, 5.1, 5.5, 3.9, 2.2, 1.8];
    public static readonly double[] PerfX = [1, 2, 3, 4, 5, 6];
    public static readonly double[] PerfY = [3, 5, 7, 9, 11, 13];
    public static readonly double[] PerfNegY = [-1, -2, -3, -4, -5, -6];
    public static readonly double[] SmallX = [3.1, 1.2, 4.8, 2.2, 5.9, 4.1, 6.3];
    public static readonly double[] SmallY = [2.0, 1.0, 3.5, 3.5, 4.2, 2.9, 5.0];

    /// <summary>The study's four factors x five levels (FGSM l2, Gaussian l2, CI, LD).</summary>
    public static readonly double[][] FactorLevels =
    [
        [0, 2, 4, 6, 8],
        [0, 2, 4, 6, 8],
        [0.2, 0.25, 0.3, 0.35, 0.4],
        [0, 0.05, 0.1, 0.15, 0.2],
    ];

    /// <summary>Response of the L25 regression (make_reference.py, regression_data).</summary>
    public static readonly double[] L25Y =
    [
        0.2220, 0.2240, 0.1820, 0.1400, 0.1420, 0.2500, 0.2080, 0.2100, 0.3180, 0.3760, 0.2780, 0.3860,
        0.3880, 0.4460, 0.4040, 0.4560, 0.4140, 0.4720, 0.4740, 0.5820, 0.4400, 0.5420, 0.6500, 0.6520,
        0.6100,
    ];

    public static double[] Head(double[] values, int count) => values[..count];

    public static double[] Tail(double[] values, int start) => values[start..];
}

/// <summary>Relative-tolerance comparison that also records the largest relative error seen.</summary>
internal static class Agree
{
    /// <summary>Tolerance for coefficients (r, rho, tau, R, R^2, F, estimates).</summary>
    public const double Coefficient = 1e-10;

    /// <summary>Tolerance for p-values.</summary>
    public const double PValue = 1e-8;

    private static readonly object _gate = new();

    public static double LargestCoefficientError { get; private set; }

    public static double LargestPValueError { get; private set; }

    /// <summary>Asserts |actual - expected| &lt;= rel |expected| (exact equality when expected is 0).</summary>
    public static void Relative(double actual, double expected, double rel, string what)
    {
        double error = expected == 0 ? Math.Abs(actual) : Math.Abs(actual - expected) / Math.Abs(expected);
        lock (_gate)
        {
            if (rel >= PValue)
            {
                LargestPValueError = Math.Max(LargestPValueError, error);
            }
            else
            {
                LargestCoefficientError = Math.Max(LargestCoefficientError, error);
            }
        }

        TestContext.Out.WriteLine($"{what}: actual {actual:R} expected {expected:R} relative error {error:E2}");
        if (expected == 0)
        {
            Assert.That(actual, Is.EqualTo(0.0), what);
        }
        else
        {
            Assert.That(actual, Is.EqualTo(expected).Within(Math.Abs(expected) * rel), what);
        }
    }
}
