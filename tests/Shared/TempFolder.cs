namespace Robustness.Tests.Shared;

/// <summary>
/// A fresh temporary folder, deleted with everything in it at dispose (best effort): the one temp-folder helper of
/// every test project.
/// </summary>
internal sealed class TempFolder : IDisposable
{
    /// <summary>Creates the folder.</summary>
    /// <param name="prefix">The folder name's prefix, to tell the tests' folders apart when one is left behind.</param>
    public TempFolder(string prefix = "robustness-test-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    /// <param name="parts">The relative path's parts.</param>
    /// <returns>The full path.</returns>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes the bytes into the folder, gzip-compressed when asked.</summary>
    /// <param name="name">The file's name.</param>
    /// <param name="bytes">The content.</param>
    /// <param name="gzip">Whether to gzip it.</param>
    /// <returns>The file's path.</returns>
    public string Write(string name, byte[] bytes, bool gzip = false)
    {
        string path = Combine(name);
        File.WriteAllBytes(path, gzip ? TestBytes.Gzip(bytes) : bytes);
        return path;
    }

    /// <summary>Creates empty files with the given names in a folder, creating the folder.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="names">The files' names.</param>
    public static void Touch(string folder, params string[] names)
    {
        Directory.CreateDirectory(folder);
        foreach (string name in names)
        {
            File.WriteAllBytes(System.IO.Path.Combine(folder, name), []);
        }
    }

    /// <summary>Deletes the folder when it still exists.</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a test that failed may hold a file open.
        }
    }
}
