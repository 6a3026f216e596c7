using System.Buffers.Binary;
using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Robustness.IO;

namespace Robustness.Data;

/// <summary>
/// Reads and writes IDX files (the format of MNIST and Fashion-MNIST): a big-endian header
/// (magic 0x00 0x00 type rank, then <c>rank</c> big-endian int32 dimensions) followed by the
/// elements in row-major order (float32 big-endian). Files may be raw or gzip-compressed; gzip is
/// detected from the first two bytes (0x1F 0x8B), never from the file name. Reading is streamed: the
/// data goes from the (decompressing) stream straight into the destination array.
/// </summary>
/// <remarks>
/// Every problem with a file is an <see cref="InvalidDataException"/> whose message starts with the
/// file's path and says what was expected and what was found, so that it stands alone as an error line.
/// </remarks>
internal static class IdxFile
{
    internal const int BufferSize = 1 << 16;

    /// <summary>Reads only the header of an IDX file (raw or gzip).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The header.</returns>
    /// <exception cref="InvalidDataException">The file is not an IDX file of a supported element type.</exception>
    public static IdxHeader ReadHeader(string path)
    {
        using var reader = IdxReader.Open(path, IdxExpectation.Any);
        return reader.Header;
    }

    /// <summary>Reads a whole unsigned-byte IDX file (raw or gzip).</summary>
    /// <param name="path">The file.</param>
    /// <param name="expectedRank">The number of dimensions the file must have, or null for any.</param>
    /// <param name="cancellationToken">Stops the read between chunks.</param>
    /// <returns>The header and the elements.</returns>
    /// <exception cref="InvalidDataException">The file is malformed, of another element type or rank, shorter or longer than its header says.</exception>
    public static IdxData<byte> ReadUnsignedBytes(string path, int? expectedRank = null, CancellationToken cancellationToken = default)
    {
        using var reader = IdxReader.Open(path, new IdxExpectation([IdxElementType.UnsignedByte], expectedRank, null));
        var data = new byte[reader.Header.ElementCount];
        reader.ReadData(data, cancellationToken);
        reader.EnsureEnd();
        return new IdxData<byte>(reader.Header, data);
    }

    /// <summary>Reads a whole float32 IDX file (raw or gzip).</summary>
    /// <param name="path">The file.</param>
    /// <param name="expectedRank">The number of dimensions the file must have, or null for any.</param>
    /// <param name="cancellationToken">Stops the read between chunks.</param>
    /// <returns>The header and the elements.</returns>
    /// <exception cref="InvalidDataException">The file is malformed, of another element type or rank, shorter or longer than its header says.</exception>
    public static IdxData<float> ReadFloat32(string path, int? expectedRank = null, CancellationToken cancellationToken = default)
    {
        using var reader = IdxReader.Open(path, new IdxExpectation([IdxElementType.Float32], expectedRank, null));
        var data = new float[reader.Header.ElementCount];
        reader.ReadData(data, cancellationToken);
        reader.EnsureEnd();
        return new IdxData<float>(reader.Header, data);
    }

    /// <summary>
    /// Writes an unsigned-byte IDX file atomically: to a temporary file in the same folder, then moved
    /// over <paramref name="path"/>, so a reader never sees a half-written file.
    /// </summary>
    /// <param name="path">The file to create or replace; its folder is created when missing.</param>
    /// <param name="data">The elements, row-major; their count must be the product of the dimensions.</param>
    /// <param name="dimensions">The dimensions, outermost first; 1 to 255 of them, each positive.</param>
    /// <param name="gzip">True to gzip-compress the file.</param>
    public static void Write(string path, ReadOnlySpan<byte> data, IReadOnlyList<int> dimensions, bool gzip = false)
    {
        var header = CheckForWrite(path, IdxElementType.UnsignedByte, dimensions, data.Length);
        WriteAtomically(path, header, data, gzip, static (stream, bytes) => stream.Write(bytes));
    }

