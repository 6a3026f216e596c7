using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Robustness.Perturbations;

namespace Robustness.Benchmarks;

/// <summary>
/// (a) The exact l2-level search against the paper's grid search (sizes 0.1 .. 1.0, refined) and a
/// strengthened grid search that starts at the unclipped guess L / ||delta||, single-threaded, on the 10,000 real
/// MNIST test images with one fixed Gaussian direction each (the same for both solvers), at levels
/// 0.5, 4, 8 and 12. Times are per image; the MaxAbsError column is the largest |distance - level|
/// over the 10,000 images, recomputed by the host for the same workload.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class L2SearchBenchmarks
{
    private const int Images = 10_000;
    private L2SearchWorkload _workload = null!;

    /// <summary>The solver.</summary>
    [Params("exact", "paper-grid", "paper-grid-guess")]
    public string Solver { get; set; } = "exact";

    /// <summary>The l2 level.</summary>
    [Params(0.5, 4.0, 8.0, 12.0)]
    public double Level { get; set; }

    [GlobalSetup]
    public void Setup() => _workload = L2SearchWorkload.Shared;

    /// <summary>Places all 10,000 images at the level; returns the largest |error| (so nothing is optimised away).</summary>
    [Benchmark(OperationsPerInvoke = Images)]
    public double SolveAllImages() => _workload.Run(Solver, Level);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.ShortRun);
            AddColumn(new MaxAbsErrorColumn());
        }
    }

    /// <summary>Recomputes the largest |distance - level| of the case's solver and level (deterministic workload).</summary>
    private sealed class MaxAbsErrorColumn : IColumn
    {
        public string Id => nameof(MaxAbsErrorColumn);

        public string ColumnName => "MaxAbsError";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Largest |achieved l2 distance - level| over the 10,000 images";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            string solver = (string)benchmarkCase.Parameters["Solver"];
            double level = (double)benchmarkCase.Parameters["Level"];
            return L2SearchWorkload.Shared.Run(solver, level).ToString("E2", System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}

/// <summary>The MNIST test images and one Gaussian direction per image, shared by both solvers.</summary>
internal sealed class L2SearchWorkload
{
    private static readonly Lazy<L2SearchWorkload> _shared = new(() => new L2SearchWorkload());
    private readonly float[] _images;
    private readonly float[] _directions;
    private readonly float[] _output = new float[784];
    private readonly L2SearchWorkspace _workspace = new(784);
    private readonly ExactL2LevelSearch _exact = ExactL2LevelSearch.Default;
    private readonly PaperGridSearch _paper = new();
    private readonly PaperGridSearch _paperGuess = new(startFromUnclippedGuess: true);

    private L2SearchWorkload()
    {
        var test = MnistData.TestSet;
        _images = new float[test.Count * 784];
        test.CopyPixelsTo(_images);
        _directions = new float[test.Count * 784];
        var gaussian = new GaussianNoisePerturbation(new PerturbationOptions { ShareDrawAcrossLevels = true });
        for (int i = 0; i < test.Count; i++)
        {
            gaussian.FillNoise(i, 0, PerturbationTargetKind.Level, 0, _directions.AsSpan(i * 784, 784), _workspace);
        }
    }

    public static L2SearchWorkload Shared => _shared.Value;

    public double Run(string solver, double level)
    {
        IL2LevelSolver s = solver switch { "exact" => _exact, "paper-grid" => _paper, _ => _paperGuess };
        double worst = 0;
        int count = _images.Length / 784;
        for (int i = 0; i < count; i++)
        {
            var outcome = s.Solve(_images.AsSpan(i * 784, 784), _directions.AsSpan(i * 784, 784), level, _output, _workspace);
            worst = Math.Max(worst, outcome.HasImage ? Math.Abs(outcome.Distance - level) : double.PositiveInfinity);
        }

        return worst;
    }
}
