namespace Robustness.Composition;

/// <summary>Checks shared by the options of several assemblies (compiled into each), so that one rule reads alike everywhere.</summary>
internal static class OptionChecks
{
    /// <summary>A degree of parallelism: -1 (all cores) or positive.</summary>
    /// <param name="value">The value.</param>
    /// <param name="name">The option's name, for the message.</param>
    /// <returns><paramref name="value"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">0 or below -1.</exception>
    public static int Parallelism(int value, string name)
    {
        if (value is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be -1 (all cores) or positive.");
        }

        return value;
    }
}
