using Robustness.Randomness;

namespace Robustness.Statistics;

/// <summary>Bootstrap confidence intervals for a correlation coefficient (the paper reports none).</summary>
/// <param name="Method">The coefficient.</param>
/// <param name="Estimate">The coefficient on the original data.</param>
/// <param name="Confidence">Confidence level, e.g. 0.95.</param>
/// <param name="PercentileLower">Lower end of the percentile interval.</param>
/// <param name="PercentileUpper">Upper end of the percentile interval.</param>
/// <param name="BcaLower">Lower end of the bias-corrected and accelerated (BCa) interval; NaN when BCa is undefined (all resamples on one side of the estimate, or a degenerate jackknife).</param>
/// <param name="BcaUpper">Upper end of the BCa interval; NaN when undefined.</param>
/// <param name="Resamples">Number of resamples drawn.</param>
/// <param name="DegenerateResamples">Resamples whose coefficient was undefined (a constant resampled series); they are left out.</param>
/// <param name="Seed">The seed that reproduces the interval.</param>
public sealed record BootstrapInterval(
    CorrelationMethod Method,
    double Estimate,
    double Confidence,
    double PercentileLower,
    double PercentileUpper,
    double BcaLower,
    double BcaUpper,
    int Resamples,
    int DegenerateResamples,
    ulong Seed);

/// <summary>
/// Pairs bootstrap of r, rho or tau: resample (x, y) pairs with replacement using <see cref="Xoshiro256StarStar"/>
/// seeded with the given seed, so an interval is the same on every machine and .NET version. Quantiles use linear
/// interpolation between order statistics (numpy's default, R type 7). BCa follows Efron (1987) with the
/// jackknife acceleration, z0 = Phi^-1(share of resampled coefficients below the estimate).
/// </summary>
public static class CorrelationBootstrap
{
    /// <summary>Computes percentile and BCa intervals.</summary>
    /// <param name="x">First series.</param>
    /// <param name="y">Second series.</param>
    /// <param name="method">The coefficient.</param>
    /// <param name="seed">Seed of the resampling generator.</param>
    /// <param name="resamples">Number of resamples (at least 100).</param>
    /// <param name="confidence">Confidence level in (0, 1).</param>
    /// <returns>The intervals; all NaN when the coefficient itself is undefined.</returns>
    public static BootstrapInterval ConfidenceInterval(
        IReadOnlyList<double> x,
        IReadOnlyList<double> y,
        CorrelationMethod method,
        ulong seed,
        int resamples = 2000,
        double confidence = 0.95)
    {
        double[] xs = Inputs.Finite(x, nameof(x));
        double[] ys = Inputs.Finite(y, nameof(y));
        Inputs.SameLength(xs, ys, nameof(x), nameof(y));
        if (resamples < 100)
        {
            throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "Use at least 100 resamples.");
        }

        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence must lie in (0, 1).");
        }

        var analyzer = new CorrelationAnalyzer();
        double estimate = analyzer.Correlate(method, xs, ys, PValueRule.Asymptotic).Coefficient;
        if (double.IsNaN(estimate))
        {
            return new BootstrapInterval(method, estimate, confidence, double.NaN, double.NaN, double.NaN, double.NaN, resamples, resamples, seed);
        }

        int n = xs.Length;
        var rng = new Xoshiro256StarStar(seed);
        var bx = new double[n];
        var by = new double[n];
        var values = new List<double>(resamples);
        for (int b = 0; b < resamples; b++)
        {
            for (int i = 0; i < n; i++)
            {
                int j = rng.NextInt(n);
                bx[i] = xs[j];
                by[i] = ys[j];
            }

            double r = analyzer.Correlate(method, bx, by, PValueRule.Asymptotic).Coefficient;
            if (!double.IsNaN(r))
            {
                values.Add(r);
            }
        }

        double[] sorted = [.. values];
        Array.Sort(sorted);
        double alpha = (1 - confidence) / 2;
        double pl = Quantile(sorted, alpha);
        double pu = Quantile(sorted, 1 - alpha);

        (double bl, double bu) = Bca(analyzer, method, xs, ys, estimate, sorted, alpha);
        return new BootstrapInterval(method, estimate, confidence, pl, pu, bl, bu, resamples, resamples - sorted.Length, seed);
    }

    private static (double Lower, double Upper) Bca(CorrelationAnalyzer analyzer, CorrelationMethod method, double[] x, double[] y, double estimate, double[] sorted, double alpha)
    {
        if (sorted.Length == 0)
        {
            return (double.NaN, double.NaN);
        }

        int below = 0;
        foreach (double v in sorted)
        {
            if (v < estimate)
            {
                below++;
            }
        }

        double z0 = Tails.NormalQuantile((double)below / sorted.Length);
        if (!double.IsFinite(z0))
        {
            return (double.NaN, double.NaN);
        }

        // Jackknife acceleration.
        int n = x.Length;
        var jack = new double[n];
        var jx = new double[n - 1];
        var jy = new double[n - 1];
        for (int leave = 0; leave < n; leave++)
        {
            for (int i = 0, k = 0; i < n; i++)
            {
                if (i != leave)
                {
                    jx[k] = x[i];
                    jy[k] = y[i];
                    k++;
                }
            }

            jack[leave] = analyzer.Correlate(method, jx, jy, PValueRule.Asymptotic).Coefficient;
            if (double.IsNaN(jack[leave]))
            {
                return (double.NaN, double.NaN);
            }
        }

        double mean = CorrelationAnalyzer.Mean(jack);
        double num = 0;
        double den = 0;
        foreach (double j in jack)
        {
            double d = mean - j;
            num += d * d * d;
            den += d * d;
        }

        double a = den == 0 ? 0 : num / (6 * Math.Pow(den, 1.5));
        double Adjusted(double q)
        {
            double z = Tails.NormalQuantile(q);
            return Tails.NormalCdf(z0 + ((z0 + z) / (1 - (a * (z0 + z)))));
        }

        return (Quantile(sorted, Adjusted(alpha)), Quantile(sorted, Adjusted(1 - alpha)));
    }

    /// <summary>Type-7 quantile (linear interpolation) of sorted values.</summary>
    internal static double Quantile(double[] sorted, double q)
    {
        if (double.IsNaN(q))
        {
            return double.NaN;
        }

        double h = (sorted.Length - 1) * Math.Clamp(q, 0.0, 1.0);
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}
