using System.Globalization;
using Robustness.Evaluation.Analysis;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Paper;
using Robustness.Tests.Shared;

namespace Robustness.Evaluation.Tests.Paper;

/// <summary>
/// The embedded paper cells: complete, unique, and equal to the text of <c>../shared/docs/paper.txt</c>, where each table
/// is printed one value per line (header, then per benchmark its label and the row's values).
/// </summary>
[TestFixture]
public sealed class PaperTablesTests
{
    private static readonly string[] _benchmarkLabels = ["MNIST-Test", "MNIST-C", "MNIST-A"];

    [TestCase(2, 24)]
    [TestCase(3, 48)]
    [TestCase(4, 24)]
    [TestCase(5, 24)]
    [TestCase(6, 12)]
    [TestCase(7, 12)]
    public void EachTable_HasEveryCell_BothArchitecturesAndBenchmarks(int table, int expected)
    {
        var cells = PaperTables.Cells.Where(c => c.Table == table).ToList();

        Assert.That(cells, Has.Count.EqualTo(expected));
        Assert.That(cells.Select(c => c.Architecture).Distinct(), Is.EquivalentTo(new[] { "lenet5", "alexnet8" }));
        Assert.That(cells.Select(c => c.Measure).Distinct(), Is.EquivalentTo(new[] { AccuracyMeasure.MnistTest, AccuracyMeasure.MnistC, AccuracyMeasure.MnistA }));
        Assert.That(cells.Select(c => c.Question).Distinct(), Is.EqualTo(new[] { (ResearchQuestion)(table - 1) }));
        Assert.That(PaperTables.For((ResearchQuestion)(table - 1)), Is.EqualTo(cells));
    }

    [Test]
    public void EachCell_AppearsOnce_ByTableArchitectureMeasureSegmentAndStatistic()
    {
        var keys = PaperTables.Cells.Select(c => (c.Table, c.Architecture, c.Measure, c.Segment, c.Statistic)).ToList();

        Assert.That(keys, Has.Count.EqualTo(144));
        Assert.That(keys, Is.Unique);
    }

    [Test]
    public void Statistics_AreThoseEachTablePrints()
    {
        foreach (PaperCell c in PaperTables.Cells)
        {
            PaperStatistic[] expected = c.Table >= 6
                ? [PaperStatistic.MultipleCorrelation, PaperStatistic.PValue]
                : [PaperStatistic.Correlation, PaperStatistic.PValue, PaperStatistic.Mean, PaperStatistic.Variance];
            Assert.That(expected, Does.Contain(c.Statistic), c.Name);
            Assert.That(c.Segment is null, Is.EqualTo(c.Table != 3), c.Name);
        }
    }

    [Test]
    public void Table3_Segments_CarryEachArchitecturesRangeAndPointCount()
    {
        foreach (PaperCell c in PaperTables.Cells.Where(c => c.Table == 3))
        {
            (double first, double last, int n) = (c.Architecture, c.Segment) switch
            {
                ("lenet5", "I") => (0.0, 8.0, 17),
                ("lenet5", "II") => (8.5, 12.0, 8),
                ("alexnet8", "I") => (0.0, 7.0, 15),
                ("alexnet8", "II") => (7.5, 12.0, 10),
                _ => throw new AssertionException($"{c.Name}: unexpected segment"),
            };
            Assert.That((c.FirstLevel, c.LastLevel, c.Points), Is.EqualTo(((double?)first, (double?)last, n)), c.Name);
        }
    }

    [Test]
    public void OnlyTable2LeNetMnistAp_IsImpossible_AndTheFlagFollowsTheStatisticsRange()
    {
        var impossible = PaperTables.Cells.Where(c => !c.IsValid).ToList();

        Assert.That(impossible.Select(c => c.Name), Is.EqualTo(new[] { "Table 2 lenet5 MNIST-A p" }));
        Assert.That(impossible[0].Value, Is.EqualTo(3.347));
        Assert.That(impossible[0].Note, Does.StartWith("impossible"));
        foreach (PaperCell c in PaperTables.Cells)
        {
            Assert.That(c.IsValid, Is.EqualTo(PaperTables.IsPossible(c.Statistic, c.Value)), c.Name);
        }
    }

    [TestCase("0.275", 0.275)]
    [TestCase("\u22120.460", -0.46)]
    [TestCase("3.45 \u00D7 10\u22126", 3.45e-6)]
    [TestCase("7.24 \u00D7 10\u221219", 7.24e-19)]
    [TestCase("6.65 \u00D7 10\u221264", 6.65e-64)]
    [TestCase("1.00 \u00D7 10\u22124", 1e-4)]
    public void PaperText_ParsesToItsNumber(string text, double expected) =>
        Assert.That(PaperTables.ParseText(text), Is.EqualTo(expected).Within(1e-12).Percent);

    [Test]
    public void EveryCellValue_IsItsTextParsed()
    {
        foreach (PaperCell c in PaperTables.Cells)
        {
            Assert.That(c.Value, Is.EqualTo(PaperTables.ParseText(c.Text)).Within(1e-12).Percent, c.Name);
        }
    }

