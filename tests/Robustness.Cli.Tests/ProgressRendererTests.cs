using Robustness.Evaluation.Runner;

namespace Robustness.Cli.Tests;

/// <summary><see cref="ProgressRenderer"/>: bars only on the real, unredirected stderr; plain lines otherwise.</summary>
[TestFixture]
public sealed class ProgressRendererTests
{
    [Test]
    public void Renderer_PicksLines_WhenTheErrorWriterIsNotTheConsole()
    {
        using var error = new StringWriter();
        var context = new CliContext(TextWriter.Null, error);
        Assert.That(ProgressRenderer.UseBars(context, noProgress: false), Is.False);
        Assert.That(ProgressRenderer.Create(context, noProgress: false), Is.InstanceOf<LineProgress>());
    }

    [Test]
    public void Renderer_PicksLines_WithNoProgress_EvenOnTheRealConsole()
    {
        var context = new CliContext(Console.Out, Console.Error);
        Assert.That(ProgressRenderer.UseBars(context, noProgress: true), Is.False);
        Assert.That(ProgressRenderer.Create(context, noProgress: true), Is.InstanceOf<LineProgress>());
        // Without --no-progress the choice follows the terminal (under a test runner stderr is normally redirected).
        Assert.That(ProgressRenderer.UseBars(context, noProgress: false), Is.EqualTo(!Console.IsErrorRedirected));
    }

    [Test]
    public void LineProgress_WritesTheMessage_AndTheEtaWhenKnown_InOrder()
    {
        using var error = new StringWriter();
        IStudyProgressView view = new LineProgress(error);
        int result = view.Run(() =>
        {
            view.Report(Progress(StudyStage.TrainingSet, "[1/2] fgsm-0 lenet5 s1: building the training set", null));
            view.Report(Progress(StudyStage.RunFinished, "[1/2] fgsm-0 lenet5 s1: stored", TimeSpan.FromSeconds(90)));
            return 7;
        });

        Assert.That(result, Is.EqualTo(7));
        Assert.That(error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[] { "[1/2] fgsm-0 lenet5 s1: building the training set", "[1/2] fgsm-0 lenet5 s1: stored (ETA 1.5 min)" }));
    }

    [Test]
    public void Help_ListsNoProgress_OnStudyRunAndQuickstart()
    {
        var (runExit, runHelp, _) = CliRunner.Run("study", "run", "--help");
        var (quickExit, quickHelp, _) = CliRunner.Run("quickstart", "--help");
        Assert.That(runExit, Is.EqualTo(0));
        Assert.That(quickExit, Is.EqualTo(0));
        Assert.That(runHelp, Does.Contain("--no-progress"));
        Assert.That(quickHelp, Does.Contain("--no-progress").And.Contain("--no-download").And.Not.Contain("--mirror"));
    }

    private static StudyProgress Progress(StudyStage stage, string message, TimeSpan? eta) =>
        new(stage, "s", "lenet5", 1, 2, "fgsm-0", 1, 0, 5, 0, TimeSpan.Zero, eta, message);
}
