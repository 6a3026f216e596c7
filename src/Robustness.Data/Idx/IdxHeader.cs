using System.Globalization;

namespace Robustness.Data;

/// <summary>The header of an IDX file: its element type and its dimensions (outermost first).</summary>
/// <param name="ElementType">The type of every element of the data.</param>
/// <param name="Dimensions">The sizes of the dimensions, outermost first (for images: count, rows, columns).</param>
internal sealed record IdxHeader(IdxElementType ElementType, IReadOnlyList<int> Dimensions)
{
    /// <summary>The number of dimensions (the fourth byte of the magic number).</summary>
    public int Rank => Dimensions.Count;

    /// <summary>The magic number, e.g. 0x00000803 for unsigned-byte images with 3 dimensions.</summary>
    public int Magic => IdxFile.MagicOf(ElementType, Rank);

    /// <summary>The number of elements the header promises: the product of the dimensions.</summary>
    /// <exception cref="OverflowException">The product does not fit in 64 bits (a header read from a file is refused long before).</exception>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (int d in Dimensions)
            {
                // Checked: a header built by hand with many large dimensions fails loudly instead of wrapping around.
                count = checked(count * d);
            }

            return count;
        }
    }

    /// <summary>The size in bytes of one element (1 for unsigned bytes, 4 for float32).</summary>
    public int ElementSize => IdxFile.SizeOf(ElementType);

    /// <summary>The dimensions as text, e.g. "10000 x 28 x 28".</summary>
    public string DimensionsText => string.Join(" x ", Dimensions.Select(d => d.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Value equality that compares the dimensions element by element.</summary>
    /// <param name="other">The header to compare with.</param>
    /// <returns>True when element type and every dimension agree.</returns>
    public bool Equals(IdxHeader? other) =>
        other is not null && ElementType == other.ElementType && Dimensions.SequenceEqual(other.Dimensions);

    /// <summary>A hash code consistent with <see cref="Equals(IdxHeader?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(ElementType);
        foreach (int d in Dimensions)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    /// <summary>The header as text, e.g. "unsigned byte, 10000 x 28 x 28".</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{IdxFile.TypeName(ElementType)}, {DimensionsText}";
}