    /// <summary>A sample read off paper.txt by hand: one cell or more per table, a segment cell, exponents and the impossible p.</summary>
    [TestCase(2, "lenet5", AccuracyMeasure.MnistTest, null, PaperStatistic.Correlation, 0.275, "0.275")]
    [TestCase(2, "lenet5", AccuracyMeasure.MnistA, null, PaperStatistic.PValue, 3.347, "3.347")]
    [TestCase(2, "alexnet8", AccuracyMeasure.MnistTest, null, PaperStatistic.Variance, 3.45e-6, "3.45 \u00D7 10\u22126")]
    [TestCase(2, "alexnet8", AccuracyMeasure.MnistA, null, PaperStatistic.PValue, 7.24e-19, "7.24 \u00D7 10\u221219")]
    [TestCase(3, "lenet5", AccuracyMeasure.MnistA, "I", PaperStatistic.Mean, 0.737, "0.737")]
    [TestCase(3, "lenet5", AccuracyMeasure.MnistC, "II", PaperStatistic.Variance, 0.0210, "0.0210")]
    [TestCase(3, "alexnet8", AccuracyMeasure.MnistA, "II", PaperStatistic.Correlation, -1.0, "\u22121.0")]
    [TestCase(3, "alexnet8", AccuracyMeasure.MnistA, "II", PaperStatistic.PValue, 6.65e-64, "6.65 \u00D7 10\u221264")]
    [TestCase(4, "alexnet8", AccuracyMeasure.MnistC, null, PaperStatistic.PValue, 0.0009, "0.0009")]
    [TestCase(4, "lenet5", AccuracyMeasure.MnistA, null, PaperStatistic.Correlation, 0.250, "0.250")]
    [TestCase(5, "lenet5", AccuracyMeasure.MnistTest, null, PaperStatistic.Correlation, -0.645, "\u22120.645")]
    [TestCase(5, "alexnet8", AccuracyMeasure.MnistC, null, PaperStatistic.Variance, 8.73e-4, "8.73 \u00D7 10\u22124")]
    [TestCase(6, "alexnet8", AccuracyMeasure.MnistC, null, PaperStatistic.MultipleCorrelation, 0.892, "0.892")]
    [TestCase(6, "lenet5", AccuracyMeasure.MnistA, null, PaperStatistic.PValue, 1.00e-4, "1.00 \u00D7 10\u22124")]
    [TestCase(7, "lenet5", AccuracyMeasure.MnistA, null, PaperStatistic.MultipleCorrelation, 0.922, "0.922")]
    [TestCase(7, "alexnet8", AccuracyMeasure.MnistTest, null, PaperStatistic.PValue, 3.15e-11, "3.15 \u00D7 10\u221211")]
    public void SampleCell_HasTheValueReadByHand_AndStandsAtItsPlaceInPaperText(int table, string architecture, AccuracyMeasure measure, string? segment, PaperStatistic statistic, double value, string text)
    {
        PaperCell cell = PaperTables.Cells.Single(c => c.Table == table && c.Architecture == architecture && c.Measure == measure && c.Segment == segment && c.Statistic == statistic);

        Assert.That(cell.Value, Is.EqualTo(value));
        Assert.That(cell.Text, Is.EqualTo(text));
        Assert.That(TextAt(ReadPaper(), cell), Is.EqualTo(text), $"{cell.Name} in paper.txt");
    }

    [Test]
    public void EveryCell_StandsAtItsPlaceInPaperText()
    {
        string[] paper = ReadPaper();
        foreach (PaperCell cell in PaperTables.Cells)
        {
            Assert.That(TextAt(paper, cell), Is.EqualTo(cell.Text), cell.Name);
        }
    }

    [Test]
    public void Parse_RefusesAnotherHeader()
    {
        using var reader = new StringReader("table,rq\n2,1\n");

        Assert.That(() => PaperTables.Parse(reader), Throws.TypeOf<InvalidDataException>().With.Message.Contains("header"));
    }

    private static string[] ReadPaper() => File.ReadAllLines(TestData.PaperText);

    /// <summary>
    /// The text of a cell in paper.txt: from the line "Table N." (Table 3: then the architecture's sub-table, which starts at
    /// its name), the benchmark's label line, then the value in the cell's column among the next non-empty lines.
    /// </summary>
    private static string TextAt(string[] paper, PaperCell cell)
    {
        string caption = string.Create(CultureInfo.InvariantCulture, $"Table {cell.Table}.");
        int at = Array.FindIndex(paper, l => l.Trim().StartsWith(caption, StringComparison.Ordinal));
        Assert.That(at, Is.GreaterThanOrEqualTo(0), $"no '{caption}' line");
        int archIndex = cell.Architecture == "lenet5" ? 0 : 1;
        int column;
        if (cell.Table == 3)
        {
            at = Array.FindIndex(paper, at, l => l.Trim() == (archIndex == 0 ? "LeNet-5" : "AlexNet-8"));
            column = ((cell.Segment == "I" ? 0 : 1) * 4) + Array.IndexOf([PaperStatistic.Correlation, PaperStatistic.PValue, PaperStatistic.Mean, PaperStatistic.Variance], cell.Statistic);
        }
        else if (cell.Table >= 6)
        {
            column = (archIndex * 2) + (cell.Statistic == PaperStatistic.PValue ? 1 : 0);
        }
        else
        {
            column = (archIndex * 4) + Array.IndexOf([PaperStatistic.Correlation, PaperStatistic.PValue, PaperStatistic.Mean, PaperStatistic.Variance], cell.Statistic);
        }

        string label = _benchmarkLabels[(int)cell.Measure - 1];
        int row = Array.FindIndex(paper, at, l => l.Trim() == label);
        Assert.That(row, Is.GreaterThan(at), $"no '{label}' after line {at + 1}");
        return paper.Skip(row + 1).Select(l => l.Trim()).Where(l => l.Length > 0).ElementAt(column);
    }
}
