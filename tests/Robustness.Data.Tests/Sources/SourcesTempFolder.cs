namespace Robustness.Data.Tests.Sources;

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
internal sealed class SourcesTempFolder : IDisposable
{
    public SourcesTempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "robustness-sources-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Creates (empty) files with the given names in a folder, creating the folder.</summary>
    public static void Touch(string folder, params string[] names)
    {
        Directory.CreateDirectory(folder);
        foreach (string name in names)
        {
            File.WriteAllBytes(System.IO.Path.Combine(folder, name), []);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
