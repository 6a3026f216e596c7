using Robustness.Randomness;
using System.Runtime.CompilerServices;

namespace Robustness.Data.Sources;

/// <summary>
/// Generated digits 0-9: 28x28 grey images of polyline glyphs rasterised with anti-aliased thick strokes, with seeded
/// jitter (offset, scale, aspect, shear, rotation, stroke width, per-vertex wobble) and a little uniform noise;
/// pixels in [0, 1]. Needs nothing installed; every set is named <c>synthetic/...</c> so results built on it are
/// labelled synthetic.
/// </summary>
/// <remarks>
/// Determinism: all randomness comes from <c>SplitMix64</c> seeded per image from (seed, index), and the geometry uses
/// only IEEE-exact operations (+, -, *, /, sqrt; the rotation uses a fixed polynomial instead of Math.Sin), so the
/// same seed gives identical bytes on every machine. Classes are interleaved (image i has label i mod 10), so any
/// prefix of a set is balanced.
/// </remarks>
public sealed class SyntheticDigits : IDatasetSource
{
    /// <summary>Image height and width in pixels (28, as MNIST).</summary>
    public const int Size = 28;

    /// <summary>The number of classes (digits 0-9).</summary>
    public const int ClassCount = 10;

    private const int PixelsPerImage = Size * Size;
    private const double GlyphWidth = 12.0;
    private const double GlyphHeight = 18.0;
    private const int MaxGlyphPoints = 16;

    // Glyph geometry in a unit box (x right, y down): points, then strokes as paths of point indices.
    private static readonly double[][] _glyphPoints =
    [
        [0.5, 0, 0.88, 0.15, 1, 0.5, 0.88, 0.85, 0.5, 1, 0.12, 0.85, 0, 0.5, 0.12, 0.15],
        [0.25, 0.22, 0.55, 0, 0.55, 1],
        [0.05, 0.22, 0.3, 0.02, 0.7, 0.02, 0.95, 0.25, 0.85, 0.5, 0.05, 1, 1, 1],
        [0.05, 0.1, 0.45, 0, 0.88, 0.12, 0.85, 0.38, 0.4, 0.5, 0.92, 0.62, 0.95, 0.85, 0.5, 1, 0.05, 0.9],
        [0.72, 1, 0.72, 0, 0, 0.68, 1, 0.68],
        [0.95, 0, 0.18, 0, 0.1, 0.45, 0.55, 0.38, 0.92, 0.55, 0.92, 0.85, 0.5, 1, 0.05, 0.9],
        [0.8, 0, 0.35, 0.25, 0.08, 0.65, 0.2, 0.95, 0.6, 1, 0.92, 0.8, 0.85, 0.55, 0.5, 0.45, 0.12, 0.62],
        [0, 0, 1, 0, 0.35, 1],
        [0.5, 0, 0.85, 0.12, 0.85, 0.35, 0.5, 0.48, 0.15, 0.35, 0.15, 0.12, 0.95, 0.62, 0.95, 0.88, 0.5, 1, 0.05, 0.88, 0.05, 0.62],
        [0.95, 0.22, 0.6, 0.48, 0.15, 0.42, 0.05, 0.18, 0.35, 0, 0.75, 0, 0.8, 1],
    ];

    private static readonly int[][][] _glyphPaths =
    [
        [[0, 1, 2, 3, 4, 5, 6, 7, 0]],
        [[0, 1, 2]],
        [[0, 1, 2, 3, 4, 5, 6]],
        [[0, 1, 2, 3, 4, 5, 6, 7, 8]],
        [[0, 1, 2, 3]],
        [[0, 1, 2, 3, 4, 5, 6, 7]],
        [[0, 1, 2, 3, 4, 5, 6, 7, 8]],
        [[0, 1, 2]],
        [[0, 1, 2, 3, 4, 5, 0], [3, 6, 7, 8, 9, 10, 3]],
        [[0, 1, 2, 3, 4, 5, 0], [0, 6]],
    ];

    private readonly SyntheticDigitsOptions _options;

