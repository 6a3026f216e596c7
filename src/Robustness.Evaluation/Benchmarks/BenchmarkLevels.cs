using System.Globalization;

namespace Robustness.Evaluation.Benchmarks;

/// <summary>The l2 levels of the perturbed suites: the paper's 0.5 .. 12.0 step 0.5 by default, and a parser for overrides.</summary>
public static class BenchmarkLevels
{
    /// <summary>The paper's 24 levels 0.5, 1.0, ..., 12.0.</summary>
    public static IReadOnlyList<double> Default { get; } = Array.AsReadOnly(Range(0.5, 12.0, 0.5));

    /// <summary>The single level of the clean suite.</summary>
    public static IReadOnlyList<double> Clean { get; } = Array.AsReadOnly(new[] { 0.0 });

    /// <summary>
    /// Levels from <paramref name="start"/> to <paramref name="stop"/> (inclusive when hit within 1e-9 of a step)
    /// every <paramref name="step"/>; each level is start + i * step rounded to 12 decimals, so 0.5:12:0.5 gives exactly 0.5, 1, ..., 12.
    /// </summary>
    /// <param name="start">The first level, finite and &gt;= 0.</param>
    /// <param name="stop">The last level, &gt;= start.</param>
    /// <param name="step">The step, positive.</param>
    /// <returns>The levels.</returns>
    public static double[] Range(double start, double stop, double step)
    {
        if (!(double.IsFinite(start) && start >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, "The first level must be finite and >= 0.");
        }

        if (!(double.IsFinite(step) && step > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "The step must be finite and positive.");
        }

        if (!(double.IsFinite(stop) && stop >= start))
        {
            throw new ArgumentOutOfRangeException(nameof(stop), stop, string.Create(CultureInfo.InvariantCulture, $"The last level must be finite and >= the first ({start})."));
        }

        long count = (long)Math.Floor(((stop - start) / step) + 1e-9) + 1;
        if (count > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, string.Create(CultureInfo.InvariantCulture, $"{start}:{stop}:{step} gives {count} levels; at most 10,000 are allowed."));
        }

        var levels = new double[count];
        for (int i = 0; i < levels.Length; i++)
        {
            levels[i] = Math.Round(start + (i * step), 12);
        }

        return levels;
    }

    /// <summary>
    /// Parses levels written as a comma list (<c>0.5,1,2</c>) or a range <c>start:stop:step</c> (<c>0.5:12:0.5</c>), invariant culture.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The levels, as written (validated by <see cref="Validate"/>).</returns>
    /// <exception cref="FormatException">A value is not a number, or the range does not have three parts.</exception>
    /// <exception cref="ArgumentException">The levels are not valid (see <see cref="Validate"/>).</exception>
    public static double[] Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        if (trimmed.Contains(':', StringComparison.Ordinal))
        {
            string[] parts = trimmed.Split(':');
            if (parts.Length != 3)
            {
                throw new FormatException($"Levels '{text}': a range is start:stop:step (e.g. 0.5:12:0.5).");
            }

            try
            {
                return Validate(Range(Number(parts[0], text), Number(parts[1], text), Number(parts[2], text)));
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new ArgumentException($"Levels '{text}': {FirstLine(e.Message)}", nameof(text), e);
            }
        }

        double[] levels = trimmed.Split(',', StringSplitOptions.TrimEntries).Select(p => Number(p, text)).ToArray();
        return Validate(levels);
    }

    /// <summary>
    /// Checks levels: at least one, each finite and &gt;= 0, strictly increasing.
    /// </summary>
    /// <param name="levels">The levels.</param>
    /// <returns>A copy of the levels.</returns>
    /// <exception cref="ArgumentException">The levels are empty, not finite, negative or not increasing.</exception>
    public static double[] Validate(IReadOnlyList<double> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        if (levels.Count == 0)
        {
            throw new ArgumentException("At least one level is needed; none were given.", nameof(levels));
        }

        var copy = levels.ToArray();
        for (int i = 0; i < copy.Length; i++)
        {
            if (!(double.IsFinite(copy[i]) && copy[i] >= 0))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Level {i} is {copy[i]}; every level must be finite and >= 0."), nameof(levels));
            }

            if (i > 0 && copy[i] <= copy[i - 1])
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Levels must be strictly increasing; level {i} ({copy[i]}) follows {copy[i - 1]}."), nameof(levels));
            }
        }

        return copy;
    }

    /// <summary>Levels as text, e.g. "0.5, 1, 1.5" (round-trip formatting, invariant culture).</summary>
    /// <param name="levels">The levels.</param>
    /// <returns>The text.</returns>
    public static string Format(IReadOnlyList<double> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        return string.Join(", ", levels.Select(l => l.ToString("R", CultureInfo.InvariantCulture)));
    }

    private static double Number(string part, string text)
    {
        if (!double.TryParse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw new FormatException($"Levels '{text}': '{part.Trim()}' is not a number (use a comma list 0.5,1,2 or a range 0.5:12:0.5).");
        }

        return value;
    }

    private static string FirstLine(string message)
    {
        int at = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        string first = at < 0 ? message : message[..at];
        int nl = first.IndexOf('\n', StringComparison.Ordinal);
        return (nl < 0 ? first : first[..nl]).Trim();
    }
}
