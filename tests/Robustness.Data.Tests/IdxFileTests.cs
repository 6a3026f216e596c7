using System.Security.Cryptography;
using Robustness.Tests.Shared;

namespace Robustness.Data.Tests;

public sealed class IdxFileTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [TestCase(false, "bytes.idx")]
    [TestCase(true, "bytes.idx.gz")]
    [TestCase(true, "gzip-named-raw.idx")]
    [TestCase(false, "raw-named-gzip.gz")]
    public void UnsignedBytes_RoundTrip_WhateverTheFileName(bool gzip, string name)
    {
        var data = Enumerable.Range(0, 3 * 4 * 5).Select(i => (byte)((i * 37) % 256)).ToArray();
        string path = _temp.Combine(name);

        IdxFile.Write(path, data, [3, 4, 5], gzip);
        var read = IdxFile.ReadUnsignedBytes(path, expectedRank: 3);

        var firstTwo = File.ReadAllBytes(path).Take(2).ToArray();
        Assert.That(firstTwo, gzip ? Is.EqualTo(new byte[] { 0x1F, 0x8B }) : Is.EqualTo(new byte[] { 0x00, 0x00 }));
        Assert.That(read.Header, Is.EqualTo(new IdxHeader(IdxElementType.UnsignedByte, [3, 4, 5])));
        Assert.That(read.Header.Magic, Is.EqualTo(0x00000803));
        Assert.That(read.Data.ToArray(), Is.EqualTo(data));
        Assert.That(IdxFile.ReadHeader(path).Dimensions, Is.EqualTo(new[] { 3, 4, 5 }));
    }

    [TestCase(false, "floats.idx")]
    [TestCase(true, "floats.idx.gz")]
    [TestCase(true, "floats.idx")]
    [TestCase(false, "floats.gz")]
    public void Float32_RoundTrip_BitExact(bool gzip, string name)
    {
        float[] data = [0f, 1f, -0f, 0.1f, 1e-30f, float.Epsilon, 3.4028235e38f, float.NaN, float.NegativeInfinity, 0.5f, 1f / 3f, 123.456f];
        string path = _temp.Combine(name);

        IdxFile.Write(path, data, [2, 6], gzip);
        var read = IdxFile.ReadFloat32(path);

        Assert.That(read.Header.ElementType, Is.EqualTo(IdxElementType.Float32));
        Assert.That(read.Header.Magic, Is.EqualTo(0x00000D02));
        Assert.That(read.Data.ToArray().Select(BitConverter.SingleToInt32Bits), Is.EqualTo(data.Select(BitConverter.SingleToInt32Bits)));
    }

    [TestCase(1)]
    [TestCase(4)]
    [TestCase(8)]
    [TestCase(9)]
    public void Gzip_CutInsideItsTrailer_IsRefused(int missing)
    {
        string path = System.IO.Path.Combine(_temp.Path, "cut.idx.gz");
        byte[] data = [.. Enumerable.Range(0, 600).Select(i => (byte)(i * 7))];
        IdxFile.Write(path, data, [6, 10, 10], gzip: true);
        Assert.That(IdxFile.ReadUnsignedBytes(path).Data.ToArray(), Is.EqualTo(data), "whole, it reads");
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^missing]);

        Assert.That(() => IdxFile.ReadUnsignedBytes(path), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith(path));
    }

    [Test]
    public void Gzip_WithAWrongChecksum_IsRefused()
    {
        string path = System.IO.Path.Combine(_temp.Path, "crc.idx.gz");
        IdxFile.Write(path, [1, 2, 3, 4], [4], gzip: true);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^8] ^= 0xFF; // the CRC-32's low byte
        File.WriteAllBytes(path, bytes);

        // The decompressor itself notices a wrong CRC in a complete trailer; the trailer check covers a cut one.
        Assert.That(() => IdxFile.ReadUnsignedBytes(path), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith(path).And.Message.Contains("gzip"));
    }

    /// <summary>
    /// Several gzip members (RFC 1952; <c>cat a.gz b.gz</c>, parallel compressors) are one stream: split the IDX bytes anywhere,
    /// inside the header too, compress each part on its own, concatenate, and the file reads like the one-member file.
    /// </summary>
    [TestCase(6, 2)] // inside the magic
    [TestCase(6, 5)] // inside the first dimension
    [TestCase(6, 16)] // right after the header
    [TestCase(6, 0, 1000)] // an empty first member
    [TestCase(6, 10, 2000, 4000)] // four members
    [TestCase(6, 4720)] // an empty last member: its trailer records 0 bytes
    [TestCase(1400, 12, 700_000)] // data over the 1 MiB read chunk
    [TestCase(1400, 1_048_592 - 3, 1_048_592 + 3)] // members around the chunk's end
    public void Gzip_OfSeveralMembers_ReadsByteIdenticalToTheOneMemberFile(int images, params int[] cuts)
    {
        byte[] raw = ImagesIdx(images);
        string one = _temp.Write("one.gz", raw, gzip: true);
        string several = _temp.Write("several.gz", GzipMembers(raw, cuts));

        var expected = IdxFile.ReadUnsignedBytes(one, 3);
        var read = IdxFile.ReadUnsignedBytes(several, 3);

        Assert.That(read.Header, Is.EqualTo(expected.Header));
        Assert.That(read.Data.ToArray(), Is.EqualTo(expected.Data.ToArray()));
        Assert.That(read.Data.ToArray(), Is.EqualTo(raw[16..]));
        Assert.That(IdxFile.ReadHeader(several), Is.EqualTo(expected.Header));
    }

    [Test]
    public void Gzip_OfSeveralFloat32Members_ReadsBitExact()
    {
        float[] values = [.. Enumerable.Range(0, 300).Select(i => i / 7f)];
        string one = _temp.Combine("one.gz");
        IdxFile.Write(one, values, [3, 10, 10], gzip: true);
        string several = _temp.Write("several.gz", GzipMembers(TestBytes.Gunzip(File.ReadAllBytes(one)), 7, 500));

        var read = IdxFile.ReadFloat32(several, 3);

        Assert.That(read.Data.ToArray().Select(BitConverter.SingleToInt32Bits), Is.EqualTo(values.Select(BitConverter.SingleToInt32Bits)));
    }

    /// <summary>The decompressor reads the members up to the end of the file and says nothing when it ends inside the last trailer; the trailer check does.</summary>
    [Test]
    public void Gzip_OfSeveralMembers_CutInsideItsLastTrailer_IsRefused([Range(1, 8)] int missing)
    {
        byte[] file = GzipMembers(ImagesIdx(6), 5, 3000);
        string whole = _temp.Write("whole.gz", file);
        Assert.That(IdxFile.ReadUnsignedBytes(whole).Data.ToArray(), Is.EqualTo(ImagesIdx(6)[16..]), "whole, it reads");
        string path = _temp.Write("cut.gz", file[..^missing]);

        Assert.That(() => IdxFile.ReadUnsignedBytes(path), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith(path + ": expected the gzip trailer"));
    }

    /// <summary>One byte of the last member altered (its compressed data, its CRC-32, its size) is refused, wherever it is.</summary>
    [TestCase(0.1)]
    [TestCase(0.5)]
    [TestCase(0.9)]
    [TestCase(-8)] // the CRC-32's low byte
    [TestCase(-1)] // the size's high byte
    public void Gzip_OfSeveralMembers_WithOneAlteredByteInItsLastMember_IsRefused(double where)
    {
        byte[] raw = ImagesIdx(6);
        byte[] first = GzipMembers(raw[..2000]);
        byte[] file = GzipMembers(raw, 2000);
        int lastMember = first.Length;
        int at = where < 0 ? file.Length + (int)where : lastMember + 10 + (int)(where * (file.Length - lastMember - 18));
        file[at] ^= 0xFF;
        string path = _temp.Write("altered.gz", file);

        Assert.That(() => IdxFile.ReadUnsignedBytes(path), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith(path + ": "));
    }

    /// <summary>The decompressor stops silently at bytes that start no gzip member; when they look like a trailer of fewer bytes, its CRC-32 gives them away.</summary>
    [Test]
    public void Gzip_WithBytesAfterItsLastMember_IsRefused()
    {
        byte[] file = [.. GzipMembers(ImagesIdx(6), 3000), 0xEF, 0xBE, 0xAD, 0xDE, 10, 0, 0, 0];
        string path = _temp.Write("trailing.gz", file);

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.ReadUnsignedBytes(path));

        Assert.That(ex.Message, Does.StartWith(path + ": expected the gzip trailer to match its member, the last 10 of the 4,720 bytes (CRC-32 ")
            .And.EndWith("found CRC-32 deadbeef: the file is truncated or damaged, or bytes follow its last gzip member"));
    }

    /// <summary>
    /// A real parallel compressor's output: pigz writes one member per run (checked with pigz 2.6: <c>-b 32</c> and
    /// <c>--independent</c> give many deflate blocks in one member), with the file name and time in each member's header;
    /// several runs concatenated are several members, as <c>cat a.gz b.gz</c> makes them.
    /// </summary>
    [Test]
    public void Gzip_WrittenByPigz_InSeveralMembers_ReadsLikeTheRawFile()
    {
        string pigz = RequirePigz();
        byte[] raw = ImagesIdx(500);
        int[] cuts = [7, 150_000, 300_000];
        var parts = new List<byte[]>();
        int start = 0;
        foreach (int end in cuts.Append(raw.Length))
        {
            string part = _temp.Write($"part-{start}", raw[start..end]);
            RunPigz(pigz, "-b", "32", part);
            parts.Add(File.ReadAllBytes(part + ".gz"));
            start = end;
        }

        Assert.That(parts.Select(p => p[3] & 0x08), Is.All.EqualTo(0x08), "pigz stored the file name (FNAME) in every member's header");
        string path = _temp.Write("pigz.gz", [.. parts.SelectMany(p => p)]);

        var read = IdxFile.ReadUnsignedBytes(path, 3);

        Assert.That(read.Header.Dimensions, Is.EqualTo(new[] { 500, 28, 28 }));
        Assert.That(read.Data.ToArray(), Is.EqualTo(raw[16..]));
    }

    [Test]
    public void Float32_IsWrittenBigEndian()
    {
        string path = _temp.Combine("one.idx");

        IdxFile.Write(path, [1.0f], [1]);

        // 0x00000D01, dimension 1, then 1.0f = 0x3F800000 big-endian.
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3F, 0x80, 0, 0 }));
    }

    [Test]
    public void Write_ReplacesExistingFile_AndLeavesNoTemporaryFile()
    {
        string path = _temp.Combine("labels.idx");
        File.WriteAllText(path, "old content that is not IDX");

        IdxFile.Write(path, [1, 2, 3], [3]);

        Assert.That(IdxFile.ReadUnsignedBytes(path).Data.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(Directory.GetFiles(_temp.Path), Is.EquivalentTo(new[] { path }));
    }

    /// <summary>Every atomic write removes what an interrupted write of the same file left (a process killed before its rename).</summary>
    [Test]
    public void Write_RemovesTheTemporariesOfAnInterruptedWriteOfTheSameFile_Only()
    {
        string path = _temp.Combine("labels.idx");
        string leftover = _temp.Combine($".labels.idx.{new string('0', 32)}.tmp");
        string other = _temp.Combine($".images.idx.{new string('0', 32)}.tmp");
        File.WriteAllText(leftover, "half");
        File.WriteAllText(other, "half");

        IdxFile.Write(path, [1, 2, 3], [3]);

        Assert.That(Directory.GetFiles(_temp.Path), Is.EquivalentTo(new[] { path, other }));
    }

    [Test]
    public void Write_Throws_WhenDataDoesNotMatchDimensions()
    {
        var ex = Assert.Throws<ArgumentException>(() => IdxFile.Write(_temp.Combine("x.idx"), new byte[5], [2, 3]));
        Assert.That(ex.Message, Does.Contain("2 x 3").And.Contain("6").And.Contain("5"));
        Assert.That(Directory.GetFiles(_temp.Path), Is.Empty);
    }

    [Test]
    public void Reader_Throws_WhenMagicIsWrong()
    {
        string path = _temp.Write("t10k-images-idx3-ubyte.gz", [0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1], gzip: true);

        var ex = Assert.Throws<InvalidDataException>(() => IdxDataset.LoadImageSet(path, WriteLabels(1), "x"));

        Assert.That(ex.Message, Does.StartWith(path + ": expected IDX magic 0x00000803 (unsigned-byte images, 3 dimensions)"));
        Assert.That(ex.Message, Does.EndWith("found 0x12345678"));
    }

    [Test]
    public void Reader_Throws_WhenElementTypeIsUnsupported()
    {
        string path = _temp.Write("ints.idx", IdxBytes.Concat(IdxBytes.Header(0x0C, 2), new byte[8]));

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.ReadHeader(path));

        Assert.That(ex.Message, Does.StartWith(path + ": expected IDX magic"));
        Assert.That(ex.Message, Does.Contain("found 0x00000C01").And.Contain("int32").And.Contain("unsupported element type 0x0C"));
    }

    [Test]
    public void Reader_Throws_WhenRankIsWrong()
    {
        string path = _temp.Write("labels-as-images.idx", IdxBytes.Concat(IdxBytes.Header(0x08, 4), [1, 2, 3, 4]));

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.ReadUnsignedBytes(path, expectedRank: 3));

        Assert.That(ex.Message, Is.EqualTo(path + ": expected IDX magic 0x00000803 (unsigned-byte, 3 dimensions), found 0x00000801 (unsigned byte, 1 dimension)"));
    }

    [Test]
    public void Reader_Throws_WhenElementTypeIsNotTheExpectedOne()
    {
        string path = _temp.Combine("floats.idx");
        IdxFile.Write(path, [0.5f], [1]);

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.ReadUnsignedBytes(path));

        Assert.That(ex.Message, Does.StartWith(path + ": expected IDX magic 0x000008nn").And.EndWith("found 0x00000D01 (float32, 1 dimension)"));
    }

    [TestCase(0)]
    [TestCase(-5)]
    public void Reader_Throws_WhenDimensionIsNotPositive(int dimension)
    {
        string path = _temp.Write("zero.idx", IdxBytes.Header(0x08, 3, dimension, 2));

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.ReadUnsignedBytes(path));

        Assert.That(ex.Message, Is.EqualTo($"{path}: expected every dimension in the header to be positive, found dimension 1 = {dimension}"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Reader_Throws_WhenDataIsShorterThanHeaderPromises(bool gzip)
    {
        string path = _temp.Write("t10k-images-idx3-ubyte", IdxBytes.Concat(IdxBytes.Header(0x08, 10000, 28, 28), new byte[3000]), gzip);

        long before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.ReadUnsignedBytes(path, 3));

        // Refused from the file's size (raw), or (gzip) because a trailer that records less than the header promises is
        // at best the last of several members, and the few compressed bytes cannot hold 7.8 MB at deflate's largest ratio.
        Assert.That(ex.Message, gzip
            ? Does.StartWith(path + ": expected at most 1032 times the compressed size (")
                .And.EndWith("found a header promising 7,840,016 bytes (the gzip trailer records 3,016 for its last member: the file is truncated or damaged, or its header lies)")
            : Does.StartWith(path + ": expected 7,840,016 bytes (16-byte header and 10000 x 28 x 28 unsigned byte = 7,840,000 bytes of data), found a file of 3,016 bytes (truncated"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20), "nothing allocated for the data");
    }

    /// <summary>A trailer recording less than the header promises is read as the last of several members; the data then runs short.</summary>
    [Test]
    public void Reader_ReportsShortData_WhenTheGzipTrailerRecordsLessThanTheHeaderPromises()
    {
        var data = new byte[3000];
        new Random(5).NextBytes(data);
        string path = _temp.Write("short.gz", IdxBytes.Concat(IdxBytes.Header(0x08, 100, 10, 10), data), gzip: true);

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.ReadUnsignedBytes(path));

        Assert.That(ex.Message, Is.EqualTo(path + ": holds 3,000 bytes of data but its header promises 100 x 10 x 10 = 10,000 (after decompression; the file may be truncated)"));
    }

    [Test]
    public void Reader_Throws_WhenFloatDataIsShort()
    {
        string path = _temp.Write("f.idx", IdxBytes.Concat(IdxBytes.Header(0x0D, 2, 3), new byte[10]));

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.ReadFloat32(path));

        Assert.That(ex.Message, Is.EqualTo(path + ": expected 36 bytes (12-byte header and 2 x 3 float32 = 24 bytes of data), found a file of 22 bytes (truncated, or a header that promises too much)"));
    }

    [Test]
    public void Reader_Throws_WhenHeaderIsCut()
    {
        string path = _temp.Write("cut.idx", IdxBytes.Header(0x08, 10000, 28, 28)[..9]);

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.ReadHeader(path));

        Assert.That(ex.Message, Is.EqualTo(path + ": expected a 16-byte IDX header, found the file ends after 9 bytes"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Reader_Throws_WhenTrailingBytesFollowTheData(bool gzip)
    {
        string path = _temp.Write("long.idx", IdxBytes.Concat(IdxBytes.Header(0x08, 2, 2), [1, 2, 3, 4, 5, 6, 7]), gzip);

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.ReadUnsignedBytes(path));

        Assert.That(ex.Message, Is.EqualTo(path + (gzip
            ? ": expected the gzip trailer to record at most the 16 bytes the header promises (2 x 2 unsigned byte; fewer only for the last of several gzip members), found 19: the file is truncated or damaged, has bytes after the data, or its header lies"
            : ": expected 16 bytes (12-byte header and 2 x 2 unsigned byte = 4 bytes of data), found a file of 19 bytes (trailing bytes after the data)")));
    }

    [Test]
    public void Reader_Throws_WhenGzipStreamIsGarbage()
    {
        var bytes = new byte[200];
        bytes[0] = 0x1F;
        bytes[1] = 0x8B;
        for (int i = 2; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 97);
        }

        string path = _temp.Write("garbage.idx.gz", bytes);

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.ReadUnsignedBytes(path));

        Assert.That(ex.Message, Does.StartWith(path + ": not a valid gzip stream: "));
        Assert.That(ex.InnerException, Is.InstanceOf<InvalidDataException>());
    }

    /// <summary>Garbage whose first bytes still inflate to something: the header is read with a buffer read ahead, so the damage is met first.</summary>
    [Test]
    public void Reader_CallsGarbageAfterAGzipHeader_NotAValidGzipStream_RatherThanAWrongMagic()
    {
        string path = _temp.Write("t10k-images-idx3-ubyte.gz", [0x1F, 0x8B, 0x08, 0x00, .. Enumerable.Range(0, 4000).Select(i => (byte)(i * 7919 % 251))]);

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.ReadUnsignedBytes(path, 3));

        Assert.That(ex.Message, Does.StartWith(path + ": not a valid gzip stream: "));
    }

    [Test]
    public void Reader_ReportsShortData_WhenGzipIsTruncated()
    {
        string full = _temp.Write("full.gz", IdxBytes.Concat(IdxBytes.Header(0x08, 100, 28, 28), Enumerable.Range(0, 78400).Select(i => (byte)(i * 31 % 251)).ToArray()), gzip: true);
        var bytes = File.ReadAllBytes(full);
        string path = _temp.Write("cut.gz", bytes[..(bytes.Length / 2)]);

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.ReadUnsignedBytes(path));

        Assert.That(ex.Message, Does.StartWith(path + ": "));
        Assert.That(ex.Message, Does.Contain("the file is truncated or damaged"));
    }

    /// <summary>A gzip file whose trailer was made to agree with a lying header still fails in the stream (the decompressor checks the trailer).</summary>
    [TestCase(3000)]
    [TestCase(10_100)]
    public void Reader_Throws_InTheStream_WhenAGzipTrailerAgreesWithALyingHeader(int dataBytes)
    {
        var random = new Random(5);
        var data = new byte[dataBytes];
        random.NextBytes(data);
        string path = _temp.Write("lying.gz", IdxBytes.Concat(IdxBytes.Header(0x08, 100, 10, 10), data), gzip: true);
        byte[] bytes = File.ReadAllBytes(path);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), 16 + 10_000);
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.ReadUnsignedBytes(path));

        Assert.That(ex.Message, Does.StartWith(path + ": not a valid gzip stream: the compressed data or its CRC/size trailer is damaged"));
    }

    [Test]
    public void Reader_RefusesAHeaderPromisingMoreThanOneArray_BeforeAllocating()
    {
        // The hostile case: 10000 x 460 x 460 float32 = 8.5 GB declared by a 20-byte file (it once ended in an OverflowException).
        string path = _temp.Write("huge.idx", IdxBytes.Concat(IdxBytes.Header(0x0D, 10000, 460, 460), new byte[4]));
        long before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.ReadFloat32(path));

        Assert.That(ex.Message, Is.EqualTo(path + ": expected at most 2,147,483,591 bytes of data (one array), found a header promising 10000 x 460 x 460 float32 = 8,464,000,000 bytes"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20), "nothing allocated for the data");
    }

    [Test]
    public void Reader_RefusesAGzipFileThatWouldNeedMoreThanDeflatesLargestRatio()
    {
        // 2 G labels declared, the trailer patched to agree, in a file of 200 KB (the decompressor meets the trailer only at the end).
        var data = new byte[200_000];
        new Random(3).NextBytes(data);
        string path = _temp.Write("labels.gz", IdxBytes.Concat(IdxBytes.Header(0x08, 2_000_000_000), data), gzip: true);
        byte[] bytes = File.ReadAllBytes(path);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), 8 + 2_000_000_000);
        File.WriteAllBytes(path, bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.ReadUnsignedBytes(path));

        Assert.That(ex.Message, Does.StartWith(path + ": expected at most 1032 times the compressed size").And.Contain("2,000,000,008 bytes"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20), "nothing allocated for the data");
    }

    [Test]
    public void Reader_RefusesAFolderAnEmptyFileAndAFifo_WithoutBlocking()
    {
        string folder = _temp.Combine("a-folder");
        Directory.CreateDirectory(folder);
        Assert.That(() => IdxFile.ReadHeader(folder), Throws.TypeOf<InvalidDataException>().With.Message.EqualTo(folder + ": expected an IDX file, found a folder."));
        string empty = _temp.Write("empty.idx", []);
        Assert.That(() => IdxFile.ReadHeader(empty), Throws.TypeOf<InvalidDataException>().With.Message.StartWith(empty + ": expected an IDX file of at least 8 bytes, found 0 bytes"));
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string fifo = _temp.Combine("images.fifo");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
            Assert.That(mkfifo.ExitCode, Is.Zero, "mkfifo");
        }

        var read = Task.Run(() => IdxFile.ReadHeader(fifo));
        Assert.That(Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(20))).Result, Is.SameAs(read), "the read returned instead of blocking on the FIFO");
        Assert.That(read.Exception?.InnerException, Is.TypeOf<InvalidDataException>().And.Message.Contains("no regular file: a FIFO or a device"));
    }

    [Test]
    public void LoadImageSet_Throws_WhenLabelCountDiffersFromImageCount()
    {
        string images = _temp.Combine("images.idx");
        IdxFile.Write(images, new byte[3 * 2 * 2], [3, 2, 2]);
        string labels = WriteLabels(4);

        var ex = Assert.Throws<InvalidDataException>(() => IdxDataset.LoadImageSet(images, labels, "x"));

        Assert.That(ex.Message, Is.EqualTo($"{labels}: expected one label per image of {images} (3 images), found a header promising 4 labels"));
    }

    [Test]
    public void LoadImageSet_Throws_WhenLabelIsOutOfRange()
    {
        var raw = new byte[400];
        raw[345] = 12;
        string labels = _temp.Combine("labels.idx.gz");
        IdxFile.Write(labels, raw, [400], gzip: true);
        string images = _temp.Combine("images.idx");
        IdxFile.Write(images, new byte[400], [400, 1, 1]);

        var ex = Assert.Throws<InvalidDataException>(() => IdxDataset.LoadImageSet(images, labels, "x"));

        Assert.That(ex.Message, Does.StartWith($"{labels}: label 12 at index 345 is outside 0..9"));
    }

    [Test]
    public void LoadImageSet_Throws_WhenFloatPixelIsOutsideUnitInterval()
    {
        string images = _temp.Combine("images.idx");
        IdxFile.Write(images, [0f, 0.5f, 1f, 1.5f, 0f, 0f, 0f, 0f], [2, 2, 2]);

        var ex = Assert.Throws<InvalidDataException>(() => IdxDataset.LoadImageSet(images, WriteLabels(2), "x"));

        Assert.That(ex.Message, Is.EqualTo($"{images}: expected every pixel within [0, 1], found 1.5 at pixel 3 (image 0, row 1, column 1)"));
    }

    [Test]
    public void ImageSet_RoundTrips_AsFloat32AndAsBytes()
    {
        var bytePixels = Enumerable.Range(0, 5 * 3 * 2).Select(i => (i * 53 % 256) / 255f).ToArray();
        var set = ImageSet.Create("s", bytePixels, [0, 1, 2, 1, 0], 3, 2, 3);
        var sub = set.Subset([4, 2, 0]);

        foreach (var type in new[] { IdxElementType.UnsignedByte, IdxElementType.Float32 })
        {
            foreach (bool gzip in new[] { false, true })
            {
                string images = _temp.Combine($"i-{type}-{gzip}"), labels = _temp.Combine($"l-{type}-{gzip}");
                IdxDataset.SaveImageSet(sub, images, labels, type, gzip);
                var back = IdxDataset.LoadImageSet(images, labels, "back", classCount: 3);

                Assert.That(IdxFile.ReadHeader(images).ElementType, Is.EqualTo(type));
                Assert.That(back.Labels.ToArray(), Is.EqualTo(new[] { 0, 2, 0 }));
                var expected = new float[sub.Count * sub.PixelsPerImage];
                sub.CopyPixelsTo(expected);
                var actual = new float[back.Count * back.PixelsPerImage];
                back.CopyPixelsTo(actual);
                Assert.That(actual, Is.EqualTo(expected), $"{type}, gzip {gzip}");
            }
        }
    }

    [Test]
    public void SaveImageSet_RefusesBytes_WhenAPixelIsNotAMultipleOfOne255th()
    {
        var set = ImageSet.Create("noisy", [0f, 0.5f, 1f, 0.25f], [0], 2, 2, 10);

        var ex = Assert.Throws<ArgumentException>(() => IdxDataset.SaveImageSet(set, _temp.Combine("i"), _temp.Combine("l"), IdxElementType.UnsignedByte, false));

        Assert.That(ex.Message, Does.Contain("pixel 1").And.Contain("0.5").And.Contain("Float32"));
        Assert.That(Directory.GetFiles(_temp.Path), Is.Empty);
    }

    [Test]
    public void RealMnistTestSet_LoadsWithKnownCountsAndFirstLabel()
    {
        var set = MnistTestSet.Load();

        Assert.That(set.Count, Is.EqualTo(10_000));
        Assert.That(set.Height, Is.EqualTo(28));
        Assert.That(set.Width, Is.EqualTo(28));
        Assert.That(set.ClassCounts, Is.EqualTo(MnistTestSet.ClassCounts));
        Assert.That(set.GetLabel(0), Is.EqualTo(7));
        var pixels = new float[set.Count * set.PixelsPerImage];
        set.CopyPixelsTo(pixels);
        Assert.That(pixels.Min(), Is.EqualTo(0f));
        Assert.That(pixels.Max(), Is.EqualTo(1f));
        Assert.That(pixels.Count(p => p > 0), Is.GreaterThan(1_000_000));
    }

    [Test]
    public void RealMnistFiles_ReadAndRewritten_MatchPublishedMd5OfDecompressedFiles()
    {
        string folder = TestData.MnistFolder;
        var sums = File.ReadAllLines(Path.Combine(folder, "MD5SUMS.decompressed"))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(p => p[1], p => p[0]);
        Assert.That(sums.Keys, Is.SupersetOf(new[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-labels-idx1-ubyte" }));

        foreach (var (name, expectedMd5) in sums)
        {
            string source = Path.Combine(folder, name + ".gz");
            var read = IdxFile.ReadUnsignedBytes(source);
            string copy = _temp.Combine(name);
            IdxFile.Write(copy, read.Data.Span, read.Header.Dimensions, gzip: false);

            Assert.That(Md5(File.ReadAllBytes(copy)), Is.EqualTo(expectedMd5), name);
        }

        // And through ImageSet: bytes -> k/255f -> bytes loses nothing.
        var set = MnistTestSet.Load();
        string images = _temp.Combine("images"), labels = _temp.Combine("labels");
        IdxDataset.SaveImageSet(set, images, labels, IdxElementType.UnsignedByte, gzip: false);
        Assert.That(Md5(File.ReadAllBytes(images)), Is.EqualTo(sums["t10k-images-idx3-ubyte"]));
        Assert.That(Md5(File.ReadAllBytes(labels)), Is.EqualTo(sums["t10k-labels-idx1-ubyte"]));
    }

    [Test]
    public void RealMnistTrainLabels_LoadWithPublishedClassCounts()
    {
        var labels = IdxDataset.LoadLabels(TestData.Mnist("train-labels-idx1-ubyte.gz"));

        Assert.That(labels, Has.Length.EqualTo(60_000));
        var counts = Enumerable.Range(0, 10).Select(c => labels.Count(l => l == c)).ToArray();
        Assert.That(counts, Is.EqualTo(new[] { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 }));
        Assert.That(labels[0], Is.EqualTo(5));
    }

    [Test]
    public void FashionMnist_LoadsTrainAndTestBalanced()
    {
        string folder = TestData.FashionMnistFolder;

        var train = IdxDataset.LoadImageSet(Path.Combine(folder, "train-images-idx3-ubyte.gz"), Path.Combine(folder, "train-labels-idx1-ubyte.gz"), "fashion/train");
        var test = IdxDataset.LoadImageSet(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), "fashion/test");

        Assert.That(train.Count, Is.EqualTo(60_000));
        Assert.That(train.ClassCounts, Is.All.EqualTo(6_000));
        Assert.That(test.Count, Is.EqualTo(10_000));
        Assert.That(test.ClassCounts, Is.All.EqualTo(1_000));
        Assert.That(train.ImbalanceDegree(), Is.Zero);
    }

    private static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    /// <summary>An unsigned-byte images IDX file (header and data) of <paramref name="count"/> 28x28 images, with image-like runs of zeros.</summary>
    private static byte[] ImagesIdx(int count)
    {
        var data = new byte[count * 28 * 28];
        new Random(count).NextBytes(data);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (i % 28) is < 6 or > 21 ? (byte)0 : data[i];
        }

        return IdxBytes.Concat(IdxBytes.Header(0x08, count, 28, 28), data);
    }

    /// <summary>The bytes cut at <paramref name="cuts"/> (ascending), each part compressed as one gzip member, concatenated.</summary>
    private static byte[] GzipMembers(byte[] raw, params int[] cuts)
    {
        int[] bounds = [0, .. cuts, raw.Length];
        return [.. bounds.Zip(bounds.Skip(1)).SelectMany(part => TestBytes.Gzip(raw[part.First..part.Second]))];
    }

    /// <summary>pigz on PATH; outside CI its absence ignores the test with the reason, under CI=true it fails it (.ci/run installs pigz).</summary>
    private static string RequirePigz()
    {
        string? pigz = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "pigz"))
            .FirstOrDefault(File.Exists);
        if (pigz is null)
        {
            const string Why = "Needs pigz on PATH (apt-get install -y pigz; .ci/run installs it): the test reads a real parallel compressor's members.";
            if (TestData.InCi)
            {
                Assert.Fail(Why);
            }

            Assert.Ignore(Why);
        }

        return pigz!;
    }

    private static void RunPigz(string pigz, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(pigz) { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"pigz {string.Join(' ', args)}: {error}");
    }

    private string WriteLabels(int count)
    {
        string path = _temp.Combine($"labels-{count}.idx");
        IdxFile.Write(path, new byte[count], [count]);
        return path;
    }
}
