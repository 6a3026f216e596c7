using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Robustness.Data;

/// <summary>What a caller expects of an IDX file: the allowed element types, the rank and what it holds.</summary>
/// <param name="ElementTypes">The element types allowed (empty: any supported type).</param>
/// <param name="Rank">The number of dimensions required, or null for any.</param>
/// <param name="Content">What the file holds ("images", "labels"), for messages; null when unknown.</param>
internal sealed record IdxExpectation(IReadOnlyList<IdxElementType> ElementTypes, int? Rank, string? Content)
{
    public static IdxExpectation Any { get; } = new([], null, null);

    public static IdxExpectation Images { get; } = new([IdxElementType.UnsignedByte, IdxElementType.Float32], 3, "images");

    public static IdxExpectation Labels { get; } = new([IdxElementType.UnsignedByte], 1, "labels");

    /// <summary>E.g. "0x00000803 (unsigned-byte images, 3 dimensions) or 0x00000D03 (float32 images, 3 dimensions)".</summary>
    public string Describe()
    {
        IReadOnlyList<IdxElementType> types = ElementTypes.Count > 0 ? ElementTypes : [IdxElementType.UnsignedByte, IdxElementType.Float32];
        return string.Join(" or ", types.Select(t =>
        {
            string what = t == IdxElementType.UnsignedByte ? "unsigned-byte" : "float32";
            what = Content is null ? what : $"{what} {Content}";
            return Rank is int r
                ? $"{IdxFile.Hex(IdxFile.MagicOf(t, r))} ({what}, {Dims(r)})"
                : $"0x0000{(int)t:X2}nn ({what}, nn dimensions)";
        }));
    }

    public static string Dims(int rank) => rank == 1 ? "1 dimension" : $"{rank} dimensions";
}

/// <summary>
/// Streams one IDX file: detects gzip from the first two bytes, checks and parses the header, then
/// reads the data straight into the caller's buffer and checks that nothing follows it.
/// </summary>
/// <remarks>
/// A gzip file may hold several members (RFC 1952: <c>cat a.gz b.gz</c>, or a parallel compressor); the decompressor
/// reads them all as one stream. The file's last 8 bytes are the trailer of its LAST member only: the CRC-32 and the size
/// S (mod 2^32) of the last S bytes of the decompressed stream, whose whole length T (header and data) the IDX header
/// gives. S = T is one member; S &lt; T is read as several (the last member's CRC-32 is then computed from offset T - S);
/// S &gt; T is refused. docs/reliability.md gives the checks.
/// </remarks>
internal sealed class IdxReader : IDisposable
{
    private const int ChunkBytes = 1 << 20;
    private readonly FileStream _file;
    private readonly Stream _stream;
    private readonly ChecksummedStream? _decompressed;
    private readonly GzipTrailer? _trailer;

    private IdxReader(string path, FileStream file, Stream stream, ChecksummedStream? decompressed, GzipTrailer? trailer)
    {
        Path = path;
        _file = file;
        _stream = stream;
        _decompressed = decompressed;
        _trailer = trailer;
        IsGzip = decompressed is not null;
        Header = null!;
    }

    public string Path { get; }

    public bool IsGzip { get; }

    public IdxHeader Header { get; private set; }

