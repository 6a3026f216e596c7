using MathNet.Numerics.LinearAlgebra;

namespace Robustness.Statistics;

/// <summary>The library's <see cref="ICorrelationAnalyzer"/>; stateless and thread-safe.</summary>
public sealed class CorrelationAnalyzer : ICorrelationAnalyzer
{
    /// <summary>
    /// Largest n for Spearman's exact permutation p (<see cref="PValueRule.Exact"/>, and <see cref="PValueRule.Auto"/>
    /// without ties): 10! = 3,628,800 pairings.
    /// </summary>
    public const int MaxExactPermutationN = 10;

    /// <summary>
    /// Largest n for Kendall's exact null distribution under <see cref="PValueRule.Exact"/>: n! must be a finite double
    /// (171! is not). <see cref="PValueRule.Auto"/> takes it only for n &lt;= 33 (or at most one discordant or concordant pair), as SciPy does.
    /// </summary>
    public const int MaxExactKendallN = KendallTau.ExactLargestN;

    /// <inheritdoc />
    public CorrelationResult Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        (double[] xs, double[] ys) = Pair(x, y);
        if (Undefined(CorrelationMethod.Pearson, xs, ys) is { } undefined)
        {
            return undefined;
        }

        double r = PearsonCoefficient(xs, ys);
        return new CorrelationResult(CorrelationMethod.Pearson, xs.Length, r, Tails.PearsonTwoSided(r, xs.Length), PValueMethod.StudentT, CorrelationStatus.Ok);
    }

    /// <inheritdoc />
    public CorrelationResult Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y, PValueRule rule = PValueRule.Auto)
    {
        CheckRule(rule);
        (double[] xs, double[] ys) = Pair(x, y);
        if (rule == PValueRule.Exact && xs.Length > MaxExactPermutationN)
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule,
                $"The exact permutation p-value of Spearman's rho enumerates all n! pairings and allows n <= {MaxExactPermutationN}; n is {xs.Length}. Use the Auto or Asymptotic rule.");
        }

        if (Undefined(CorrelationMethod.Spearman, xs, ys) is { } undefined)
        {
            return undefined;
        }

        double[] rx = Ranks.Average(xs);
        double[] ry = Ranks.Average(ys);
        double rho = PerfectRankAgreement(rx, ry) ?? CorrCoef(rx, ry);
        bool exact = rule == PValueRule.Exact
            || (rule == PValueRule.Auto && xs.Length <= MaxExactPermutationN && !Inputs.HasTies(xs) && !Inputs.HasTies(ys));
        if (exact)
        {
            return new CorrelationResult(CorrelationMethod.Spearman, xs.Length, rho, SpearmanExact.TwoSided(rx, ry), PValueMethod.ExactPermutation, CorrelationStatus.Ok);
        }

        // SciPy: t = rs * sqrt((dof / ((rs + 1) (1 - rs))).clip(0)), p = 2 t.sf(|t|, dof).
        double dof = xs.Length - 2;
        double t = rho * Math.Sqrt(Math.Max(dof / ((rho + 1.0) * (1.0 - rho)), 0.0));
        return new CorrelationResult(CorrelationMethod.Spearman, xs.Length, rho, Tails.StudentTTwoSided(t, dof), PValueMethod.StudentT, CorrelationStatus.Ok);
    }

    /// <inheritdoc />
    public CorrelationResult Kendall(IReadOnlyList<double> x, IReadOnlyList<double> y, PValueRule rule = PValueRule.Auto)
    {
        CheckRule(rule);
        (double[] xs, double[] ys) = Pair(x, y);
        if (rule == PValueRule.Exact && xs.Length > MaxExactKendallN)
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule,
                $"Kendall's exact null distribution needs n! as a double and allows n <= {MaxExactKendallN}; n is {xs.Length}. Use the Auto or Asymptotic rule.");
        }

        if (Undefined(CorrelationMethod.Kendall, xs, ys) is { } undefined)
        {
            return undefined;
        }

        if (rule == PValueRule.Exact && (Inputs.HasTies(xs) || Inputs.HasTies(ys)))
        {
            string which = Inputs.HasTies(xs) ? nameof(x) : nameof(y);
            throw new ArgumentException(
                $"Kendall's exact null distribution holds only without ties, but {which} has tied values. Use the Auto or Asymptotic rule.",
                which);
        }

        return KendallTau.Compute(xs, ys, rule);
    }

    /// <inheritdoc />
    public CorrelationResult Correlate(CorrelationMethod method, IReadOnlyList<double> x, IReadOnlyList<double> y, PValueRule rule = PValueRule.Auto) => method switch
    {
        CorrelationMethod.Pearson => Pearson(x, y),
        CorrelationMethod.Spearman => Spearman(x, y, rule),
        CorrelationMethod.Kendall => Kendall(x, y, rule),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Use Pearson, Spearman or Kendall."),
    };

    /// <inheritdoc />
    public RegressionResult Multiple(IReadOnlyList<double> y, IReadOnlyList<IReadOnlyList<double>> factors, IReadOnlyList<string>? factorNames = null)
    {
        double[] ys = Inputs.Finite(y, nameof(y));
        ArgumentNullException.ThrowIfNull(factors);
        int k = factors.Count;
        if (k < 1)
        {
            throw new ArgumentException("factors is empty; give at least one factor column.", nameof(factors));
        }

        if (factorNames is not null && factorNames.Count != k)
        {
            throw new ArgumentException($"factorNames has {factorNames.Count} names for {k} factor columns.", nameof(factorNames));
        }

        var columns = new double[k][];
        for (int j = 0; j < k; j++)
        {
            columns[j] = Inputs.Finite(factors[j] ?? throw new ArgumentException($"factors[{j}] is null.", nameof(factors)), $"factors[{j}]");
            Inputs.SameLength(ys, columns[j], nameof(y), $"factors[{j}]");
        }

        return Regression.Fit(ys, columns, factorNames);
    }

    /// <summary>
    /// +1 when the rank vectors are equal, -1 when one is the other reversed (r_x + r_y = n + 1 for
    /// every pair), else null. Rounding in the coefficient would otherwise give 1 - 1e-16 and a tiny
    /// non-zero p where a perfect rank correlation has p = 0 exactly.
    /// </summary>
    private static double? PerfectRankAgreement(double[] rx, double[] ry)
    {
        bool same = true;
        bool reversed = true;
        double sum = rx.Length + 1.0;
        for (int i = 0; i < rx.Length && (same || reversed); i++)
        {
            same &= rx[i] == ry[i];
            reversed &= rx[i] + ry[i] == sum;
        }

        return same ? 1.0 : reversed ? -1.0 : null;
    }

    /// <summary>Pearson r exactly as SciPy 1.10 computes it: dot(xm / |xm|, ym / |ym|), clipped to [-1, 1].</summary>
    internal static double PearsonCoefficient(double[] x, double[] y)
    {
        int n = x.Length;
        double xmean = Mean(x);
        double ymean = Mean(y);
        var xm = new double[n];
        var ym = new double[n];
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++)
        {
            xm[i] = x[i] - xmean;
            ym[i] = y[i] - ymean;
            sxx += xm[i] * xm[i];
            syy += ym[i] * ym[i];
        }

        double nx = Math.Sqrt(sxx);
        double ny = Math.Sqrt(syy);
        double r = 0;
        for (int i = 0; i < n; i++)
        {
            r += xm[i] / nx * (ym[i] / ny);
        }

        return Math.Clamp(r, -1.0, 1.0);
    }

    /// <summary>numpy's corrcoef: cov / sqrt(var_x) / sqrt(var_y), clipped (SciPy's spearmanr uses it on the ranks).</summary>
    internal static double CorrCoef(double[] x, double[] y)
    {
        int n = x.Length;
        double xmean = Mean(x);
        double ymean = Mean(y);
        double sxx = 0;
        double syy = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - xmean;
            double dy = y[i] - ymean;
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }

        double c = sxy / (n - 1);
        return Math.Clamp(c / Math.Sqrt(sxx / (n - 1)) / Math.Sqrt(syy / (n - 1)), -1.0, 1.0);
    }

    internal static double Mean(double[] values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        return sum / values.Length;
    }

    private static (double[] X, double[] Y) Pair(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double[] xs = Inputs.Finite(x, nameof(x));
        double[] ys = Inputs.Finite(y, nameof(y));
        Inputs.SameLength(xs, ys, nameof(x), nameof(y));
        return (xs, ys);
    }

    private static void CheckRule(PValueRule rule)
    {
        if (rule is not (PValueRule.Auto or PValueRule.Exact or PValueRule.Asymptotic))
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule, "Use PValueRule.Auto, Exact or Asymptotic.");
        }
    }

    private static CorrelationResult? Undefined(CorrelationMethod method, double[] x, double[] y)
    {
        if (x.Length < 3)
        {
            return new CorrelationResult(method, x.Length, double.NaN, double.NaN, PValueMethod.None, CorrelationStatus.TooFewSamples);
        }

        if (Inputs.IsConstant(x) || Inputs.IsConstant(y))
        {
            return new CorrelationResult(method, x.Length, double.NaN, double.NaN, PValueMethod.None, CorrelationStatus.ConstantInput);
        }

        return null;
    }
}

