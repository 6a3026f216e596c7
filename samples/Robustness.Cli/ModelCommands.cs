using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using Robustness.Models;

namespace Robustness.Cli;

/// <summary><c>robustness model export|import</c>: move weights between checkpoints and PyTorch state_dict files.</summary>
internal static class ModelCommands
{
    public static Command Create(CliContext context)
    {
        var model = new Command("model", "Move model weights to and from PyTorch (state_dict files that torch.load reads; names as in benchmarks/pytorch/models.py).");
        model.Subcommands.Add(CreateExport(context));
        model.Subcommands.Add(CreateImport(context));
        return model;
    }

    private static Command CreateExport(CliContext context)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "The checkpoint FILE (weights; its sidecar is FILE.json).", Required = true };
        var output = new Option<string>("--out") { Description = "The state_dict FILE.pt to write.", Required = true };
        var export = new Command("export", "Write a checkpoint's weights as a PyTorch state_dict. Example: robustness model export --checkpoint lenet5-clean.bin --out lenet5.pt")
        {
            checkpoint, output,
        };
        export.SetAction(parsed => context.Execute(parsed, () =>
        {
            string source = Path.GetFullPath(parsed.GetValue(checkpoint)!);
            string target = Path.GetFullPath(parsed.GetValue(output)!);
            using var services = CliServices.Create(context, o => o.Device = "cpu");
            using var model = ModelCheckpoint.Load(source, services.GetRequiredService<IModelFactory>());
            PyTorchStateDict.Export(model, target);
            Describe(context.Output, model, target);
            context.Output.WriteLine($"load in PyTorch: net = models.create(\"{model.Architecture}\"); net.load_state_dict(torch.load(\"{target}\"))");
            return RobustnessCli.Success;
        }));
        return export;
    }

    private static Command CreateImport(CliContext context)
    {
        var arch = new Option<string>("--arch") { Description = "The architecture the state_dict belongs to: lenet5 or alexnet8.", Required = true };
        arch.AcceptOnlyFromAmong(ModelFactory.LeNet5, ModelFactory.AlexNet8);
        var stateDict = new Option<string>("--state-dict") { Description = "The PyTorch state_dict FILE.pt (torch.save(model.state_dict(), FILE.pt)).", Required = true };
        var output = new Option<string>("--out") { Description = "The checkpoint FILE to write (and FILE.json).", Required = true };
        var height = new Option<int>("--height") { Description = "Image height in pixels.", DefaultValueFactory = _ => 28 };
        var width = new Option<int>("--width") { Description = "Image width in pixels.", DefaultValueFactory = _ => 28 };
        var classes = new Option<int>("--classes") { Description = "Number of classes.", DefaultValueFactory = _ => 10 };
        var import = new Command("import", "Read a PyTorch state_dict of an architecture into a checkpoint. Example: robustness model import --arch lenet5 --state-dict lenet5.pt --out lenet5.bin")
        {
            arch, stateDict, output, height, width, classes,
        };
        import.SetAction(parsed => context.Execute(parsed, () =>
        {
            string source = Path.GetFullPath(parsed.GetValue(stateDict)!);
            string target = Path.GetFullPath(parsed.GetValue(output)!);
            var shape = new ImageShape(parsed.GetValue(height), parsed.GetValue(width), parsed.GetValue(classes));
            using var services = CliServices.Create(context, o => o.Device = "cpu");
            using var model = PyTorchStateDict.Import(source, services.GetRequiredService<IModelFactory>(), parsed.GetValue(arch)!, shape);
            ModelCheckpoint.Save(model, target, new CheckpointMetadata
            {
                Architecture = model.Architecture,
                InputShape = model.InputShape,
                DataName = "imported from the PyTorch state_dict " + source,
            });
            Describe(context.Output, model, target);
            return RobustnessCli.Success;
        }));
        return import;
    }

    private static void Describe(TextWriter o, ImageClassifier model, string path)
    {
        var entries = PyTorchStateDict.Entries(model);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model.Architecture} ({model.InputShape}): {entries.Count} tensors, {model.ParameterCount:N0} parameters"));
        foreach (var (name, shape) in entries)
        {
            o.WriteLine($"  {name} [{string.Join(", ", shape)}]");
        }

        o.WriteLine($"written: {path}");
    }
}