    /// <summary>
    /// Opens the file and reads its header, checking it against <paramref name="expected"/> and against the file's real size
    /// (docs/reliability.md): before any data is allocated, a raw file must be exactly as long as its header promises, and
    /// a gzip file's trailer must record at most that size (exactly it for one member, the last member's share for
    /// several) and the file must be able to hold it at deflate's largest ratio. A folder, an empty file and a FIFO or
    /// device (which report size 0) are refused without being opened.
    /// </summary>
    public static IdxReader Open(string path, IdxExpectation expected)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        RequireRegularFile(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, IdxFile.BufferSize, FileOptions.SequentialScan);
        IdxReader? reader = null;
        try
        {
            Span<byte> probe = stackalloc byte[2];
            int got = file.ReadAtLeast(probe, 2, throwOnEndOfStream: false);
            bool gzip = got == 2 && probe[0] == 0x1F && probe[1] == 0x8B;
            GzipTrailer? trailer = gzip ? GzipTrailer.Read(path, file) : null;
            file.Position = 0;
            var decompressed = gzip ? new ChecksummedStream(new GZipStream(file, CompressionMode.Decompress, leaveOpen: true)) : null;
            Stream stream = decompressed is null ? file : new BufferedStream(decompressed, IdxFile.BufferSize);
            reader = new IdxReader(path, file, stream, decompressed, trailer);
            reader.Header = reader.ReadHeader(expected);
            long total = reader.CheckDeclaredSize();

            // The last member starts T - S bytes into the stream, possibly among the bytes read ahead with the header.
            decompressed?.StartCrcAt(total - trailer!.Value.Size);

            return reader;
        }
        catch
        {
            if (reader is not null)
            {
                reader.Dispose();
            }
            else
            {
                file.Dispose();
            }

            throw;
        }
    }

    /// <summary>The smallest IDX file: a 4-byte magic and one 4-byte dimension.</summary>
    private const int SmallestFile = 8;

    /// <summary>
    /// Deflate's largest compression ratio (RFC 1951: a 258-byte match costs at least 2 bits, about 1032:1); a gzip file
    /// that would need more is lying about its content.
    /// </summary>
    private const long MaxDeflateRatio = 1032;

    private static void RequireRegularFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new InvalidDataException($"{path}: expected an IDX file, found a folder.");
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }

        // A FIFO, a character or block device and /proc files report size 0; opening a FIFO would block until a writer came.
        if (info.Length < SmallestFile)
        {
            throw new InvalidDataException(FormattableString.Invariant(
                $"{path}: expected an IDX file of at least {SmallestFile} bytes, found {info.Length} bytes{(info.Length == 0 ? " (an empty file, or no regular file: a FIFO or a device)" : "")}"));
        }
    }

    /// <summary>The header's promise against the file's size, before anything is allocated for the data.</summary>
    /// <returns>The bytes the header promises, header included (less than 2^32: the data fits in one array).</returns>
    private long CheckDeclaredSize()
    {
        long headerBytes = 4 + (4L * Header.Rank);
        long dataBytes;
        try
        {
            dataBytes = checked(Header.ElementCount * Header.ElementSize);
        }
        catch (OverflowException)
        {
            throw Bad($"expected a header whose dimensions fit in memory, found {Header.DimensionsText} {IdxFile.TypeName(Header.ElementType)}");
        }

        if (dataBytes > Array.MaxLength)
        {
            throw Bad(FormattableString.Invariant(
                $"expected at most {Array.MaxLength:N0} bytes of data (one array), found a header promising {Header.DimensionsText} {IdxFile.TypeName(Header.ElementType)} = {dataBytes:N0} bytes"));
        }

        long total = headerBytes + dataBytes;
        if (_trailer is null)
        {
            long length = _file.Length;
            if (length != total)
            {
                throw Bad(FormattableString.Invariant(
                    $"expected {total:N0} bytes ({headerBytes}-byte header and {Header.DimensionsText} {IdxFile.TypeName(Header.ElementType)} = {dataBytes:N0} bytes of data), found a file of {length:N0} bytes{(length < total ? " (truncated, or a header that promises too much)" : " (trailing bytes after the data)")}"));
            }

            return total;
        }

        // The trailer is the last member's: all T bytes for one member, the last S of them for several (S < T); never more.
        long compressed = _file.Length;
        uint recorded = _trailer.Value.Size;
        if (recorded > total)
        {
            throw Bad(FormattableString.Invariant(
                $"expected the gzip trailer to record at most the {total:N0} bytes the header promises ({Header.DimensionsText} {IdxFile.TypeName(Header.ElementType)}; fewer only for the last of several gzip members), found {recorded:N0}: the file is truncated or damaged, has bytes after the data, or its header lies"));
        }

        // With several members the trailer vouches for the last one only; deflate's ratio still bounds what the file can hold.
        if (total > MaxDeflateRatio * compressed)
        {
            throw Bad(FormattableString.Invariant(
                $"expected at most {MaxDeflateRatio} times the compressed size ({compressed:N0} bytes) after decompression, found a header promising {total:N0} bytes{(recorded < total ? $" (the gzip trailer records {recorded:N0} for its last member: the file is truncated or damaged, or its header lies)" : "")}"));
        }

        return total;
    }

    /// <summary>The last 8 bytes of a gzip file (RFC 1952): CRC-32 and size mod 2^32 of its last member's decompressed data, little-endian.</summary>
    private readonly record struct GzipTrailer(uint Crc, uint Size)
    {
        public static GzipTrailer Read(string path, FileStream file)
        {
            long length = file.Length;
            if (length < 18)
            {
                throw new InvalidDataException(FormattableString.Invariant($"{path}: expected a gzip file of at least 18 bytes (header and trailer), found {length}"));
            }

            Span<byte> bytes = stackalloc byte[8];
            file.Seek(-8, SeekOrigin.End);
            file.ReadExactly(bytes);
            return new GzipTrailer(BinaryPrimitives.ReadUInt32LittleEndian(bytes), BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]));
        }
    }

    /// <summary>Reads all unsigned-byte data into <paramref name="destination"/> (exactly ElementCount long).</summary>
    public void ReadData(Span<byte> destination, CancellationToken cancellationToken)
    {
        Require(IdxElementType.UnsignedByte, destination.Length);
        ReadBytes(destination, cancellationToken);
    }

    /// <summary>Reads all float32 data into <paramref name="destination"/> (exactly ElementCount long).</summary>
    public void ReadData(Span<float> destination, CancellationToken cancellationToken)
    {
        Require(IdxElementType.Float32, destination.Length);
        ReadBytes(MemoryMarshal.AsBytes(destination), cancellationToken);
        if (BitConverter.IsLittleEndian)
        {
            var bits = MemoryMarshal.Cast<float, int>(destination);
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }
    }

    /// <summary>Checks that the file ends right after the data its header promises.</summary>
    public void EnsureEnd()
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(IdxFile.BufferSize);
        try
        {
            // One bounded read: whatever follows the data is refused at once, however much of it there is.
            int extra = Guard(() => _stream.Read(buffer, 0, buffer.Length));
            if (extra > 0)
            {
                long bytes = Header.ElementCount * Header.ElementSize;
                throw Bad(FormattableString.Invariant(
                    $"expected the file to end after the {bytes:N0} bytes of data its header promises ({Header.DimensionsText} {IdxFile.TypeName(Header.ElementType)}), found trailing bytes after them ({extra:N0} or more)"));
            }

            CheckGzipTrailer();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        if (!ReferenceEquals(_stream, _file))
        {
            _stream.Dispose();
        }

        _file.Dispose();
    }

    private InvalidDataException Bad(string message, Exception? inner = null) => new($"{Path}: {message}", inner);

    /// <summary>The decompressor's refusal (it also checks the trailer's CRC-32 and size at the end) as one line.</summary>
    private InvalidDataException GzipDamaged(InvalidDataException e) => Bad($"not a valid gzip stream: the compressed data or its CRC/size trailer is damaged ({e.Message})", e);

    /// <summary>
    /// The gzip trailer (RFC 1952: CRC-32 and size mod 2^32 of the last member's decompressed data, little-endian, the
    /// file's last 8 bytes) against what was read: the CRC-32 of the last S bytes (all of them for one member). The
    /// decompressor checks each complete member itself, but stops without a word where the file ends early, or where bytes
    /// that are no gzip member follow; so a file cut inside its last trailer, or with bytes after it, is refused here.
    /// </summary>
    private void CheckGzipTrailer()
    {
        if (_decompressed is null)
        {
            return;
        }

        uint crc = _trailer!.Value.Crc;
        uint size = _trailer.Value.Size;
        uint actualCrc = _decompressed.Crc;
        long actualSize = _decompressed.CrcCount;
        long total = _decompressed.Count;
        if (crc == actualCrc && size == actualSize)
        {
            return;
        }

        throw Bad(size == total
            ? FormattableString.Invariant(
                $"expected the gzip trailer to match the data (CRC-32 {actualCrc:x8}, size {actualSize}), found CRC-32 {crc:x8}, size {size}: the file is truncated or damaged")
            : FormattableString.Invariant(
                $"expected the gzip trailer to match its member, the last {size:N0} of the {total:N0} bytes (CRC-32 {actualCrc:x8} over {actualSize:N0} bytes), found CRC-32 {crc:x8}: the file is truncated or damaged, or bytes follow its last gzip member"));
    }

    /// <summary>
    /// Passes reads through, counts every byte read and keeps the CRC-32 (System.IO.Hashing, vectorized) of the bytes from
    /// an offset set by <see cref="StartCrcAt"/> (the start of the last gzip member) on. Until then it keeps the bytes read
    /// (the header and one buffer read ahead with it, at most about 65 KiB), since the offset may lie among them.
    /// </summary>
    private sealed class ChecksummedStream(Stream inner) : Stream
    {
        private readonly System.IO.Hashing.Crc32 _crc = new();
        private ArrayBufferWriter<byte>? _before = new();
        private long _crcFrom = long.MaxValue;

        public long Count { get; private set; }

        /// <summary>The CRC-32 of the bytes read from the start offset on.</summary>
        public uint Crc => _crc.GetCurrentHashAsUInt32();

        /// <summary>How many bytes <see cref="Crc"/> covers.</summary>
        public long CrcCount => Math.Max(0, Count - _crcFrom);

        /// <summary>Starts the CRC-32 at decompressed offset <paramref name="offset"/> (once).</summary>
        /// <param name="offset">The offset; it may lie among the bytes already read.</param>
        public void StartCrcAt(long offset)
        {
            if (_before is null || offset < 0)
            {
                throw new InvalidOperationException(FormattableString.Invariant($"The CRC-32 starts once, at an offset of at least 0; asked for {offset}."));
            }

            _crcFrom = offset;
            if (offset < Count)
            {
                _crc.Append(_before.WrittenSpan[(int)offset..]);
            }

            _before = null;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            long start = Count;
            Count += n;
            if (_before is not null)
            {
                _before.Write(buffer[..n]);
            }
            else if (Count > _crcFrom)
            {
                _crc.Append(buffer[(int)Math.Max(0, _crcFrom - start)..n]);
            }

            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidDataException e) when (IsGzip)
        {
            throw GzipDamaged(e);
        }
    }

    private void Require(IdxElementType type, int length)
    {
        if (Header.ElementType != type || Header.ElementCount != length)
        {
            throw new InvalidOperationException($"{Path}: the reader holds {Header}, not {length} elements of {IdxFile.TypeName(type)}.");
        }
    }

    private void ReadBytes(Span<byte> destination, CancellationToken cancellationToken)
    {
        long total = destination.Length;
        long done = 0;
        while (!destination.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = destination[..Math.Min(ChunkBytes, destination.Length)];
            int got;
            try
            {
                got = _stream.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false);
            }
            catch (InvalidDataException e) when (IsGzip)
            {
                throw GzipDamaged(e);
            }

            done += got;
            if (got < chunk.Length)
            {
                string promise = Header.ElementType == IdxElementType.UnsignedByte
                    ? FormattableString.Invariant($"{Header.ElementCount:N0}")
                    : FormattableString.Invariant($"{Header.ElementCount:N0} float32 values = {total:N0} bytes");
                throw Bad(FormattableString.Invariant(
                    $"holds {done:N0} bytes of data but its header promises {Header.DimensionsText} = {promise}{(IsGzip ? " (after decompression; the file may be truncated)" : string.Empty)}"));
            }

            destination = destination[got..];
        }
    }

    private IdxHeader ReadHeader(IdxExpectation expected)
    {
        Span<byte> magicBytes = stackalloc byte[4];
        ReadHeaderBytes(magicBytes, 0, 4);
        int magic = BinaryPrimitives.ReadInt32BigEndian(magicBytes);
        int typeByte = magicBytes[2];
        int rank = magicBytes[3];
        if (magicBytes[0] != 0 || magicBytes[1] != 0)
        {
            throw Bad($"expected IDX magic {expected.Describe()}, found {IdxFile.Hex(magic)}");
        }

        if (typeByte is not ((int)IdxElementType.UnsignedByte) and not ((int)IdxElementType.Float32))
        {
            throw Bad($"expected IDX magic {expected.Describe()}, found {IdxFile.Hex(magic)}: unsupported element type 0x{typeByte:X2} ({IdxFile.TypeName(typeByte)}); supported are 0x08 (unsigned byte) and 0x0D (float32)");
        }

        var type = (IdxElementType)typeByte;
        bool typeOk = expected.ElementTypes.Count == 0 || expected.ElementTypes.Contains(type);
        bool rankOk = rank > 0 && (expected.Rank is null || expected.Rank == rank);
        if (!typeOk || !rankOk)
        {
            throw Bad($"expected IDX magic {expected.Describe()}, found {IdxFile.Hex(magic)} ({IdxFile.TypeName(type)}, {IdxExpectation.Dims(rank)})");
        }

        Span<byte> dimBytes = stackalloc byte[4 * rank];
        ReadHeaderBytes(dimBytes, 4, 4 + dimBytes.Length);
        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(dimBytes[(4 * i)..]);
            if (dims[i] <= 0)
            {
                throw Bad(FormattableString.Invariant($"expected every dimension in the header to be positive, found dimension {i} = {dims[i]}"));
            }

            count *= dims[i];
            if (count > Array.MaxLength)
            {
                throw Bad(FormattableString.Invariant(
                    $"expected at most {Array.MaxLength:N0} elements (one array), found a header promising {string.Join(" x ", dims.Take(i + 1))} or more"));
            }
        }

        return new IdxHeader(type, dims);
    }

    private void ReadHeaderBytes(Span<byte> destination, int offset, int headerLength)
    {
        int got;
        try
        {
            got = _stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e) when (IsGzip)
        {
            throw GzipDamaged(e);
        }

        if (got < destination.Length)
        {
            throw Bad($"expected a {headerLength}-byte IDX header, found the file ends after {offset + got} bytes");
        }
    }
}
