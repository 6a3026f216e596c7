// Linked into each assembly that writes files (internal there): one way to write a file so that a
// reader, or a process killed mid-write, never leaves a half-written file under the final name.
namespace Robustness.IO;

/// <summary>
/// Atomic file replacement: write to a hidden temporary file in the destination's folder (same file
/// system), flush it, then rename it over the destination. A failure deletes the temporary file.
/// </summary>
internal static class AtomicFile
{
    /// <summary>A fresh hidden temporary path beside <paramref name="path"/>; creates the folder when missing.</summary>
    /// <param name="path">The destination file.</param>
    /// <returns>The temporary path, e.g. <c>folder/.name.3f2a….tmp</c>.</returns>
    public static string TemporaryPathFor(string path)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"{path} has no folder.", nameof(path));
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>Renames the finished temporary file over the destination (replacing it).</summary>
    /// <param name="temporaryPath">The written temporary file.</param>
    /// <param name="path">The destination.</param>
    public static void Commit(string temporaryPath, string path) => File.Move(temporaryPath, path, overwrite: true);

    /// <summary>Deletes a temporary file if it is still there; never throws (the original failure matters more).</summary>
    /// <param name="temporaryPath">The temporary file.</param>
    public static void Discard(string temporaryPath)
    {
        try
        {
            File.Delete(temporaryPath);
        }
        catch (IOException)
        {
            // Left behind; hidden and named *.tmp.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    /// <summary>Writes <paramref name="path"/> atomically: <paramref name="write"/> fills a temporary file, which then replaces it.</summary>
    /// <param name="path">The destination.</param>
    /// <param name="write">Writes the complete content to the path it is given (and flushes it).</param>
    public static void Write(string path, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string temporary = TemporaryPathFor(path);
        try
        {
            write(temporary);
            Commit(temporary, path);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                Discard(temporary);
            }
        }
    }
}
