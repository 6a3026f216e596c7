namespace Robustness.Statistics;

/// <summary>
/// An orthogonal array: <see cref="Runs"/> rows, <see cref="Columns"/> columns, entries are level indices
/// 0 .. <see cref="Levels"/> - 1. Immutable.
/// </summary>
public sealed class OrthogonalArray
{
    private readonly int[,] _cells;

    /// <summary>Wraps a copy of <paramref name="cells"/> (runs x columns of level indices).</summary>
    /// <param name="cells">Level indices, each in [0, <paramref name="levels"/>).</param>
    /// <param name="levels">Number of levels per column (at least 2).</param>
    public OrthogonalArray(int[,] cells, int levels)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (levels < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(levels), levels, "An array needs at least 2 levels.");
        }

        for (int r = 0; r < cells.GetLength(0); r++)
        {
            for (int c = 0; c < cells.GetLength(1); c++)
            {
                if (cells[r, c] < 0 || cells[r, c] >= levels)
                {
                    throw new ArgumentException($"cells[{r}, {c}] is {cells[r, c]}; level indices must lie in [0, {levels}).", nameof(cells));
                }
            }
        }

        _cells = (int[,])cells.Clone();
        Levels = levels;
    }

    /// <summary>Number of runs (rows).</summary>
    public int Runs => _cells.GetLength(0);

    /// <summary>Number of columns (factors it can hold).</summary>
    public int Columns => _cells.GetLength(1);

    /// <summary>Number of levels of every column.</summary>
    public int Levels { get; }

    /// <summary>Level index (0-based) of <paramref name="column"/> in <paramref name="run"/>.</summary>
    /// <param name="run">Row, 0-based.</param>
    /// <param name="column">Column, 0-based.</param>
    public int this[int run, int column] => _cells[run, column];
}

/// <summary>A pair of columns and a level pair that does not occur the required number of times.</summary>
/// <param name="ColumnA">First column.</param>
/// <param name="ColumnB">Second column.</param>
/// <param name="LevelA">Level in <paramref name="ColumnA"/>.</param>
/// <param name="LevelB">Level in <paramref name="ColumnB"/>.</param>
/// <param name="Occurrences">How often the pair occurs.</param>
/// <param name="Expected">How often it must occur (runs / levels^2).</param>
public sealed record Strength2Violation(int ColumnA, int ColumnB, int LevelA, int LevelB, int Occurrences, int Expected);

/// <summary>Orthogonal arrays built over Galois fields, their strength-2 check and the mapping of factors onto runs.</summary>
public static class OrthogonalArrays
{
    /// <summary>
    /// L25(5^6), built over GF(5): run 5a + b (a, b = 0..4) has columns (a, b, a + b, 2a + b, 3a + b, 4a + b) mod 5.
    /// Any two columns are independent linear forms in (a, b), so every level pair occurs exactly once. The rows equal
    /// Taguchi's standard L25 table with levels numbered from 0.
    /// </summary>
    /// <returns>The 25 x 6 array.</returns>
    public static OrthogonalArray L25() => GaloisPrime(5);

