using Robustness.Randomness;

namespace Robustness.Data.Tests;

public sealed class Xoshiro256StarStarTests
{
    [Test]
    public void Outputs_MatchAnIndependentReferenceImplementation()
    {
        // Reference values from a separate Python implementation of SplitMix64 seeding + xoshiro256**.
        var zero = new Xoshiro256StarStar(0);
        var fortyTwo = new Xoshiro256StarStar(42);
        ulong state = 0;

        Assert.That(SplitMix64.Next(ref state), Is.EqualTo(0xE220A8397B1DCDAFUL));
        Assert.That(new[] { zero.NextUInt64(), zero.NextUInt64(), zero.NextUInt64() },
            Is.EqualTo(new[] { 0x99EC5F36CB75F2B4UL, 0xBF6E1F784956452AUL, 0x1A5F849D4933E6E0UL }));
        Assert.That(new[] { fortyTwo.NextUInt64(), fortyTwo.NextUInt64(), fortyTwo.NextUInt64() },
            Is.EqualTo(new[] { 0x15780B2E0C2EC716UL, 0x6104D9866D113A7EUL, 0xAE17533239E499A1UL }));
    }

    [Test]
    public void NextInt_StaysInRange_AndCoversIt()
    {
        var rng = new Xoshiro256StarStar(5);
        var seen = new int[7];
        for (int i = 0; i < 7000; i++)
        {
            seen[rng.NextInt(7)]++;
        }

        Assert.That(seen, Is.All.InRange(850, 1150));
        Assert.That(() => rng.NextInt(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void ChooseInPlace_ChoosesDistinctItems_Deterministically()
    {
        var a = Enumerable.Range(0, 50).ToArray();
        var b = Enumerable.Range(0, 50).ToArray();

        new Xoshiro256StarStar(3).ChooseInPlace(a.AsSpan(), 20);
        new Xoshiro256StarStar(3).ChooseInPlace(b.AsSpan(), 20);

        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.EquivalentTo(Enumerable.Range(0, 50)));
        Assert.That(a.Take(20), Is.Not.EqualTo(Enumerable.Range(0, 20)));
        Assert.That(Xoshiro256StarStar.Derive(1, 2), Is.Not.EqualTo(Xoshiro256StarStar.Derive(1, 3)));
    }
}