    /// <summary>
    /// Writes a float32 IDX file (elements big-endian) atomically: to a temporary file in the same
    /// folder, then moved over <paramref name="path"/>.
    /// </summary>
    /// <param name="path">The file to create or replace; its folder is created when missing.</param>
    /// <param name="data">The elements, row-major; their count must be the product of the dimensions.</param>
    /// <param name="dimensions">The dimensions, outermost first; 1 to 255 of them, each positive.</param>
    /// <param name="gzip">True to gzip-compress the file.</param>
    public static void Write(string path, ReadOnlySpan<float> data, IReadOnlyList<int> dimensions, bool gzip = false)
    {
        var header = CheckForWrite(path, IdxElementType.Float32, dimensions, data.Length);
        WriteAtomically(path, header, data, gzip, static (stream, values) =>
        {
            int[] buffer = ArrayPool<int>.Shared.Rent(BufferSize / sizeof(int));
            try
            {
                var bits = MemoryMarshal.Cast<float, int>(values);
                var chunk = buffer.AsSpan(0, BufferSize / sizeof(int));
                while (!bits.IsEmpty)
                {
                    int n = Math.Min(chunk.Length, bits.Length);
                    if (BitConverter.IsLittleEndian)
                    {
                        BinaryPrimitives.ReverseEndianness(bits[..n], chunk[..n]);
                    }
                    else
                    {
                        bits[..n].CopyTo(chunk);
                    }

                    stream.Write(MemoryMarshal.AsBytes(chunk[..n]));
                    bits = bits[n..];
                }
            }
            finally
            {
                ArrayPool<int>.Shared.Return(buffer);
            }
        });
    }

    internal static int MagicOf(IdxElementType type, int rank) => ((int)type << 8) | rank;

    internal static int SizeOf(IdxElementType type) => type switch
    {
        IdxElementType.UnsignedByte => 1,
        IdxElementType.Float32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Supported element types are UnsignedByte (0x08) and Float32 (0x0D)."),
    };

    internal static string TypeName(IdxElementType type) => TypeName((int)type);

    internal static string TypeName(int typeByte) => typeByte switch
    {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => "no IDX type",
    };

    internal static string Hex(int magic) => "0x" + magic.ToString("X8", CultureInfo.InvariantCulture);

    private static IdxHeader CheckForWrite(string path, IdxElementType type, IReadOnlyList<int> dimensions, int dataLength)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Count is < 1 or > 255)
        {
            throw new ArgumentException($"An IDX file has 1 to 255 dimensions; {dimensions.Count} were given.", nameof(dimensions));
        }

        long product = 1;
        for (int i = 0; i < dimensions.Count; i++)
        {
            if (dimensions[i] <= 0)
            {
                throw new ArgumentException(FormattableString.Invariant($"Every IDX dimension must be positive; dimension {i} is {dimensions[i]}."), nameof(dimensions));
            }

            product = checked(product * dimensions[i]);
        }

        var header = new IdxHeader(type, dimensions.ToArray());
        if (product != dataLength)
        {
            throw new ArgumentException(FormattableString.Invariant(
                $"The dimensions {header.DimensionsText} promise {product:N0} elements but {dataLength:N0} were given."), nameof(dimensions));
        }

        return header;
    }

    private static void WriteHeader(Stream stream, IdxHeader header)
    {
        Span<byte> bytes = stackalloc byte[4 + (4 * header.Rank)];
        BinaryPrimitives.WriteInt32BigEndian(bytes, header.Magic);
        for (int i = 0; i < header.Rank; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes[(4 + (4 * i))..], header.Dimensions[i]);
        }

        stream.Write(bytes);
    }

    /// <summary>Writes the elements of one IDX file to a stream (a span cannot be captured by a lambda).</summary>
    private delegate void ElementWriter<T>(Stream stream, ReadOnlySpan<T> data);

    /// <summary>The one write path: temporary file, optional gzip, header, elements, flush, rename.</summary>
    private static void WriteAtomically<T>(string path, IdxHeader header, ReadOnlySpan<T> data, bool gzip, ElementWriter<T> writeElements)
    {
        string temp = AtomicFile.TemporaryPathFor(path);
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize))
            {
                Stream stream = gzip ? new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true) : file;
                try
                {
                    WriteHeader(stream, header);
                    writeElements(stream, data);
                }
                finally
                {
                    if (gzip)
                    {
                        stream.Dispose();
                    }
                }

                file.Flush(flushToDisk: true);
            }

            AtomicFile.Commit(temp, path);
        }
        catch
        {
            AtomicFile.Discard(temp);
            throw;
        }
    }
}
