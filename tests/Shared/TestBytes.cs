using System.IO.Compression;
using System.Security.Cryptography;

namespace Robustness.Tests.Shared;

/// <summary>Byte helpers of the data tests: gzip in memory, MD5 as the MNIST checksums write it, executable scripts.</summary>
internal static class TestBytes
{
    /// <summary>One gzip member of <paramref name="data"/>.</summary>
    public static byte[] Gzip(byte[] data)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return memory.ToArray();
    }

    /// <summary>The decompressed bytes of a gzip stream (every member).</summary>
    public static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

#pragma warning disable CA5351 // MD5 identifies files here, not security.
    /// <summary>Lower-case hex MD5.</summary>
    public static string Md5(byte[] data) => Convert.ToHexStringLower(MD5.HashData(data));
#pragma warning restore CA5351

    /// <summary>Writes an executable <c>/bin/sh</c> script <paramref name="name"/> into <paramref name="folder"/> (created).</summary>
    public static string Script(string folder, string name, string body)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
