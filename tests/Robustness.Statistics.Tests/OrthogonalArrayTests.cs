namespace Robustness.Statistics.Tests;

[TestFixture]
public sealed class OrthogonalArrayTests
{
    [Test]
    public void L25_Has25RunsSixColumnsFiveLevels_AndStrength2()
    {
        OrthogonalArray l25 = OrthogonalArrays.L25();
        Assert.That((l25.Runs, l25.Columns, l25.Levels), Is.EqualTo((25, 6, 5)));
        Assert.That(OrthogonalArrays.HasStrength2(l25), Is.True);
    }

    [TestCase(0, new[] { 1, 1, 1, 1, 1, 1 })]
    [TestCase(1, new[] { 1, 2, 2, 2, 2, 2 })]
    [TestCase(5, new[] { 2, 1, 2, 3, 4, 5 })]
    [TestCase(6, new[] { 2, 2, 3, 4, 5, 1 })]
    [TestCase(12, new[] { 3, 3, 5, 2, 4, 1 })]
    [TestCase(24, new[] { 5, 5, 4, 3, 2, 1 })]
    public void L25_RowsEqualTaguchisStandardTable(int run, int[] oneBased)
    {
        OrthogonalArray l25 = OrthogonalArrays.L25();
        int[] row = [.. Enumerable.Range(0, 6).Select(c => l25[run, c] + 1)];
        Assert.That(row, Is.EqualTo(oneBased));
    }

    [Test]
    public void FindStrength2Violation_ReportsTheBrokenPair_WhenOneCellChanges()
    {
        OrthogonalArray l25 = OrthogonalArrays.L25();
        var cells = new int[25, 6];
        for (int r = 0; r < 25; r++)
        {
            for (int c = 0; c < 6; c++)
            {
                cells[r, c] = l25[r, c];
            }
        }

        Assert.That(OrthogonalArrays.FindStrength2Violation(cells, 5), Is.Null);
        cells[7, 3] = (cells[7, 3] + 1) % 5;
        Strength2Violation? violation = OrthogonalArrays.FindStrength2Violation(cells, 5);
        Assert.That(violation, Is.Not.Null);
        Assert.That(violation!.ColumnA == 3 || violation.ColumnB == 3, Is.True);
        Assert.That(violation.Expected, Is.EqualTo(1));
        Assert.That(violation.Occurrences, Is.Not.EqualTo(1));
    }

    [Test]
    public void FindStrength2Violation_AcceptsIndexTwoArrays_AndRejectsAnArrayMissingPairs()
    {
        // Two copies of L9 stacked: every pair occurs exactly twice (index 2) - still strength 2.
        OrthogonalArray l9 = OrthogonalArrays.GaloisPrime(3);
        var doubled = new int[18, 4];
        for (int r = 0; r < 18; r++)
        {
            for (int c = 0; c < 4; c++)
            {
                doubled[r, c] = l9[r % 9, c];
            }
        }

        Assert.That(OrthogonalArrays.FindStrength2Violation(doubled, 3), Is.Null);
        int[,] diagonal = { { 0, 0 }, { 1, 1 }, { 0, 0 }, { 1, 1 } };
        Assert.That(OrthogonalArrays.FindStrength2Violation(diagonal, 2), Is.EqualTo(new Strength2Violation(0, 1, 0, 0, 2, 1)));
    }

    [TestCase(2)]
    [TestCase(3)]
    [TestCase(7)]
    public void GaloisPrime_HasStrength2(int p)
    {
        OrthogonalArray array = OrthogonalArrays.GaloisPrime(p);
        Assert.That((array.Runs, array.Columns), Is.EqualTo((p * p, p + 1)));
        Assert.That(OrthogonalArrays.HasStrength2(array), Is.True);
    }

    [Test]
    public void GaloisPrime_Throws_ForNonPrime()
    {
        Assert.That(() => OrthogonalArrays.GaloisPrime(4), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void MapFactors_PlacesFourFactorsOnFiveLevels_EachLevelFiveTimes()
    {
        OrthogonalArray l25 = OrthogonalArrays.L25();
        double[][] design = OrthogonalArrays.MapFactors(l25, ReferenceData.FactorLevels);

        Assert.That(design, Has.Length.EqualTo(4));
        for (int f = 0; f < 4; f++)
        {
            Assert.That(design[f], Has.Length.EqualTo(25));
            foreach (double level in ReferenceData.FactorLevels[f])
            {
                Assert.That(design[f].Count(v => v == level), Is.EqualTo(5), $"factor {f} level {level}");
            }
        }

        // Run 6 is (a, b) = (1, 1): columns 2, 2, 3, 4 (1-based) -> FGSM 2, Gaussian 2, CI 0.3, LD 0.15.
        Assert.That(design.Select(column => column[6]), Is.EqualTo(new[] { 2.0, 2.0, 0.3, 0.15 }));
        // Every pair of factors sees each of its 25 level combinations once.
        for (int f1 = 0; f1 < 4; f1++)
        {
            for (int f2 = f1 + 1; f2 < 4; f2++)
            {
                Assert.That(Enumerable.Range(0, 25).Select(r => (design[f1][r], design[f2][r])).Distinct().Count(), Is.EqualTo(25));
            }
        }
    }

    [Test]
    public void MapFactors_UsesChosenColumns_AndValidates()
    {
        OrthogonalArray l25 = OrthogonalArrays.L25();
        double[][] design = OrthogonalArrays.MapFactors(l25, [[10, 20, 30, 40, 50]], [5]);
        Assert.That(design[0][6], Is.EqualTo(10.0)); // run 6, column 6 is level index 0
        Assert.That(() => OrthogonalArrays.MapFactors(l25, [[1, 2, 3]]), Throws.ArgumentException);
        Assert.That(() => OrthogonalArrays.MapFactors(l25, ReferenceData.FactorLevels, [0, 0, 1, 2]), Throws.ArgumentException);
    }
}
