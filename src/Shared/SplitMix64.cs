// Linked into each assembly that needs seeded randomness (internal there): one generator for the
// whole library, so a seed means the same thing everywhere. See docs/determinism.md.
namespace Robustness.Randomness;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014; the seeding generator of xoshiro): a tiny generator whose output depends only
/// on integer arithmetic, so the same seed gives the same numbers on every machine and .NET version.
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    /// <summary>Creates the generator from a seed.</summary>
    /// <param name="seed">Any 64-bit value.</param>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>Mixes a value through one SplitMix64 step (a good 64-bit hash).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The mixed value.</returns>
    public static ulong Mix(ulong value) => Finalize(value + 0x9E3779B97F4A7C15UL);

    /// <summary>The next 64 random bits.</summary>
    /// <returns>A uniformly distributed value.</returns>
    public ulong NextUInt64() => Next(ref _state);

    /// <summary>One step of SplitMix64: advances <paramref name="state"/> by the golden-ratio increment and returns the mixed value.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The next output.</returns>
    public static ulong Next(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Finalize(state);
    }

    /// <summary>The SplitMix64 finaliser, a bijection on 64 bits (a good 64-bit hash).</summary>
    /// <param name="z">The value.</param>
    /// <returns>The mixed value.</returns>
    public static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A double uniform in [0, 1) built from the top 53 bits.</summary>
    /// <returns>The value.</returns>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A double uniform in [low, high).</summary>
    /// <param name="low">The lower bound.</param>
    /// <param name="high">The upper bound.</param>
    /// <returns>The value.</returns>
    public double Uniform(double low, double high) => low + ((high - low) * NextDouble());
}
