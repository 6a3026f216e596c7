using System.Diagnostics;
using Robustness.Evaluation.Benchmarks;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Results;
using Robustness.Models;
using Robustness.Perturbations;

namespace Robustness.Evaluation.Runner;

/// <summary>What <see cref="StudyRunner.Plan"/> fixed for one call: the runs, the evaluation settings, the folders and the study record.</summary>
internal sealed record StudyPlan(
    StudyDesign Design,
    StudyData Data,
    IReadOnlyList<DesignRun> Runs,
    IReadOnlyList<double> Levels,
    ulong SuiteSeed,
    bool WhiteBoxFgsm,
    IReadOnlyList<StudyAttack> Attacks,
    BenchmarkBuilder Builder,
    bool PgdTraining,
    string WorkFolder,
    string ModelFolder,
    string SuiteFolder,
    StoredStudy Record);

/// <summary>One architecture made ready by <see cref="StudyRunner.Prepare"/>: the clean model (owned: disposed with this), the suites and the adversarial-image source.</summary>
internal sealed record PreparedArchitecture(
    string Architecture,
    ImageClassifier CleanModel,
    TrainingReport CleanReport,
    string CleanPath,
    bool CleanTrained,
    IRobustnessBenchmark CleanSuite,
    IRobustnessBenchmark GaussianSuite,
    IRobustnessBenchmark FgsmSuite,
    IReadOnlyList<(StudyAttack Attack, IRobustnessBenchmark? Suite)> AttackSuites,
    IPerturbation FgsmSource,
    IReadOnlyList<string> SuiteFolders) : IDisposable
{
    public void Dispose() => CleanModel.Dispose();
}

/// <summary>The progress state of one <see cref="StudyRunner.Run"/> call: finished runs, elapsed time and the estimate of what is left.</summary>
internal sealed class Session(StudyPlan plan, IProgress<StudyProgress>? progress, Stopwatch clock, int skipped)
{
    private readonly List<double> _runSeconds = [];
    private int _finished = skipped;

    public IProgress<StudyProgress>? Progress { get; } = progress;

    public int Skipped { get; } = skipped;

    /// <summary>Counts a stored run (its time feeds the estimate).</summary>
    public void Finished(double seconds)
    {
        _finished++;
        _runSeconds.Add(seconds);
    }

    public void Report(StudyStage stage, string architecture, int number, DesignRun? run, int epoch, string message)
    {
        if (Progress is null)
        {
            return;
        }

        TimeSpan? eta = _runSeconds.Count == 0 ? null : TimeSpan.FromSeconds(_runSeconds.Average() * (plan.Runs.Count - _finished));
        Progress.Report(new StudyProgress(stage, plan.Design.StudyName, architecture, number, plan.Runs.Count, run?.Point.Id, run?.Seed, epoch, plan.Design.MaxEpochs,
            _finished, clock.Elapsed, eta, message));
    }
}
