using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Robustness.Statistics;

/// <summary>Input checks shared by every analysis.</summary>
internal static class Inputs
{
    public static double[] Finite(IReadOnlyList<double> values, string paramName)
    {
        ArgumentNullException.ThrowIfNull(values, paramName);
        var copy = new double[values.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v))
            {
                throw new ArgumentException($"{paramName}[{i}] is {v}; every value must be finite (no NaN or infinity).", paramName);
            }

            copy[i] = v;
        }

        return copy;
    }

    public static void SameLength(double[] x, double[] y, string xName, string yName)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"{xName} has {x.Length} values but {yName} has {y.Length}; they must pair up one to one.", yName);
        }
    }

    /// <summary>True when two values are equal (a tie in the ranks).</summary>
    public static bool HasTies(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] == sorted[i - 1])
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsConstant(double[] values)
    {
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] != values[0])
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Average ranks (SciPy <c>rankdata(method='average')</c>, R <c>rank(ties.method='average')</c>).</summary>
internal static class Ranks
{
    /// <summary>1-based ranks; tied values share the mean of the ranks they span.</summary>
    public static double[] Average(double[] values)
    {
        int n = values.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        var keys = (double[])values.Clone();
        Array.Sort(keys, order);
        var ranks = new double[n];
        int start = 0;
        while (start < n)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start])
            {
                end++;
            }

            // Ranks start+1 .. end share their mean.
            double rank = 0.5 * (start + 1 + end);
            for (int j = start; j < end; j++)
            {
                ranks[order[j]] = rank;
            }

            start = end;
        }

        return ranks;
    }
}

/// <summary>
/// Tail probabilities through the regularized incomplete beta function, the route SciPy (Boost, Cephes)
/// and R (TOMS 708) take, so tiny p-values keep their relative accuracy.
/// </summary>
internal static class Tails
{
    /// <summary>Two-sided P(|T| &gt;= |t|) for Student's t with <paramref name="df"/> degrees of freedom: I_{df/(df+t^2)}(df/2, 1/2).</summary>
    public static double StudentTTwoSided(double t, double df)
    {
        if (double.IsNaN(t))
        {
            return double.NaN;
        }

        if (double.IsInfinity(t))
        {
            return 0.0;
        }

        double x = df / (df + (t * t));
        return Clamp01(SpecialFunctions.BetaRegularized(df / 2.0, 0.5, x));
    }

    /// <summary>Upper tail P(F &gt; f) of the F distribution: I_{df2/(df2+df1 f)}(df2/2, df1/2).</summary>
    public static double FUpper(double f, double df1, double df2)
    {
        if (double.IsNaN(f))
        {
            return double.NaN;
        }

        if (double.IsPositiveInfinity(f))
        {
            return 0.0;
        }

        double x = df2 / (df2 + (df1 * f));
        return Clamp01(SpecialFunctions.BetaRegularized(df2 / 2.0, df1 / 2.0, x));
    }

    /// <summary>
    /// Pearson's two-sided p-value as SciPy 1.10 computes it: r follows Beta(n/2 - 1, n/2 - 1) on [-1, 1] under
    /// the null, p = 2 sf((|r| + 1) / 2). Equal to the Student t p-value with n - 2 df in exact arithmetic.
    /// </summary>
    public static double PearsonTwoSided(double r, int n)
    {
        double ab = (n / 2.0) - 1.0;
        double x = (Math.Abs(r) + 1.0) / 2.0;
        double upper = 1.0 - x; // exact for x in [0.5, 1]
        if (upper <= 0.0)
        {
            return 0.0;
        }

        return Clamp01(2.0 * SpecialFunctions.BetaRegularized(ab, ab, upper));
    }

    /// <summary>Two-sided normal p-value 2 P(Z &gt; |z|), via erfc for relative accuracy far in the tail.</summary>
    public static double NormalTwoSided(double z)
    {
        if (double.IsInfinity(z))
        {
            return 0.0;
        }

        return Clamp01(SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2.0)));
    }

    /// <summary>Standard normal quantile.</summary>
    public static double NormalQuantile(double p) => Normal.InvCDF(0.0, 1.0, p);

    /// <summary>Standard normal CDF.</summary>
    public static double NormalCdf(double z) => 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2.0));

    private static double Clamp01(double p) => Math.Clamp(p, 0.0, 1.0);
}
