using System.Collections;
using System.Collections.Specialized;
using System.Globalization;
using Robustness.IO;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Robustness.Models;

/// <summary>
/// A model's weights as a PyTorch <c>state_dict</c> file: what <c>torch.save(model.state_dict(), path)</c> writes and
/// <c>torch.load(path)</c> reads (the zip format, written and read with TorchSharp.PyBridge). Parameter names follow
/// the PyTorch definitions shipped in <c>benchmarks/pytorch/models.py</c> (<c>conv1.weight</c>, <c>fc3.bias</c>, ...;
/// docs/models.md, "PyTorch interop"): the names of the TorchSharp modules without the fields' leading underscores.
/// Values are float32 and copied bit for bit both ways.
/// </summary>
public static class PyTorchStateDict
{
    /// <summary>The PyTorch names of a model's parameters and buffers, in state-dict order, with their shapes.</summary>
    /// <param name="model">The model.</param>
    /// <returns>Name and shape of every entry.</returns>
    public static IReadOnlyList<(string Name, long[] Shape)> Entries(ImageClassifier model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return [.. model.Module.state_dict().Select(p => (PyTorchName(p.Key), p.Value.shape))];
    }

    /// <summary>Writes the model's weights as a PyTorch state_dict file (atomically: a temporary file beside it, then a rename).</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The .pt file to write.</param>
    public static void Export(ImageClassifier model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        using var scope = NewDisposeScope();
        var dictionary = new OrderedDictionary(StringComparer.Ordinal);
        foreach (var (name, tensor) in model.Module.state_dict())
        {
            dictionary[PyTorchName(name)] = tensor.detach().cpu().contiguous();
        }

        AtomicFile.Write(full, temporary =>
        {
            using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write);
            PyTorchPickler.PickleStateDict(stream, dictionary, leaveOpen: true);
            stream.Flush(flushToDisk: true);
        });
    }

    /// <summary>
    /// Reads a PyTorch state_dict file into a new model of an architecture: every entry of the architecture must be
    /// present with its shape and dtype float32, and no other entry may be.
    /// </summary>
    /// <param name="path">The .pt file (<c>torch.save(model.state_dict(), path)</c>).</param>
    /// <param name="factory">Creates the architecture.</param>
    /// <param name="architecture">The architecture's name (<c>lenet5</c>, <c>alexnet8</c>, or one registered).</param>
    /// <param name="shape">Input size and classes; MNIST's 28x28, 10 classes when null.</param>
    /// <returns>The model with the file's weights, in evaluation mode.</returns>
    /// <exception cref="InvalidDataException">The file is not a state_dict, or it does not fit the architecture (the message starts with the path and names the entry).</exception>
    public static ImageClassifier Import(string path, IModelFactory factory, string architecture, ImageShape? shape = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"{full}: no such state_dict file.", full);
        }

        Hashtable entries = Read(full);
        var model = factory.Create(architecture, seed: 0, shape);
        try
        {
            using var scope = NewDisposeScope();
            var expected = model.Module.state_dict().ToDictionary(p => PyTorchName(p.Key), p => p.Value, StringComparer.Ordinal);
            var given = entries.Keys.Cast<object>().Select(k => k as string ?? k.ToString() ?? "").ToHashSet(StringComparer.Ordinal);
            var missing = expected.Keys.Where(k => !given.Contains(k)).ToList();
            var extra = given.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || extra.Count > 0)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{full}: expected the state_dict of architecture '{model.Architecture}' ({string.Join(", ", expected.Keys)}), found one {(missing.Count > 0 ? "without " + string.Join(", ", missing) : "")}{(missing.Count > 0 && extra.Count > 0 ? " and " : "")}{(extra.Count > 0 ? "with the unexpected " + string.Join(", ", extra) : "")}."));
            }

            using (no_grad())
            {
                foreach (var (name, target) in expected)
                {
                    if (entries[name] is not Tensor source)
                    {
                        throw new InvalidDataException($"{full}: expected a tensor at '{name}', found {entries[name]?.GetType().Name ?? "null"}.");
                    }

                    if (source.dtype != ScalarType.Float32)
                    {
                        throw new InvalidDataException($"{full}: expected '{name}' as float32, found {source.dtype} (save the model after model.float()).");
                    }

                    if (!source.shape.SequenceEqual(target.shape))
                    {
                        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                            $"{full}: expected '{name}' of shape [{string.Join(", ", target.shape)}] for architecture '{model.Architecture}' ({model.InputShape}), found [{string.Join(", ", source.shape)}]."));
                    }

                    target.copy_(source);
                }
            }

            model.Module.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            foreach (var value in entries.Values)
            {
                (value as IDisposable)?.Dispose();
            }
        }
    }

    /// <summary>A TorchSharp state-dict name as PyTorch writes it: each path segment without its leading underscore (<c>_conv1.weight</c> -&gt; <c>conv1.weight</c>).</summary>
    /// <param name="name">The TorchSharp name.</param>
    /// <returns>The PyTorch name.</returns>
    public static string PyTorchName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return string.Join('.', name.Split('.').Select(s => s.TrimStart('_')));
    }

    private static Hashtable Read(string full)
    {
        try
        {
            using var stream = File.OpenRead(full);
            return PyTorchUnpickler.UnpickleStateDict(stream);
        }
#pragma warning disable CA1031 // the unpickler throws many kinds for a file that is not a state_dict; each becomes one clear error
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            throw new InvalidDataException($"{full}: expected a PyTorch state_dict (torch.save(model.state_dict(), path)), found a file that cannot be read as one: {e.GetType().Name}: {e.Message}", e);
        }
    }
}