/// <summary>Exact permutation p-value of Spearman's rho by enumerating every pairing (Heap's algorithm).</summary>
internal static class SpearmanExact
{
    public static double TwoSided(double[] rankX, double[] rankY)
    {
        int n = rankX.Length;

        // Average ranks are multiples of 1/2, so 2*rank is an integer and S = sum (2rx)(2ry) is exact.
        // rho is an increasing affine function of S because permuting y keeps both rank variances.
        var a = new long[n];
        var b = new long[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = (long)Math.Round(2 * rankX[i]);
            b[i] = (long)Math.Round(2 * rankY[i]);
        }

        long observed = Dot(a, b);
        long s = observed;
        long greaterOrEqual = 0;
        long lessOrEqual = 0;
        long total = 0;
        var c = new int[n];
        void Count()
        {
            total++;
            if (s >= observed)
            {
                greaterOrEqual++;
            }

            if (s <= observed)
            {
                lessOrEqual++;
            }
        }

        // Heap's algorithm: every step swaps two entries of b, which changes the dot product by (a_j - a_i)(b_i - b_j).
        Count();
        int i2 = 1;
        while (i2 < n)
        {
            if (c[i2] < i2)
            {
                int j = (i2 % 2 == 0) ? 0 : c[i2];
                s += (a[j] - a[i2]) * (b[i2] - b[j]);
                (b[j], b[i2]) = (b[i2], b[j]);
                Count();
                c[i2]++;
                i2 = 1;
            }
            else
            {
                c[i2] = 0;
                i2++;
            }
        }

        double pGreater = (double)greaterOrEqual / total;
        double pLess = (double)lessOrEqual / total;
        return Math.Min(1.0, 2.0 * Math.Min(pGreater, pLess));
    }

    private static long Dot(long[] a, long[] b)
    {
        long s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }
}
