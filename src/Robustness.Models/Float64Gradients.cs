using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Robustness.Models;

/// <summary>
/// Input gradients of a model in float64, by a path independent of the float32 one the attacks use: the module is
/// converted to float64 (losslessly, and back afterwards), plain autograd, no checked first-layer kernel (a one-input-
/// channel convolution in float64 does not reach the oneDNN kernel that is wrong on AVX-512 CPUs; the built-in networks'
/// first layer takes unfold + matmul there). The reference of <see cref="ImageClassifier.FromModule"/>'s check and of the tests.
/// </summary>
internal static class Float64Gradients
{
    /// <summary>Relative error within which a float32 image gradient agrees with float64 (float32 rounding through a network gives ~1e-6).</summary>
    public const double Tolerance = 1e-3;

    /// <summary>Share of images that must agree: a float32 network can take a ReLU or max-pool decision at a tie differently.</summary>
    public const double RequiredShare = 0.95;

    /// <summary>grad_x of each image's cross-entropy against its label in float64, image after image, and each image's loss.</summary>
    public static (double[] Gradient, double[] Loss) CrossEntropy(ImageClassifier model, ReadOnlySpan<float> images, ReadOnlySpan<int> labels)
    {
        var module = model.Module;
        bool wasTraining = module.training;
        module.eval();
        module.to(ScalarType.Float64);
        try
        {
            using var scope = NewDisposeScope();
            using var grad = enable_grad();
            var shape = model.InputShape;
            var x = tensor(images.ToArray(), [labels.Length, 1, shape.Height, shape.Width]).to(ScalarType.Float64).to(model.TorchDevice).requires_grad_(true);
            var y = tensor(labels.ToArray().Select(l => (long)l).ToArray()).to(model.TorchDevice);
            var losses = nn.functional.cross_entropy(model.Module.forward(x), y, reduction: nn.Reduction.None);
            double[] gradient = autograd.grad([losses.sum()], [x])[0].cpu().contiguous().data<double>().ToArray();
            return (gradient, losses.detach().cpu().contiguous().data<double>().ToArray());
        }
        finally
        {
            module.to(ScalarType.Float32);
            if (wasTraining)
            {
                module.train();
            }
        }
    }

    /// <summary>The largest |candidate - reference| of one image relative to its largest |reference| (NaN counts as infinite; 0 when the reference is 0).</summary>
    public static double RelativeError(ReadOnlySpan<float> candidate, ReadOnlySpan<double> reference)
    {
        double max = 0;
        double diff = 0;
        for (int p = 0; p < reference.Length; p++)
        {
            max = Math.Max(max, Math.Abs(reference[p]));
            double d = Math.Abs(candidate[p] - reference[p]);
            diff = double.IsNaN(d) ? double.PositiveInfinity : Math.Max(diff, d);
        }

        return max > 0 ? diff / max : (diff > 0 ? double.PositiveInfinity : 0);
    }

    /// <summary>
    /// Compares the model's float32 input gradients (through <see cref="ModelGradients"/>, as every attack computes them)
    /// with float64 on seeded probe images uniform in [0, 1]; throws when fewer than <see cref="RequiredShare"/> agree.
    /// </summary>
    public static void Check(ImageClassifier model, string what, int count = 32, ulong seed = 0x6772_6164)
    {
        int ppi = model.InputShape.PixelsPerImage;
        var images = new float[count * ppi];
        var random = new Randomness.Xoshiro256StarStar(seed);
        for (int i = 0; i < images.Length; i++)
        {
            images[i] = (float)random.NextDouble();
        }

        var labels = Enumerable.Range(0, count).Select(i => i % model.InputShape.ClassCount).ToArray();
        var float32 = new float[images.Length];
        new ModelGradients(model, count).CrossEntropyGradient(images, labels, float32);
        var (float64, _) = CrossEntropy(model, images, labels);
        int within = 0;
        double worst = 0;
        for (int i = 0; i < count; i++)
        {
            double error = RelativeError(float32.AsSpan(i * ppi, ppi), float64.AsSpan(i * ppi, ppi));
            worst = Math.Max(worst, error);
            within += error <= Tolerance ? 1 : 0;
        }

        if (within < RequiredShare * count)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The input gradients of {what} are wrong on this machine: on {count - within} of {count} probe images they differ from a float64 copy of the module by more than {Tolerance:G} of the largest value (worst {worst:G3}). libtorch's input gradient of a one-input-channel convolution is wrong on AVX-512 CPUs (docs/models.md, \"First-layer input gradient\"): build the first convolution as Robustness.Models.FirstLayerConv2d (the same weight and bias as nn.Conv2d), or pass checkGradients: false to attack it anyway."));
        }
    }
}
