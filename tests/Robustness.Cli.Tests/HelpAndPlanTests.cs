using System.CommandLine;
using System.Text.RegularExpressions;

namespace Robustness.Cli.Tests;

/// <summary>The help conventions of every command (docs/architecture.md, "CLI help") and <c>study run --dry-run</c>.</summary>
public sealed partial class HelpAndPlanTests
{
    private static IEnumerable<Command> Leaves(Command command) =>
        command.Subcommands.Count == 0 ? [command] : command.Subcommands.SelectMany(Leaves);

    private static string Path(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return string.Join(' ', names);
    }

    public static IEnumerable<string> Commands() =>
        Leaves(RobustnessCli.Build(new CliContext(TextWriter.Null, TextWriter.Null))).Select(Path);

    [TestCaseSource(nameof(Commands))]
    public void EveryCommandsHelp_UsesPlaceholders_OneDefaultStyle_AndAnExample(string command)
    {
        var (exit, output, error) = CliRunner.Run([.. command.Split(' '), "--help"]);
        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("Example: robustness " + command), "an example that names the command");
        foreach (string line in output.Split('\n').Where(l => l.TrimStart().StartsWith("--", StringComparison.Ordinal)))
        {
            var option = OptionAndPlaceholder().Match(line);
            Assert.That(option.Success, Is.True, line);
            string name = option.Groups[1].Value, placeholder = option.Groups[2].Value;
            if (placeholder.Length > 0 && !placeholder.Contains('|', StringComparison.Ordinal))
            {
                Assert.That(placeholder, Is.EqualTo(placeholder.ToUpperInvariant()).And.Not.EqualTo(name.ToUpperInvariant()), $"a placeholder of its kind, not the option's name: {line}");
            }

            Assert.That(Regex.Count(line, @"\[default:"), Is.LessThanOrEqualTo(1), $"one default per option: {line}");
            Assert.That(line, Does.Not.Contain("Default:").And.Not.Contain("(default"), $"defaults read [default: ...]: {line}");
        }
    }

    [Test]
    public void StudyRunHelp_ListsEachQuestionsDefaultLevels()
    {
        var (_, output, _) = CliRunner.Run("study", "run", "--help");
        string help = string.Join(' ', output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.That(help, Does.Contain("RQ1 gaussian 0,2,4,6,8; RQ2 fgsm 0,2,4,6,8; RQ3 ci 0.3,0.4,0.5,0.6; RQ4 ld 0.1,0.2,0.3,0.4,0.5; RQ5 gaussian 0,4,8; fgsm 0,4,8"));
        Assert.That(help, Does.Contain("--store <FILE>").And.Contain("--work <DIR>").And.Contain("--seeds <N>").And.Contain("--levels <LIST>"));
    }

    [Test]
    public void StudyRunDryRun_PrintsThePlan_AndWritesNothing()
    {
        string folder = Directory.CreateTempSubdirectory("robustness-dry-").FullName;
        try
        {
            string store = System.IO.Path.Combine(folder, "plan.db");
            var (exit, output, error) = CliRunner.Run("study", "run", "--rq", "4", "--dataset", "synthetic", "--train-per-class", "60", "--test-per-class", "20",
                "--seeds", "3", "--bench-levels", "1,3", "--device", "cpu", "--store", store, "--dry-run");
            Assert.That(exit, Is.Zero, error);
            Assert.That(output, Does.Contain("plan: study rq4-scaled (RQ4 label disturbance), 6 design points x 1 architecture(s) x 3 seed(s) = 18 runs"), output);
            Assert.That(output, Does.Contain("rq4-ld0.3\t~60 clean, LD 0.3"), output);
            Assert.That(output, Does.Contain("store absent").And.Contain("estimated time: about").And.Contain("nothing was trained or written"), output);
            Assert.That(Directory.GetFileSystemEntries(folder), Is.Empty, "no store, no work folder");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void StudyRun_WithAnUnknownArchitecture_FailsBeforeTheStoreExists()
    {
        string folder = Directory.CreateTempSubdirectory("robustness-arch-").FullName;
        try
        {
            string store = System.IO.Path.Combine(folder, "typo.db");
            var (exit, _, error) = CliRunner.Run("study", "run", "--rq", "1", "--dataset", "synthetic", "--train-per-class", "20", "--test-per-class", "10",
                "--arch", "lenet", "--device", "cpu", "--store", store);
            Assert.That(exit, Is.EqualTo(RobustnessCli.UsageError), error);
            Assert.That(error, Does.Contain("--arch: unknown architecture 'lenet'; known: lenet5, alexnet8"), error);
            Assert.That(Directory.GetFileSystemEntries(folder), Is.Empty, "no store was created, so the corrected command starts afresh");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex(@"^\s*(--[a-z0-9-]+)(?:, -\S+)?(?: <([^>]+)>)?")]
    private static partial Regex OptionAndPlaceholder();
}
