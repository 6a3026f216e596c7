namespace Robustness.Data;

/// <summary>
/// The element types of an IDX file that this library reads and writes. The value is the type byte,
/// the third byte of the file's magic number (0x00 0x00 type dimensions).
/// </summary>
public enum IdxElementType
{
    /// <summary>Unsigned 8-bit integers (type byte 0x08): MNIST's pixels and labels.</summary>
    UnsignedByte = 0x08,

    /// <summary>Big-endian IEEE 754 single-precision floats (type byte 0x0D): perturbed image sets.</summary>
    Float32 = 0x0D,
}
