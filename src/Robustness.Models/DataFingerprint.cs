using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Robustness.Data;

namespace Robustness.Models;

/// <summary>
/// A fingerprint of a training set for checkpoints: lower-case hex SHA-256 over the header
/// (count, height, width, classes as little-endian int32), every pixel as little-endian float32, then
/// every label as little-endian int32, image by image in set order. Two sets with the same fingerprint
/// hold the same images and labels in the same order.
/// </summary>
public static class DataFingerprint
{
    /// <summary>Computes the fingerprint.</summary>
    /// <param name="set">The set.</param>
    /// <returns>64 lower-case hex digits.</returns>
    public static string Compute(ImageSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> header = stackalloc byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(header, set.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], set.Height);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], set.Width);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], set.ClassCount);
        hash.AppendData(header);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The data fingerprint is defined on little-endian machines.");
        }

        for (int i = 0; i < set.Count; i++)
        {
            hash.AppendData(MemoryMarshal.AsBytes(set.GetImage(i)));
        }

        hash.AppendData(MemoryMarshal.AsBytes(set.Labels));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
