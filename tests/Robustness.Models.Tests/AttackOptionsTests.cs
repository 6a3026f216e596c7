namespace Robustness.Models.Tests;

/// <summary>The one options base of the attacks: its batch size, each attack's default, validation and <c>with</c>.</summary>
[TestFixture]
public sealed class AttackOptionsTests
{
    [Test]
    public void EachAttack_HasItsOwnDefaultBatchSize_ThroughTheBase()
    {
        AttackOptions[] options = [new FgsmOptions(), new PgdOptions(), new MinimalL2Options()];
        Assert.That(options.Select(o => o.BatchSize), Is.EqualTo(new[] { 500, 500, 200 }));
    }

    [Test]
    public void Validate_ThroughTheBase_ChecksTheBatchSize_AndEachAttacksOwnSettings()
    {
        AttackOptions[] bad = [new FgsmOptions { BatchSize = 0 }, new PgdOptions { BatchSize = -1 }, new MinimalL2Options { BatchSize = 0 }];
        foreach (var options in bad)
        {
            Assert.That(options.Validate, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("BatchSize"), options.GetType().Name);
        }

        AttackOptions steps = new PgdOptions { Steps = 0 };
        Assert.That(steps.Validate, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Steps"));
        AttackOptions overshoot = new MinimalL2Options { Overshoot = double.NaN };
        Assert.That(overshoot.Validate, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Overshoot"));
        AttackOptions threads = new FgsmOptions { MaxDegreeOfParallelism = 0 };
        Assert.That(threads.Validate, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("MaxDegreeOfParallelism"));
    }

    [Test]
    public void With_OnTheDerivedRecord_KeepsItsTypeAndSettings_AndEqualityComparesThem()
    {
        var pgd = new PgdOptions { Steps = 7, RandomStart = true, Seed = 3 };
        var smaller = pgd with { BatchSize = 64 };

        Assert.That(smaller, Is.TypeOf<PgdOptions>());
        Assert.That((smaller.Steps, smaller.RandomStart, smaller.Seed, smaller.BatchSize), Is.EqualTo((7, true, 3UL, 64)));
        Assert.That(smaller with { BatchSize = 500 }, Is.EqualTo(pgd));
        Assert.That((AttackOptions)new FgsmOptions(), Is.Not.EqualTo(new MinimalL2Options { BatchSize = 500 }), "different attacks' settings never compare equal");
    }
}
