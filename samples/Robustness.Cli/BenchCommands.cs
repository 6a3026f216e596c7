using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using Robustness.Data;
using Robustness.Data.Sources;
using Robustness.Evaluation.Benchmarks;
using Robustness.Models;
using Robustness.Perturbations;

namespace Robustness.Cli;

/// <summary><c>robustness bench ...</c>: build the robustness benchmark suites (MNIST-Test, MNIST-C, MNIST-A).</summary>
internal static class BenchCommands
{
    public static Command Create(CliContext context)
    {
        var bench = new Command("bench", "Build robustness benchmark suites (clean, Gaussian, FGSM, PGD) as IDX float32 files with a JSON manifest.");
        bench.Subcommands.Add(CreateBuild(context));
        return bench;
    }

    private static Command CreateBuild(CliContext context)
    {
        var suite = new Option<string>("--suite")
        {
            Description = "The suite: clean (MNIST-Test), gaussian (MNIST-C), fgsm (MNIST-A) or pgd (PGD-l2), the last two against --reference-checkpoint. White-box suites are made per model by 'study run --attacks'.",
            Required = true,
        };
        suite.AcceptOnlyFromAmong("clean", "gaussian", "fgsm", "pgd");
        var levels = new Option<string?>("--levels")
        {
            Description = "l2 levels: a list 0.5,1,2 or a range start:stop:step; not for clean [default: 0.5:12:0.5, the paper's 24 levels].",
        };
        var dataset = new Option<string>("--dataset")
        {
            Description = "Dataset whose test split is perturbed: mnist, fashion-mnist or synthetic.",
            DefaultValueFactory = _ => "mnist",
        };
        dataset.AcceptOnlyFromAmong("mnist", "fashion-mnist", "synthetic");
        var folder = new Option<string?>("--data")
        {
            Description = $"Folder with the IDX files (or a parent with a folder per dataset) [default: ${DatasetLocator.EnvironmentVariable}, then the user cache folder].",
        };
        var perClass = new Option<int?>("--per-class")
        {
            Description = "Use a stratified subset of the test split with N images per class (chosen by --seed).",
        };
        var seed = new Option<ulong>("--seed")
        {
            Description = "Seed of the Gaussian noise and of the --per-class choice.",
            DefaultValueFactory = _ => PerturbationOptions.DefaultSeed,
        };
        var reference = new Option<string?>("--reference-checkpoint")
        {
            Description = "fgsm and pgd only (required): the reference model's checkpoint (weights path; its sidecar is path.json).",
        };
        var pgd = CliOptions.Pgd();
        var output = new Option<string>("--out")
        {
            Description = "The suite folder to create (absent or empty).",
            Required = true,
        };

        var build = new Command("build", "Build one suite and export it: per level an images file (IDX float32) and a labels file, plus manifest.json with counts and SHA-256 of every file. Example: robustness bench build --suite gaussian --data ../shared/data/mnist --per-class 100 --levels 1,2,4 --out mnist-c")
        {
            suite, levels, dataset, folder, perClass, seed, reference, output,
        };
        foreach (var option in pgd.All)
        {
            build.Options.Add(option);
        }

        build.SetAction(parsed => context.Execute(parsed, () =>
        {
            var kind = BenchmarkKinds.Parse(parsed.GetValue(suite)!);
            string? levelsText = parsed.GetValue(levels);
            string? checkpoint = parsed.GetValue(reference);
            int? n = parsed.GetValue(perClass);
            ulong s = parsed.GetValue(seed);
            if (kind == BenchmarkKind.Clean && levelsText is not null)
            {
                throw new ArgumentException("--levels does not apply to --suite clean (its single level is 0).");
            }

            bool attack = kind is BenchmarkKind.Fgsm or BenchmarkKind.Pgd;
            if (attack && string.IsNullOrWhiteSpace(checkpoint))
            {
                throw new ArgumentException($"--suite {kind.ToName()} needs --reference-checkpoint FILE (the clean model the attack is computed against).");
            }

            if (!attack && checkpoint is not null)
            {
                throw new ArgumentException("--reference-checkpoint applies to --suite fgsm and pgd only.");
            }

            if (n is <= 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--per-class must be positive; {n} was given."));
            }

            IReadOnlyList<double> chosen = levelsText is null ? BenchmarkLevels.Default : BenchmarkLevels.Parse(levelsText);
            using var services = CliServices.Create(context);
            IDatasetSource source = services.GetRequiredService<IDatasetCatalog>().GetSource(parsed.GetValue(dataset)!, parsed.GetValue(folder));
            ImageSet test = source.Load(DatasetSplit.Test);
            if (n is { } count)
            {
                test = DatasetBuilders.StratifiedSubset(test, count, s);
            }

            return Build(context, services, kind, test, chosen, s, checkpoint, parsed.GetValue(output)!, pgd.Read(parsed, s, services.GetRequiredService<FgsmOptions>().BatchSize));
        }));
        return build;
    }

    private static int Build(CliContext context, IServiceProvider services, BenchmarkKind kind, ImageSet test, IReadOnlyList<double> levels, ulong seed, string? checkpoint, string output, PgdOptions pgdOptions)
    {
        var builder = services.GetRequiredService<BenchmarkBuilder>().WithAttackOptions(pgdOptions);
        BenchmarkSuite suite;
        switch (kind)
        {
            case BenchmarkKind.Clean:
                suite = builder.BuildClean(test);
                break;
            case BenchmarkKind.Gaussian:
                suite = builder.BuildGaussian(test, seed, levels);
                break;
            default:
                string path = Path.GetFullPath(checkpoint!);
                var fingerprint = ReferenceModelFingerprint.FromCheckpoint(path);
                using (var model = ModelCheckpoint.Load(path, services.GetRequiredService<IModelFactory>()))
                {
                    suite = kind == BenchmarkKind.Pgd ? builder.BuildPgd(test, model, fingerprint, levels) : builder.BuildFgsm(test, model, fingerprint, levels);
                }

                break;
        }

        string folder = Path.GetFullPath(output);
        suite.Save(folder);
        CultureInfo c = CultureInfo.InvariantCulture;
        TextWriter o = context.Output;
        o.WriteLine(string.Create(c, $"{suite.Name}: {kind.ToName()} suite of {test.Name} ({test.Count} images)"));
        o.WriteLine(string.Create(c, $"levels: {suite.Levels.Count} ({BenchmarkLevels.Format(suite.Levels)})"));
        o.WriteLine(string.Create(c, $"images: {suite.ImageCount} written, {suite.ExcludedCount} excluded (unreachable)"));
        o.WriteLine(string.Create(c, $"max |error|: {suite.MaxAbsoluteError:E2}"));
        if (suite.ReferenceModel is { } r)
        {
            o.WriteLine(string.Create(c, $"reference: {r.Architecture}, weights SHA-256 {r.WeightsSha256}"));
        }

        o.WriteLine($"folder: {folder} ({BenchmarkSuite.ManifestFileName})");
        return RobustnessCli.Success;
    }
}