    /// <summary>Creates the source.</summary>
    /// <param name="options">The settings; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">The settings are invalid.</exception>
    public SyntheticDigits(SyntheticDigitsOptions? options = null)
    {
        _options = options ?? new SyntheticDigitsOptions();
        _options.Validate();
    }

    /// <summary>The settings.</summary>
    public SyntheticDigitsOptions Options => _options;

    /// <inheritdoc />
    public DatasetId Dataset => DatasetId.Synthetic;

    /// <inheritdoc />
    public string Description =>
        $"synthetic: generated stroke digits, seed {_options.Seed}, {_options.TrainCountPerClass} train and {_options.TestCountPerClass} test images per class";

    /// <summary>The seed of the test split derived from the train seed (a SplitMix64 mix, never equal to it in practice).</summary>
    /// <param name="seed">The train seed.</param>
    /// <returns>The test seed.</returns>
    public static ulong TestSeed(ulong seed) => SplitMix64.Mix(seed ^ 0x7E57_5EED_0000_0001UL);

    /// <inheritdoc />
    public SplitAvailability GetAvailability(DatasetSplit split)
    {
        int perClass = split == DatasetSplit.Train ? _options.TrainCountPerClass : _options.TestCountPerClass;
        return new SplitAvailability(
            DatasetId.Synthetic,
            split,
            true,
            null,
            null,
            $"{DatasetSplits.ImageSetName(DatasetId.Synthetic, split)}: generated, {perClass * ClassCount} images (seed {SeedOf(split)})");
    }

    /// <inheritdoc />
    public ImageSet Load(DatasetSplit split, CancellationToken cancellationToken = default)
    {
        int perClass = split == DatasetSplit.Train ? _options.TrainCountPerClass : _options.TestCountPerClass;
        return Generate(perClass, SeedOf(split), DatasetSplits.ImageSetName(DatasetId.Synthetic, split), _options.NoiseAmplitude, cancellationToken);
    }