    /// <summary>
    /// L_{p^2}(p^{p+1}) over the prime field GF(p): run p a + b has columns a, b and b + m a mod p for m = 1 .. p - 1.
    /// </summary>
    /// <param name="p">A prime (2, 3, 5, 7, ...).</param>
    /// <returns>The p^2 x (p + 1) array of strength 2.</returns>
    public static OrthogonalArray GaloisPrime(int p)
    {
        if (p < 2 || !IsPrime(p))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "p must be a prime (the construction uses arithmetic mod p).");
        }

        var cells = new int[p * p, p + 1];
        for (int a = 0; a < p; a++)
        {
            for (int b = 0; b < p; b++)
            {
                int run = (p * a) + b;
                cells[run, 0] = a;
                cells[run, 1] = b;
                for (int m = 1; m < p; m++)
                {
                    cells[run, m + 1] = ((m * a) + b) % p;
                }
            }
        }

        return new OrthogonalArray(cells, p);
    }

    /// <summary>
    /// The first violation of strength 2 in any array of level indices: for every pair of columns, every pair of
    /// levels must occur exactly runs / levels^2 times (once for L25). Null when the array has strength 2.
    /// </summary>
    /// <param name="cells">Runs x columns of level indices in [0, <paramref name="levels"/>).</param>
    /// <param name="levels">Number of levels.</param>
    /// <returns>The first violation found, or null.</returns>
    public static Strength2Violation? FindStrength2Violation(int[,] cells, int levels)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (levels < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(levels), levels, "An array needs at least 2 levels.");
        }

        int runs = cells.GetLength(0);
        int columns = cells.GetLength(1);
        int expected = runs / (levels * levels);
        bool divisible = runs % (levels * levels) == 0;
        var counts = new int[levels, levels];
        for (int c1 = 0; c1 < columns; c1++)
        {
            for (int c2 = c1 + 1; c2 < columns; c2++)
            {
                Array.Clear(counts);
                for (int r = 0; r < runs; r++)
                {
                    int l1 = cells[r, c1];
                    int l2 = cells[r, c2];
                    if (l1 < 0 || l1 >= levels || l2 < 0 || l2 >= levels)
                    {
                        throw new ArgumentException($"cells[{r}, {(l1 < 0 || l1 >= levels ? c1 : c2)}] is outside [0, {levels}).", nameof(cells));
                    }

                    counts[l1, l2]++;
                }

                for (int l1 = 0; l1 < levels; l1++)
                {
                    for (int l2 = 0; l2 < levels; l2++)
                    {
                        if (!divisible || counts[l1, l2] != expected)
                        {
                            return new Strength2Violation(c1, c2, l1, l2, counts[l1, l2], expected);
                        }
                    }
                }
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="array"/> has strength 2 (see <see cref="FindStrength2Violation(int[,], int)"/>).</summary>
    /// <param name="array">The array.</param>
    /// <returns>True when every level pair occurs equally often in every pair of columns.</returns>
    public static bool HasStrength2(OrthogonalArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        var cells = new int[array.Runs, array.Columns];
        for (int r = 0; r < array.Runs; r++)
        {
            for (int c = 0; c < array.Columns; c++)
            {
                cells[r, c] = array[r, c];
            }
        }

        return FindStrength2Violation(cells, array.Levels) is null;
    }

    /// <summary>
    /// Maps factors onto the array's runs: factor f takes column <c>columns[f]</c> (default: column f), and level
    /// index i becomes <c>factorLevels[f][i]</c>. The result is one column per factor (result[f][run]), ready for
    /// <see cref="ICorrelationAnalyzer.Multiple"/>. For the study's four-factor design use L25 with the levels
    /// FGSM l2 {0, 2, 4, 6, 8}, Gaussian l2 {0, 2, 4, 6, 8}, CI {0.2, 0.25, 0.3, 0.35, 0.4}, LD {0, 0.05, 0.1, 0.15, 0.2}.
    /// </summary>
    /// <param name="array">The orthogonal array.</param>
    /// <param name="factorLevels">For each factor, its values at level index 0 .. Levels - 1.</param>
    /// <param name="columns">Distinct array columns for the factors, or null for 0 .. factors - 1.</param>
    /// <returns>Factor values per run, factor-major.</returns>
    public static double[][] MapFactors(OrthogonalArray array, IReadOnlyList<IReadOnlyList<double>> factorLevels, IReadOnlyList<int>? columns = null)
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentNullException.ThrowIfNull(factorLevels);
        int factors = factorLevels.Count;
        if (factors < 1 || factors > array.Columns)
        {
            throw new ArgumentException($"factorLevels has {factors} factors; the array holds 1 to {array.Columns}.", nameof(factorLevels));
        }

        if (columns is not null && (columns.Count != factors || columns.Distinct().Count() != factors || columns.Any(c => c < 0 || c >= array.Columns)))
        {
            throw new ArgumentException($"columns must name {factors} distinct columns in [0, {array.Columns}).", nameof(columns));
        }

        var result = new double[factors][];
        for (int f = 0; f < factors; f++)
        {
            IReadOnlyList<double> values = factorLevels[f] ?? throw new ArgumentException($"factorLevels[{f}] is null.", nameof(factorLevels));
            if (values.Count != array.Levels)
            {
                throw new ArgumentException($"factorLevels[{f}] has {values.Count} values; the array has {array.Levels} levels.", nameof(factorLevels));
            }

            int column = columns?[f] ?? f;
            result[f] = new double[array.Runs];
            for (int r = 0; r < array.Runs; r++)
            {
                result[f][r] = values[array[r, column]];
            }
        }

        return result;
    }

    private static bool IsPrime(int p)
    {
        for (int d = 2; d * d <= p; d++)
        {
            if (p % d == 0)
            {
                return false;
            }
        }

        return true;
    }
}
