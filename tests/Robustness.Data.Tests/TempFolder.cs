using System.Buffers.Binary;
using System.IO.Compression;

namespace Robustness.Data.Tests;

/// <summary>A fresh temporary folder per test, deleted afterwards, with helpers to write IDX bytes by hand.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "robustness-data-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes the bytes, gzip-compressed when asked, and returns the path.</summary>
    public string Write(string name, byte[] bytes, bool gzip = false)
    {
        string path = File(name);
        if (gzip)
        {
            using var file = System.IO.File.Create(path);
            using var zip = new GZipStream(file, CompressionLevel.Fastest);
            zip.Write(bytes);
        }
        else
        {
            System.IO.File.WriteAllBytes(path, bytes);
        }

        return path;
    }

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

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
