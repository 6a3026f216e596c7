using System.Runtime.CompilerServices;

namespace Robustness.Perturbations;

/// <summary>
/// Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011;
/// the Random123 reference): a counter-based generator. Block(counter, key) is a pure function of
/// 128 counter bits and 64 key bits, so any draw can be computed directly, on any thread, in any
/// order, with the same result on every machine (integer arithmetic only). Checked against the
/// Random123 known-answer vectors in the tests.
/// </summary>
internal static class Philox4x32
{
    private const uint M0 = 0xD2511F53;
    private const uint M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9;
    private const uint W1 = 0xBB67AE85;

    /// <summary>Ten rounds over the counter (c0..c3) with key (k0, k1); returns the four output words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, out uint r0, out uint r1, out uint r2, out uint r3)
    {
        for (int round = 0; round < 10; round++)
        {
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }

            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
            uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
            c1 = (uint)p1;
            c3 = (uint)p0;
            c0 = n0;
            c2 = n2;
        }

        r0 = c0;
        r1 = c1;
        r2 = c2;
        r3 = c3;
    }
}
