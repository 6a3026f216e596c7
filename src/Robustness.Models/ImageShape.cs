using System.Globalization;
using Robustness.Data;

namespace Robustness.Models;

/// <summary>The input a classifier takes: one grey channel of Height x Width pixels, and its number of classes.</summary>
/// <param name="Height">Image height in pixels, positive.</param>
/// <param name="Width">Image width in pixels, positive.</param>
/// <param name="ClassCount">Number of classes (outputs), at least 2.</param>
public sealed record ImageShape(int Height, int Width, int ClassCount)
{
    /// <summary>MNIST and Fashion-MNIST: 28 x 28 grey, 10 classes.</summary>
    public static ImageShape Mnist { get; } = new(28, 28, 10);

    /// <summary>Pixels per image.</summary>
    public int PixelsPerImage => Height * Width;

    /// <summary>The shape of a set's images.</summary>
    /// <param name="set">The set.</param>
    /// <returns>Its shape.</returns>
    public static ImageShape Of(ImageSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return new ImageShape(set.Height, set.Width, set.ClassCount);
    }

    /// <summary>Checks that every dimension is in range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is out of range.</exception>
    public void Validate()
    {
        if (Height < 1 || Width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Height), string.Create(CultureInfo.InvariantCulture, $"Images need at least 1 x 1 pixels; {Height} x {Width} was given."));
        }

        if (ClassCount < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(ClassCount), ClassCount, "A classifier needs at least 2 classes.");
        }
    }

    /// <summary>Throws when a set's images do not have this shape.</summary>
    /// <param name="set">The set.</param>
    /// <param name="paramName">The parameter that holds the set.</param>
    internal void CheckSet(ImageSet set, string paramName)
    {
        if (set.Height != Height || set.Width != Width || set.ClassCount != ClassCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Set '{set.Name}' has {set.Height} x {set.Width} images and {set.ClassCount} classes; the model takes {Height} x {Width} and {ClassCount}."), paramName);
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Height}x{Width}x1, {ClassCount} classes");
}
