using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace Robustness.Statistics;

/// <summary>Ordinary least squares with intercept via MathNet's Householder QR, reported like R's <c>summary(lm)</c>.</summary>
internal static class Regression
{
    /// <summary>R's <c>lm</c> tolerance: a column whose norm after orthogonalisation falls below tol x its norm is aliased.</summary>
    public const double RankTolerance = 1e-7;

    public static RegressionResult Fit(double[] y, double[][] factors, IReadOnlyList<string>? factorNames)
    {
        int n = y.Length;
        int k = factors.Length;
        int p = k + 1;
        int rdf = n - p;
        if (rdf < 1)
        {
            return Undefined(n, k, rdf, CorrelationStatus.TooFewSamples);
        }

        if (Inputs.IsConstant(y))
        {
            return Undefined(n, k, rdf, CorrelationStatus.ConstantInput);
        }

        Matrix<double> a = Matrix<double>.Build.Dense(n, p, (i, j) => j == 0 ? 1.0 : factors[j - 1][i]);
        QR<double> qr = a.QR(QRMethod.Thin);
        Matrix<double> r = qr.R;
        for (int j = 0; j < p; j++)
        {
            if (Math.Abs(r[j, j]) < RankTolerance * a.Column(j).L2Norm())
            {
                return Undefined(n, k, rdf, CorrelationStatus.RankDeficient);
            }
        }

        Vector<double> yv = Vector<double>.Build.DenseOfArray(y);
        Vector<double> beta = qr.Solve(yv);
        Vector<double> fitted = a * beta;
        double fittedMean = fitted.Sum() / n;
        double mss = 0;
        double rss = 0;
        for (int i = 0; i < n; i++)
        {
            double d = fitted[i] - fittedMean;
            mss += d * d;
            double e = y[i] - fitted[i];
            rss += e * e;
        }

        double resvar = rss / rdf;
        double rSquared = mss / (mss + rss);
        double adjusted = 1.0 - ((1.0 - rSquared) * ((n - 1.0) / rdf));
        double f = mss / k / resvar;
        double pValue = Tails.FUpper(f, k, rdf);

        double[,] rInverse = InvertUpper(r, p);
        var coefficients = new RegressionCoefficient[p];
        for (int j = 0; j < p; j++)
        {
            double diag = 0;
            for (int m = j; m < p; m++)
            {
                diag += rInverse[j, m] * rInverse[j, m];
            }

            double se = Math.Sqrt(resvar * diag);
            double t = beta[j] / se;
            string name = j == 0 ? "(Intercept)" : factorNames?[j - 1] ?? $"x{j}";
            coefficients[j] = new RegressionCoefficient(name, beta[j], se, t, Tails.StudentTTwoSided(t, rdf));
        }

        return new RegressionResult(n, k, Math.Sqrt(rSquared), rSquared, adjusted, f, k, rdf, pValue, Math.Sqrt(resvar), coefficients, CorrelationStatus.Ok);
    }

    private static double[,] InvertUpper(Matrix<double> r, int p)
    {
        var inverse = new double[p, p];
        for (int col = 0; col < p; col++)
        {
            // Back substitution for R z = e_col.
            for (int row = col; row >= 0; row--)
            {
                double s = row == col ? 1.0 : 0.0;
                for (int m = row + 1; m <= col; m++)
                {
                    s -= r[row, m] * inverse[m, col];
                }

                inverse[row, col] = s / r[row, row];
            }
        }

        return inverse;
    }

    private static RegressionResult Undefined(int n, int k, int rdf, CorrelationStatus status) =>
        new(n, k, double.NaN, double.NaN, double.NaN, double.NaN, k, Math.Max(rdf, 0), double.NaN, double.NaN, [], status);
}
