// Linked into each assembly that writes files (internal there): one way to write a file so that a
// reader, or a process killed mid-write, never leaves a half-written file under the final name.
using System.Text.RegularExpressions;

namespace Robustness.IO;

/// <summary>
/// Atomic file replacement: write to a hidden temporary file in the destination's folder (same file
/// system), flush it, then rename it over the destination. A failure deletes the temporary file.
/// </summary>
internal static partial class AtomicFile
{
    /// <summary>A fresh hidden temporary path beside <paramref name="path"/>; creates the folder when missing.</summary>
    /// <param name="path">The destination file.</param>
    /// <returns>The temporary path, e.g. <c>folder/.name.3f2a….tmp</c>.</returns>
    public static string TemporaryPathFor(string path)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"{path} has no folder.", nameof(path));
        Directory.CreateDirectory(folder);
        RemoveStale(folder, Path.GetFileName(full));
        return Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>
    /// Removes the temporaries a killed process left in <paramref name="folder"/>: hidden <c>.NAME.&lt;32 hex&gt;.tmp</c> files
    /// and folders (writes never renamed) and <c>.NAME.&lt;32 hex&gt;.old</c> folders (replaced folders never deleted), all of
    /// <paramref name="name"/>'s when it is given, else every one. Writing a target removes its own leftovers first, so they
    /// never pile up (docs/reliability.md); a leftover that cannot be removed is left (it is hidden and harmless).
    /// </summary>
    /// <param name="folder">The folder.</param>
    /// <param name="name">The target's file or folder name, or null for all targets.</param>
    /// <returns>The paths removed.</returns>
    public static IReadOnlyList<string> RemoveStale(string folder, string? name = null)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var removed = new List<string>();
        foreach (string entry in Directory.EnumerateFileSystemEntries(folder, name is null ? ".*" : $".{name}.*"))
        {
            var match = LeftoverName().Match(Path.GetFileName(entry));
            if (!match.Success || (name is not null && match.Groups["name"].Value != name))
            {
                continue;
            }

            try
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }

                removed.Add(entry);
            }
            catch (IOException)
            {
                // Another process may hold it; it stays hidden.
            }
            catch (UnauthorizedAccessException)
            {
                // As above.
            }
        }

        return removed;
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

    /// <summary>A fresh hidden temporary folder beside <paramref name="folder"/> (its own leftovers removed first), for content to publish with <see cref="ReplaceEntries"/>.</summary>
    /// <param name="folder">The destination folder.</param>
    /// <returns>The created temporary folder, e.g. <c>parent/.report.3f2a….tmp</c>.</returns>
    public static string TemporaryFolderFor(string folder)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        string parent = Path.GetDirectoryName(full) ?? throw new ArgumentException($"{folder} has no parent folder.", nameof(folder));
        Directory.CreateDirectory(parent);
        RemoveStale(parent, Path.GetFileName(full));
        string temporary = Path.Combine(parent, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temporary);
        return temporary;
    }

    /// <summary>
    /// Publishes a finished temporary folder's entries into <paramref name="folder"/> as one set: every entry of
    /// <paramref name="owned"/> the folder holds (the previous set, whether or not the new one has it) is first moved aside into a
    /// hidden <c>.old</c> folder, then the new entries are moved in and the old folder is deleted. Entries of the folder that
    /// are not owned (a result store beside a report) are never touched. A crash in between leaves a folder with some of
    /// the new entries and none of the old ones, never a mix of two sets, and the hidden folders are removed by the next
    /// publish.
    /// </summary>
    /// <param name="temporaryFolder">The folder from <see cref="TemporaryFolderFor"/>, complete.</param>
    /// <param name="folder">The destination folder (created when absent).</param>
    /// <param name="owned">The names (files or folders) that make up one set.</param>
    public static void ReplaceEntries(string temporaryFolder, string folder, IReadOnlyCollection<string> owned)
    {
        ArgumentNullException.ThrowIfNull(owned);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        Directory.CreateDirectory(full);
        string parent = Path.GetDirectoryName(full)!;
        string old = Path.Combine(parent, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.old");
        Directory.CreateDirectory(old);
        foreach (string name in owned)
        {
            string entry = Path.Combine(full, name);
            if (Directory.Exists(entry))
            {
                Directory.Move(entry, Path.Combine(old, name));
            }
            else if (File.Exists(entry))
            {
                File.Move(entry, Path.Combine(old, name));
            }
        }

        foreach (string entry in Directory.EnumerateFileSystemEntries(temporaryFolder))
        {
            string target = Path.Combine(full, Path.GetFileName(entry));
            if (Directory.Exists(entry))
            {
                Directory.Move(entry, target);
            }
            else
            {
                File.Move(entry, target);
            }
        }

        Directory.Delete(temporaryFolder, recursive: true);
        RemoveStale(parent, Path.GetFileName(full));
    }

    [GeneratedRegex("^\\.(?<name>.+)\\.[0-9a-f]{32}\\.(tmp|old)$")]
    private static partial Regex LeftoverName();
}
