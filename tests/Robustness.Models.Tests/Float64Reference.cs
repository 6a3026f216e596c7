using Robustness.Data;

namespace Robustness.Models.Tests;

/// <summary>
/// Input gradients computed in float64 by a path independent of the one under test (<see cref="Float64Gradients"/>): the
/// model converted to float64 (losslessly, and back afterwards), plain autograd, the first layer through unfold + matmul
/// (whose backward is matrix products and fold, right on every CPU measured), no <see cref="ModelGradients"/>.
/// </summary>
internal static class Float64Reference
{
    /// <summary>grad_x of each image's cross-entropy against its label, image after image (count x pixels).</summary>
    public static double[] CrossEntropyGradient(ImageClassifier model, ImageSet set) => CrossEntropyGradientAndLoss(model, set).Gradient;

    /// <summary>As <see cref="CrossEntropyGradient"/>, with each image's float64 loss (the library's <see cref="Float64Gradients"/>).</summary>
    public static (double[] Gradient, double[] Loss) CrossEntropyGradientAndLoss(ImageClassifier model, ImageSet set)
    {
        var pixels = new float[set.Count * set.PixelsPerImage];
        set.CopyPixelsTo(pixels);
        return Float64Gradients.CrossEntropy(model, pixels, set.Labels);
    }

    /// <summary>
    /// Over every image: the pixels whose reference gradient exceeds 1e-3 of the image's largest |gradient| ("strong"),
    /// and how many of them the candidate's sign matches.
    /// </summary>
    public static (int Strong, int Agree) SignAgreement(ReadOnlySpan<float> candidate, ReadOnlySpan<double> reference, int pixelsPerImage)
    {
        int strong = 0;
        int agree = 0;
        for (int start = 0; start < reference.Length; start += pixelsPerImage)
        {
            var r = reference.Slice(start, pixelsPerImage);
            double max = 0;
            foreach (double v in r)
            {
                max = Math.Max(max, Math.Abs(v));
            }

            for (int p = 0; p < pixelsPerImage; p++)
            {
                if (Math.Abs(r[p]) > 1e-3 * max)
                {
                    strong++;
                    agree += Math.Sign(r[p]) == Math.Sign(candidate[start + p]) ? 1 : 0;
                }
            }
        }

        return (strong, agree);
    }

    /// <summary>
    /// The share of images whose largest |candidate - reference| is within <paramref name="tolerance"/> of the image's largest
    /// |reference|. A float32 network can take a ReLU or max-pool decision differently from its float64 copy on a value
    /// within rounding of a tie, which changes that image's gradient legitimately (measured: 1 of 64 synthetic images for an
    /// untrained AlexNet-8, where two float32 first-layer kernels agreed to 2e-7 and both differed from float64 by 6%).
    /// </summary>
    public static double ShareWithin(ReadOnlySpan<float> candidate, ReadOnlySpan<double> reference, int pixelsPerImage, double tolerance)
    {
        int images = reference.Length / pixelsPerImage;
        int within = 0;
        for (int i = 0; i < images; i++)
        {
            within += WorstRelativeError(candidate.Slice(i * pixelsPerImage, pixelsPerImage), reference.Slice(i * pixelsPerImage, pixelsPerImage), pixelsPerImage) <= tolerance ? 1 : 0;
        }

        return (double)within / images;
    }

    /// <summary>The largest |candidate - reference| of each image relative to that image's largest |reference|, over all images.</summary>
    public static double WorstRelativeError(ReadOnlySpan<float> candidate, ReadOnlySpan<double> reference, int pixelsPerImage)
    {
        double worst = 0;
        for (int start = 0; start < reference.Length; start += pixelsPerImage)
        {
            worst = Math.Max(worst, Float64Gradients.RelativeError(candidate.Slice(start, pixelsPerImage), reference.Slice(start, pixelsPerImage)));
        }

        return worst;
    }
}
