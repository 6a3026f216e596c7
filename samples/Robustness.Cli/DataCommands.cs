using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using Robustness.Data;
using Robustness.Data.Sources;

namespace Robustness.Cli;

/// <summary><c>robustness data ...</c>: look at datasets.</summary>
internal static class DataCommands
{
    public static Command Create(CliContext context)
    {
        var data = new Command("data", "Inspect datasets (MNIST, Fashion-MNIST, synthetic digits).");
        data.Subcommands.Add(CreateInfo(context));
        return data;
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
            using var services = CliServices.Create();
            IDatasetSource source = services.GetRequiredService<IDatasetCatalog>().GetSource(parsed.GetValue(dataset)!, parsed.GetValue(folder));
            string which = parsed.GetValue(split)!;
            DatasetSplit[] splits = which == "both" ? [DatasetSplit.Train, DatasetSplit.Test] : [DatasetSplits.Parse(which)];
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
