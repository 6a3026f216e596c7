using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Robustness.Data;
using Robustness.Data.Sources;
using Robustness.Models;
using Robustness.Tests.Shared;

namespace Robustness.Evaluation.Tests;

/// <summary>Data, a small trained model and an independent IDX reader shared by the Evaluation tests.</summary>
internal static class EvaluationTestData
{
    public const int Threads = 2;

    private static readonly Lazy<ImageSet> _syntheticTrain = new(() => SyntheticDigits.Generate(100, 31, "synthetic-train"));
    private static readonly Lazy<ImageSet> _syntheticTest = new(() => SyntheticDigits.Generate(20, SyntheticDigits.TestSeed(31), "synthetic-test"));
    private static readonly Lock _modelLock = new();
    private static ImageClassifier? _model;

    /// <summary>1,000 synthetic training digits (100 per class).</summary>
    public static ImageSet SyntheticTrain => _syntheticTrain.Value;

    /// <summary>200 synthetic test digits (20 per class), from another seed.</summary>
    public static ImageSet SyntheticTest => _syntheticTest.Value;

    /// <summary>A CPU runner resolved from the library's DI registrations (as an application composes it).</summary>
    public static Robustness.Evaluation.Runner.StudyRunner CpuRunner() =>
        new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddRobustnessModels(o =>
            {
                o.Device = "cpu";
                o.Threads = Threads;
            })
            .AddRobustnessEvaluation()
            .BuildServiceProvider()
            .GetRequiredService<Robustness.Evaluation.Runner.StudyRunner>();

    public static ModelFactory CpuFactory() => ModelFactory.CreateDefault(new ModelOptions { Device = "cpu", Threads = Threads });

    /// <summary>LeNet-5 trained briefly on <see cref="SyntheticTrain"/> (CPU, 2 threads, fixed seeds); shared, do not dispose.</summary>
    public static ImageClassifier TrainedLeNet
    {
        get
        {
            lock (_modelLock)
            {
                if (_model is null)
                {
                    var model = CpuFactory().Create("lenet5", 5);
                    var trainer = new ModelTrainer(new ModelOptions { Device = "cpu", Threads = Threads }, NullLogger<ModelTrainer>.Instance);
                    trainer.Train(model, SyntheticTrain, new TrainingOptions { MaxEpochs = 6, Patience = 6, Seed = 11, EvaluateTrainingSetAtEnd = false });
                    _model = model;
                }

                return _model;
            }
        }
    }

    /// <summary>The real MNIST test set (ignores or fails the test when absent).</summary>
    public static ImageSet MnistTest() => IdxDataset.LoadImageSet(TestData.Mnist("t10k-images-idx3-ubyte.gz"), TestData.Mnist("t10k-labels-idx1-ubyte.gz"), "mnist-test");

    /// <summary>
    /// An IDX reader written here from the format description, independent of the library: big-endian
    /// magic (0, 0, type, rank), rank big-endian int32 dimensions, then big-endian elements.
    /// </summary>
    public static (int[] Dimensions, float[] Values) ReadFloat32Idx(string path)
    {
        byte[] bytes = ReadMaybeGzip(path);
        Assert.That(bytes[0], Is.Zero, path);
        Assert.That(bytes[1], Is.Zero, path);
        Assert.That(bytes[2], Is.EqualTo(0x0D), $"{path}: element type must be float32");
        int rank = bytes[3];
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + (4 * i)));
        }

        int offset = 4 + (4 * rank);
        long count = dims.Aggregate(1L, (a, d) => a * d);
        Assert.That(bytes.Length - offset, Is.EqualTo(count * 4), $"{path}: data length");
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleBigEndian(bytes.AsSpan(offset + (4 * i)));
        }

        return (dims, values);
    }

    /// <summary>An unsigned-byte IDX file read independently (see <see cref="ReadFloat32Idx"/>).</summary>
    public static (int[] Dimensions, byte[] Values) ReadByteIdx(string path)
    {
        byte[] bytes = ReadMaybeGzip(path);
        Assert.That(bytes[2], Is.EqualTo(0x08), $"{path}: element type must be unsigned byte");
        int rank = bytes[3];
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + (4 * i)));
        }

        return (dims, bytes[(4 + (4 * rank))..]);
    }

    private static byte[] ReadMaybeGzip(string path)
    {
        byte[] raw = File.ReadAllBytes(path);
        if (raw.Length > 2 && raw[0] == 0x1F && raw[1] == 0x8B)
        {
            using var input = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            return output.ToArray();
        }

        return raw;
    }
}
