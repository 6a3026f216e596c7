using System.Runtime.InteropServices;

namespace Robustness.Evaluation.Reports;

/// <summary>
/// Silences the process's native stderr (file descriptor 2) for the duration of one call, on Linux and macOS. Used
/// around Skia's SVG canvas only: it applies a line's dash pattern to the geometry (the SVG keeps the pattern) and
/// also prints "Unsupported path effect in addPaint." to stderr once per dashed line, which would read like an error.
/// </summary>
internal static class NativeStderr
{
    private const int StandardError = 2;

    /// <summary>Runs <paramref name="action"/> with file descriptor 2 pointed at /dev/null, then restores it; elsewhere just runs it.</summary>
    /// <param name="action">The call.</param>
    public static void Quiet(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            action();
            return;
        }

        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write);
        int saved = Dup(StandardError);
        if (saved < 0)
        {
            action();
            return;
        }

        try
        {
            if (Dup2((int)devNull.DangerousGetHandle(), StandardError) < 0)
            {
                action();
                return;
            }

            action();
        }
        finally
        {
            _ = Dup2(saved, StandardError);
            _ = Close(saved);
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need AllowUnsafeBlocks for the CLI; three int-only calls do not need marshalling
    [DllImport("libc", EntryPoint = "dup")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Dup(int fd);

    [DllImport("libc", EntryPoint = "dup2")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Dup2(int fd, int target);

    [DllImport("libc", EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);
#pragma warning restore SYSLIB1054
}
