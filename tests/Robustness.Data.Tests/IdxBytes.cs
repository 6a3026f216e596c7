using System.Buffers.Binary;

namespace Robustness.Data.Tests;

/// <summary>IDX bytes written by hand for the reader's tests.</summary>
internal static class IdxBytes
{
    /// <summary>An IDX header: magic (0 0 type rank) and big-endian dimensions.</summary>
    public static byte[] Header(int type, params int[] dims)
    {
        var bytes = new byte[4 + (4 * dims.Length)];
        bytes[2] = (byte)type;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dims[i]);
        }

        return bytes;
    }

    /// <summary>The parts one after the other.</summary>
    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
