namespace Robustness.Statistics;

/// <summary>
/// Kendall's tau-b with SciPy 1.10's <c>kendalltau(variant='b')</c> p-value: <c>method='auto'</c> for <see cref="PValueRule.Auto"/>,
/// 'exact' for <see cref="PValueRule.Exact"/> (the caller has checked: no ties, n &lt;= <see cref="ExactLargestN"/>), 'asymptotic'
/// for <see cref="PValueRule.Asymptotic"/>.
/// </summary>
internal static class KendallTau
{
    /// <summary>Largest n for which SciPy's 'auto' always takes the exact distribution (without ties).</summary>
    public const int ExactMaxN = 33;

    /// <summary>Largest n for the exact distribution at all: 170! is the largest factorial that is a finite double.</summary>
    public const int ExactLargestN = 170;

    public static CorrelationResult Compute(double[] x, double[] y, PValueRule rule = PValueRule.Auto)
    {
        int n = x.Length;
        long dis = 0;
        long ntie = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                int dx = x[i].CompareTo(x[j]);
                int dy = y[i].CompareTo(y[j]);
                if (dx == 0 && dy == 0)
                {
                    ntie++;
                }
                else if (dx * dy < 0)
                {
                    dis++;
                }
            }
        }

        (long xtie, double x0, double x1) = TieStatistics(x);
        (long ytie, double y0, double y1) = TieStatistics(y);
        long tot = (long)n * (n - 1) / 2;
        if (xtie == tot || ytie == tot)
        {
            return new CorrelationResult(CorrelationMethod.Kendall, n, double.NaN, double.NaN, PValueMethod.None, CorrelationStatus.ConstantInput);
        }

        long conMinusDis = tot - xtie - ytie + ntie - (2 * dis);
        double tau = conMinusDis / Math.Sqrt(tot - xtie) / Math.Sqrt(tot - ytie);
        tau = Math.Clamp(tau, -1.0, 1.0);

        bool exact = rule switch
        {
            PValueRule.Exact => true,
            PValueRule.Asymptotic => false,
            _ => xtie == 0 && ytie == 0 && (n <= ExactMaxN || Math.Min(dis, tot - dis) <= 1),
        };
        if (exact)
        {
            return new CorrelationResult(CorrelationMethod.Kendall, n, tau, ExactTwoSided(n, tot - dis), PValueMethod.KendallExact, CorrelationStatus.Ok);
        }

        double m = n * (n - 1.0);
        double variance = (((m * ((2.0 * n) + 5)) - x1 - y1) / 18.0)
            + (2.0 * xtie * ytie / m)
            + (x0 * y0 / (9.0 * m * (n - 2)));
        double z = conMinusDis / Math.Sqrt(variance);
        return new CorrelationResult(CorrelationMethod.Kendall, n, tau, Tails.NormalTwoSided(z), PValueMethod.Normal, CorrelationStatus.Ok);
    }

    /// <summary>
    /// Two-sided exact p-value for <paramref name="concordant"/> concordant pairs among n untied observations
    /// (Kendall 1970; the recursion of SciPy's <c>_kendall_p_exact</c>).
    /// </summary>
    internal static double ExactTwoSided(int n, long concordant)
    {
        long half = (long)n * (n - 1) / 2;
        long c = Math.Min(concordant, half - concordant);
        double prob;
        if (n <= 2)
        {
            prob = 1.0;
        }
        else if (c == 0)
        {
            prob = n < 171 ? 2.0 / Factorial(n) : 0.0;
        }
        else if (c == 1)
        {
            prob = n < 172 ? 2.0 / Factorial(n - 1) : 0.0;
        }
        else if (4 * c == (long)n * (n - 1))
        {
            prob = 1.0;
        }
        else
        {
            // new[i] = number of permutations of j elements with i inversions, truncated at c.
            int size = checked((int)c + 1);
            var counts = new double[size];
            counts[0] = 1.0;
            counts[1] = 1.0;
            var previous = new double[size];
            for (int j = 3; j <= n; j++)
            {
                double running = 0;
                for (int i = 0; i < size; i++)
                {
                    running += counts[i];
                    counts[i] = running;
                }

                if (j <= c)
                {
                    Array.Copy(counts, previous, size);
                    for (int i = j; i < size; i++)
                    {
                        counts[i] -= previous[i - j];
                    }
                }
            }

            double sum = 0;
            foreach (double v in counts)
            {
                sum += v;
            }

            prob = n < 171 ? 2.0 * sum / Factorial(n) : 0.0;
        }

        return Math.Clamp(prob, 0.0, 1.0);
    }

    private static (long Pairs, double T0, double T1) TieStatistics(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        long pairs = 0;
        double t0 = 0;
        double t1 = 0;
        int start = 0;
        while (start < sorted.Length)
        {
            int end = start + 1;
            while (end < sorted.Length && sorted[end] == sorted[start])
            {
                end++;
            }

            long t = end - start;
            if (t > 1)
            {
                pairs += t * (t - 1) / 2;
                t0 += t * (t - 1.0) * (t - 2);
                t1 += t * (t - 1.0) * ((2 * t) + 5);
            }

            start = end;
        }

        return (pairs, t0, t1);
    }

    private static double Factorial(int n)
    {
        double f = 1.0;
        for (int i = 2; i <= n; i++)
        {
            f *= i;
        }

        return f;
    }
}
