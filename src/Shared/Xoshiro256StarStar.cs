// Linked into each assembly that needs seeded randomness (internal there). See docs/determinism.md.
namespace Robustness.Randomness;

/// <summary>
/// A small deterministic pseudo-random generator: xoshiro256** (Blackman and Vigna, 2018) seeded
/// through SplitMix64. Unlike <see cref="Random"/>, its sequence is fixed by this code, so a seed gives
/// the same result on every machine and .NET version. Not thread-safe; not for cryptography.
/// </summary>
internal sealed class Xoshiro256StarStar
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Creates a generator whose 256-bit state is four SplitMix64 outputs of <paramref name="seed"/>.</summary>
    /// <param name="seed">Any value (0 included).</param>
    public Xoshiro256StarStar(ulong seed)
    {
        ulong sm = seed;
        _s0 = SplitMix64.Next(ref sm);
        _s1 = SplitMix64.Next(ref sm);
        _s2 = SplitMix64.Next(ref sm);
        _s3 = SplitMix64.Next(ref sm);
    }

    /// <summary>Derives an independent seed for a sub-stream (e.g. one per class) from a seed and a stream number.</summary>
    /// <param name="seed">The parent seed.</param>
    /// <param name="stream">The sub-stream number.</param>
    /// <returns>The derived seed.</returns>
    public static ulong Derive(ulong seed, ulong stream)
    {
        ulong state = seed ^ (stream * 0xD1B54A32D192ED03UL);
        return SplitMix64.Next(ref state);
    }

    /// <summary>The next 64 random bits.</summary>
    /// <returns>A uniformly distributed 64-bit value.</returns>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform integer in [0, <paramref name="exclusiveMax"/>), without modulo bias (Lemire's method).</summary>
    /// <param name="exclusiveMax">The bound, positive.</param>
    /// <returns>The integer.</returns>
    public int NextInt(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        ulong bound = (ulong)exclusiveMax;
        ulong high = Math.BigMul(NextUInt64(), bound, out ulong low);
        if (low < bound)
        {
            ulong threshold = (0UL - bound) % bound;
            while (low < threshold)
            {
                high = Math.BigMul(NextUInt64(), bound, out low);
            }
        }

        return (int)high;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    /// <returns>The double.</returns>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Shuffles a span in place (Fisher-Yates, from the end).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="items">The items.</param>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>
    /// Chooses <paramref name="k"/> of the items uniformly without replacement: a partial Fisher-Yates
    /// shuffle that leaves the chosen ones in items[0..k) (in random order).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="items">The items; reordered in place.</param>
    /// <param name="k">How many to choose, 0..items.Length.</param>
    public void ChooseInPlace<T>(Span<T> items, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, items.Length);
        for (int i = 0; i < k; i++)
        {
            int j = i + NextInt(items.Length - i);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