    /// <summary>Generates a balanced set of synthetic digits.</summary>
    /// <param name="countPerClass">Images per digit (positive).</param>
    /// <param name="seed">The seed; the same seed gives identical pixels everywhere.</param>
    /// <param name="name">The set's name; should start with <c>synthetic</c>.</param>
    /// <param name="noiseAmplitude">Uniform noise amplitude in [0, 1].</param>
    /// <param name="cancellationToken">Cancels the generation.</param>
    /// <returns>The set: <paramref name="countPerClass"/> x 10 images, label of image i = i mod 10.</returns>
    public static ImageSet Generate(int countPerClass, ulong seed, string name = "synthetic", double noiseAmplitude = 0.05, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (countPerClass <= 0 || countPerClass > int.MaxValue / (ClassCount * PixelsPerImage))
        {
            throw new ArgumentOutOfRangeException(nameof(countPerClass), countPerClass, $"Images per class must be in [1, {int.MaxValue / (ClassCount * PixelsPerImage)}].");
        }

        if (!(noiseAmplitude >= 0 && noiseAmplitude <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(noiseAmplitude), noiseAmplitude, "Noise amplitude must be in [0, 1].");
        }

        int count = countPerClass * ClassCount;
        float[] pixels = new float[count * PixelsPerImage];
        int[] labels = new int[count];
        Span<double> points = stackalloc double[2 * MaxGlyphPoints];
        for (int i = 0; i < count; i++)
        {
            if ((i & 255) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int digit = i % ClassCount;
            labels[i] = digit;
            var rng = new SplitMix64(SplitMix64.Mix(seed) ^ SplitMix64.Mix((ulong)i));
            Render(digit, ref rng, noiseAmplitude, points, pixels.AsSpan(i * PixelsPerImage, PixelsPerImage));
        }

        return ImageSet.Create(name, pixels, labels, Size, Size, ClassCount);
    }

    private ulong SeedOf(DatasetSplit split) => split == DatasetSplit.Train ? _options.Seed : TestSeed(_options.Seed);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Render(int digit, ref SplitMix64 rng, double noiseAmplitude, Span<double> points, Span<float> image)
    {
        double scale = rng.Uniform(0.8, 1.1);
        double aspect = rng.Uniform(0.85, 1.15);
        double shear = rng.Uniform(-0.2, 0.2);
        double angle = rng.Uniform(-0.2, 0.2);
        double offsetX = rng.Uniform(-2.0, 2.0);
        double offsetY = rng.Uniform(-1.5, 1.5);
        double halfWidth = rng.Uniform(0.8, 1.4);
        double sin = Sin(angle);
        double cos = Cos(angle);
        double centerX = (Size / 2.0) + offsetX;
        double centerY = (Size / 2.0) + offsetY;

        double[] unit = _glyphPoints[digit];
        int pointCount = unit.Length / 2;
        for (int p = 0; p < pointCount; p++)
        {
            double x = unit[2 * p] + rng.Uniform(-0.03, 0.03);
            double y = unit[(2 * p) + 1] + rng.Uniform(-0.03, 0.03);
            double u = (x - 0.5) * GlyphWidth * aspect;
            double v = (y - 0.5) * GlyphHeight;
            u += shear * v;
            u *= scale;
            v *= scale;
            points[2 * p] = centerX + (cos * u) - (sin * v);
            points[(2 * p) + 1] = centerY + (sin * u) + (cos * v);
        }

        foreach (int[] path in _glyphPaths[digit])
        {
            for (int s = 0; s + 1 < path.Length; s++)
            {
                DrawSegment(image, points[2 * path[s]], points[(2 * path[s]) + 1], points[2 * path[s + 1]], points[(2 * path[s + 1]) + 1], halfWidth);
            }
        }

        if (noiseAmplitude > 0)
        {
            for (int k = 0; k < image.Length; k++)
            {
                double value = image[k] + (noiseAmplitude * ((2.0 * rng.NextDouble()) - 1.0));
                image[k] = (float)Math.Clamp(value, 0.0, 1.0);
            }
        }
    }

    // Anti-aliased thick segment: coverage = clamp(halfWidth + 0.5 - distance, 0, 1), combined by max.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DrawSegment(Span<float> image, double x0, double y0, double x1, double y1, double halfWidth)
    {
        double reach = halfWidth + 1.0;
        int minX = Math.Max(0, (int)Math.Floor(Math.Min(x0, x1) - reach));
        int maxX = Math.Min(Size - 1, (int)Math.Ceiling(Math.Max(x0, x1) + reach));
        int minY = Math.Max(0, (int)Math.Floor(Math.Min(y0, y1) - reach));
        int maxY = Math.Min(Size - 1, (int)Math.Ceiling(Math.Max(y0, y1) + reach));
        double dx = x1 - x0;
        double dy = y1 - y0;
        double lengthSquared = (dx * dx) + (dy * dy);
        for (int py = minY; py <= maxY; py++)
        {
            double cy = py + 0.5;
            for (int px = minX; px <= maxX; px++)
            {
                double cx = px + 0.5;
                double t = lengthSquared > 0 ? (((cx - x0) * dx) + ((cy - y0) * dy)) / lengthSquared : 0;
                t = Math.Clamp(t, 0.0, 1.0);
                double ex = cx - (x0 + (t * dx));
                double ey = cy - (y0 + (t * dy));
                double coverage = halfWidth + 0.5 - Math.Sqrt((ex * ex) + (ey * ey));
                if (coverage > 0)
                {
                    float value = (float)Math.Min(coverage, 1.0);
                    int index = (py * Size) + px;
                    if (value > image[index])
                    {
                        image[index] = value;
                    }
                }
            }
        }
    }

    // Taylor polynomials, accurate to ~1e-9 for |x| <= 0.25 and identical on every machine (unlike Math.Sin/Cos).
    private static double Sin(double x)
    {
        double x2 = x * x;
        return x * (1 - (x2 / 6 * (1 - (x2 / 20 * (1 - (x2 / 42))))));
    }

    private static double Cos(double x)
    {
        double x2 = x * x;
        return 1 - (x2 / 2 * (1 - (x2 / 12 * (1 - (x2 / 30)))));
    }
}
