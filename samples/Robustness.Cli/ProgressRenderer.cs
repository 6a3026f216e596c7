using System.CommandLine;
using System.Globalization;
using Robustness.Evaluation.Runner;
using Spectre.Console;

namespace Robustness.Cli;

/// <summary>Shows a study's progress while a piece of work runs; the work reports through the view.</summary>
internal interface IStudyProgressView : IProgress<StudyProgress>
{
    /// <summary>Runs <paramref name="work"/> with the view shown (bars are live only for its duration).</summary>
    T Run<T>(Func<T> work);
}

/// <summary>
/// Chooses how <c>study run</c> and <c>quickstart</c> show progress: Spectre.Console bars (design point i/N, the
/// current model's epochs, ETA) when stderr is an interactive terminal, else the plain lines of <see cref="LineProgress"/>
/// (stderr redirected, the context's error writer not the real console, as in tests, or <c>--no-progress</c>).
/// </summary>
internal static class ProgressRenderer
{
    /// <summary>The <c>--no-progress</c> option of both commands.</summary>
    public static Option<bool> CreateOption() => new("--no-progress")
    {
        Description = "Plain progress lines on stderr instead of progress bars (the default when stderr is not a terminal).",
    };

    /// <summary>Whether bars are drawn: stderr is the real, unredirected console and <paramref name="noProgress"/> is off.</summary>
    public static bool UseBars(CliContext context, bool noProgress)
    {
        ArgumentNullException.ThrowIfNull(context);
        return !noProgress && ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected;
    }

    /// <summary>The view for a context: <see cref="SpectreProgress"/> or <see cref="LineProgress"/>.</summary>
    public static IStudyProgressView Create(CliContext context, bool noProgress) =>
        UseBars(context, noProgress) ? new SpectreProgress() : new LineProgress(context.Error);
}

/// <summary>Writes each progress report as one line at once (synchronously, in order).</summary>
internal sealed class LineProgress(TextWriter error) : IStudyProgressView
{
    public T Run<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return work();
    }

    public void Report(StudyProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string eta = value.Eta is { } e ? string.Create(CultureInfo.InvariantCulture, $" (ETA {e.TotalMinutes:F1} min)") : "";
        error.WriteLine($"{value.Message}{eta}");
        error.Flush();
    }
}

/// <summary>
/// Two Spectre.Console bars on stderr: the design (runs stored of all, the current run's key, the runner's ETA) and the
/// current model's epochs. Each finished run also leaves its line above the bars. Reports must come from the thread
/// that called <see cref="Run{T}"/> (the runner reports synchronously).
/// </summary>
internal sealed class SpectreProgress : IStudyProgressView
{
    private readonly IAnsiConsole _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
    private ProgressTask? _design;
    private ProgressTask? _epochs;

    public T Run<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return _console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                _design = ctx.AddTask("design", maxValue: 1);
                _epochs = ctx.AddTask("epochs", maxValue: 1);
                try
                {
                    T result = work();
                    _design.Value = _design.MaxValue;
                    _design.Description = string.Create(CultureInfo.InvariantCulture, $"design: {_design.MaxValue:0}/{_design.MaxValue:0} runs stored");
                    _epochs.Value = _epochs.MaxValue;
                    _epochs.Description = "done";
                    return result;
                }
                finally
                {
                    _design.StopTask();
                    _epochs.StopTask();
                    ctx.Refresh();
                }
            });
    }

    public void Report(StudyProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (_design is null || _epochs is null)
        {
            return;
        }

        CultureInfo c = CultureInfo.InvariantCulture;
        if (value.RunCount > 0)
        {
            _design.MaxValue = value.RunCount;
            _design.Value = value.FinishedRuns;
            string run = value.RunNumber > 0
                ? string.Create(c, $"design point {value.RunNumber}/{value.RunCount} {value.PointId} {value.Architecture} s{value.Seed}")
                : string.Create(c, $"{value.Architecture}: preparing ({value.FinishedRuns}/{value.RunCount} stored)");
            string eta = value.Eta is { } e ? string.Create(c, $" ETA {e.TotalMinutes:F1} min") : "";
            _design.Description = Markup.Escape(run + eta);
        }

        switch (value.Stage)
        {
            case StudyStage.CleanModel or StudyStage.TrainingSet:
                _epochs.MaxValue = Math.Max(1, value.MaxEpochs);
                _epochs.Value = 0;
                _epochs.Description = Markup.Escape(value.Stage == StudyStage.CleanModel ? $"{value.Architecture} clean model: epochs" : "building the training set");
                break;
            case StudyStage.Epoch:
                _epochs.MaxValue = Math.Max(1, value.MaxEpochs);
                _epochs.Value = value.Epoch;
                _epochs.Description = Markup.Escape(string.Create(c, $"{(value.RunNumber > 0 ? "model" : $"{value.Architecture} clean model")}: epoch {value.Epoch}/{value.MaxEpochs}"));
                break;
            case StudyStage.Suites or StudyStage.Scoring:
                _epochs.Value = _epochs.MaxValue;
                _epochs.Description = Markup.Escape(value.Stage == StudyStage.Suites ? "benchmark suites" : "scoring");
                break;
            case StudyStage.RunFinished:
                _epochs.Value = _epochs.MaxValue;
                _console.WriteLine(value.Message);
                break;
            case StudyStage.Waiting:
                _design.Description = Markup.Escape(value.Message);
                break;
        }
    }
}
